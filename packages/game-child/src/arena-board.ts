import { ArenaItemKind } from '@proj/protocol';
import type { ArenaItemView } from './arena-snapshot.js';
import { GameChildError } from './errors.js';
import type { SeededRandom } from './random.js';

/** An item on the board (mutable: a collected item moves to a new cell). */
interface Item extends ArenaItemView {
  cell: number;
  kind: ArenaItemKind;
}

/** A position on the board, as players have. */
interface Occupant {
  x: number;
  y: number;
}

/**
 * The arena's grid: walls, which player stands on each cell, and the items. Pure bookkeeping (the rules live
 * in ArenaGame); every cell index is `y * width + x`. @internal
 */
export class ArenaBoard {
  readonly width: number;
  readonly height: number;
  readonly walls: Uint8Array;
  readonly #occupant: Int16Array;
  readonly #itemAt: Int16Array;
  readonly #items: Item[] = [];
  readonly #random: SeededRandom;
  readonly #starChance: number;

  constructor(width: number, height: number, walls: Uint8Array, random: SeededRandom, starChance: number) {
    this.width = width;
    this.height = height;
    this.walls = walls;
    this.#occupant = new Int16Array(walls.length).fill(-1);
    this.#itemAt = new Int16Array(walls.length).fill(-1);
    this.#random = random;
    this.#starChance = starChance;
  }

  /** The items, in a stable order (an item keeps its index when it moves). */
  get items(): readonly ArenaItemView[] {
    return this.#items;
  }

  /** Cell index of (x, y) if it is on the grid and not a wall, else -1. */
  floorAt(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return -1;
    const c = y * this.width + x;
    return this.walls[c] === 0 ? c : -1;
  }

  /** The index of the player on `cell`, or -1. */
  occupantOf(cell: number): number {
    return this.#occupant[cell]!;
  }

  /** True when `cell` is floor without player and item. */
  isFree(cell: number): boolean {
    return this.walls[cell] === 0 && this.#occupant[cell] === -1 && this.#itemAt[cell] === -1;
  }

  /** Puts player `index` on `cell` (which must be free of players). */
  place(index: number, cell: number): void {
    this.#occupant[cell] = index;
  }

  /** Moves player `index` standing at `p` to `cell` (updating `p`); returns the item on `cell`, or undefined. */
  move(index: number, p: Occupant, cell: number): ArenaItemView | undefined {
    this.#occupant[p.y * this.width + p.x] = -1;
    this.#occupant[cell] = index;
    p.x = cell % this.width;
    p.y = (cell - p.x) / this.width;
    const i = this.#itemAt[cell]!;
    return i >= 0 ? this.#items[i] : undefined;
  }

  /** Adds an item on a free `cell`. */
  addItem(cell: number, kind: ArenaItemKind): void {
    this.#itemAt[cell] = this.#items.length;
    this.#items.push({ cell, kind });
  }

  /** Adds an item (a star with `starChance`) on a random free cell. Throws E_INVALID_ARGUMENT if none is left. */
  spawnItem(): void {
    const cell = this.freeCell();
    if (cell < 0) throw new GameChildError('E_INVALID_ARGUMENT', 'no free cell for an item');
    this.addItem(cell, this.#newKind());
  }

  /**
   * Takes the item on `cell` (a player picked it up): it reappears at a random free cell as a new random kind,
   * or, on a board with no free cell left, disappears.
   */
  takeItem(cell: number): void {
    const index = this.#itemAt[cell]!;
    if (index < 0) return;
    const item = this.#items[index]!;
    this.#itemAt[cell] = -1;
    const next = this.freeCell();
    if (next < 0) {
      const last = this.#items.pop()!;
      if (last !== item) {
        this.#items[index] = last;
        this.#itemAt[last.cell] = index;
      }
      return;
    }
    item.cell = next;
    item.kind = this.#newKind();
    this.#itemAt[next] = index;
  }

  /** A random free cell far from `others` when possible (best of 8 candidates). Throws if the board is full. */
  spawnCell(others: readonly Occupant[]): number {
    let best = -1;
    let bestDistance = -1;
    for (let k = 0; k < 8; k++) {
      const c = this.freeCell();
      if (c < 0) break;
      const x = c % this.width;
      const y = (c - x) / this.width;
      let d = Number.MAX_SAFE_INTEGER;
      for (const p of others) d = Math.min(d, Math.abs(p.x - x) + Math.abs(p.y - y));
      if (d > bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    if (best < 0) throw new GameChildError('E_INVALID_ARGUMENT', 'no free cell to spawn a player');
    return best;
  }

  /** A random free cell, or -1 if there is none. */
  freeCell(): number {
    const cells = this.walls.length;
    for (let tries = 0; tries < 32; tries++) {
      const c = this.#random.int(cells);
      if (this.isFree(c)) return c;
    }
    const start = this.#random.int(cells);
    for (let k = 0; k < cells; k++) {
      const c = (start + k) % cells;
      if (this.isFree(c)) return c;
    }
    return -1;
  }

  #newKind(): ArenaItemKind {
    return this.#random.next() < this.#starChance ? ArenaItemKind.STAR : ArenaItemKind.GEM;
  }
}
