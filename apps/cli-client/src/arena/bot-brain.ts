import { ArenaDirection, type ArenaInput } from '@proj/client-sdk';
import type { ArenaState } from './arena-state.js';

const STEPS: readonly (readonly [ArenaDirection, number, number])[] = [
  [ArenaDirection.UP, 0, -1],
  [ArenaDirection.DOWN, 0, 1],
  [ArenaDirection.LEFT, -1, 0],
  [ArenaDirection.RIGHT, 1, 0],
];

/** A route's first steps toward the nearest item: the direction to take now and how many steps go straight. */
interface Route {
  readonly direction: ArenaDirection;
  readonly straight: number;
  readonly length: number;
}

/**
 * A simple arena player: walks the shortest path (BFS around walls and other players) to the nearest item,
 * dashes when the path runs straight for a while, wanders when nothing is reachable. Deterministic for a given
 * `random`.
 */
export class BotBrain {
  #dashCounter = 0;
  #wander: ArenaDirection = ArenaDirection.NONE;
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** The input to hold now, or undefined before the bot knows the grid and its position. */
  decide(state: ArenaState): ArenaInput | undefined {
    const me = state.me();
    const rules = state.rules;
    const snap = state.snapshot;
    if (me === undefined || rules === undefined || snap === undefined) return undefined;
    const route = this.#route(state, me.x, me.y);
    let direction: ArenaDirection;
    if (route !== undefined) {
      direction = route.direction;
      if (me.dashReady && route.straight >= 3 && route.length >= 3) this.#dashCounter = (this.#dashCounter + 1) & 0xff;
    } else {
      direction = this.#wanderFrom(state, me.x, me.y);
    }
    return { direction, dashCounter: this.#dashCounter };
  }

  #route(state: ArenaState, sx: number, sy: number): Route | undefined {
    const rules = state.rules!;
    const snap = state.snapshot!;
    const { width, height } = rules;
    const items = new Set(snap.items.map((i) => i.y * width + i.x));
    if (items.size === 0) return undefined;
    const blocked = new Set(
      snap.players.filter((p) => p.slot !== state.mySlot && p.connected).map((p) => p.y * width + p.x),
    );
    const start = sy * width + sx;
    const from = new Int32Array(width * height).fill(-1);
    from[start] = start;
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const cell = queue[head]!;
      if (cell !== start && items.has(cell)) return this.#firstSteps(from, start, cell, width);
      const x = cell % width;
      const y = (cell - x) / width;
      for (const [, dx, dy] of STEPS) {
        const nx = x + dx;
        const ny = y + dy;
        if (state.isWall(nx, ny)) continue;
        const next = ny * width + nx;
        if (from[next] !== -1 || blocked.has(next)) continue;
        from[next] = cell;
        queue.push(next);
      }
    }
    return undefined;
  }

  #firstSteps(from: Int32Array, start: number, target: number, width: number): Route {
    const path: number[] = [];
    for (let c = target; c !== start; c = from[c]!) path.push(c);
    path.push(start);
    path.reverse();
    const dirOf = (a: number, b: number): ArenaDirection => {
      const d = b - a;
      if (d === 1) return ArenaDirection.RIGHT;
      if (d === -1) return ArenaDirection.LEFT;
      return d === width ? ArenaDirection.DOWN : ArenaDirection.UP;
    };
    const direction = dirOf(path[0]!, path[1]!);
    let straight = 1;
    while (straight + 1 < path.length && dirOf(path[straight]!, path[straight + 1]!) === direction) straight++;
    return { direction, straight, length: path.length - 1 };
  }

  #wanderFrom(state: ArenaState, x: number, y: number): ArenaDirection {
    const open = STEPS.filter(([, dx, dy]) => !state.isWall(x + dx, y + dy));
    const keep = open.find(([d]) => d === this.#wander);
    if (keep !== undefined && this.#random() > 0.1) return this.#wander;
    const pick = open[Math.floor(this.#random() * open.length)];
    this.#wander = pick === undefined ? ArenaDirection.NONE : pick[0];
    return this.#wander;
  }
}
