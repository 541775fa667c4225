import { ArenaSnapshotBuilder, type ArenaDirection, type ArenaItemKind, type ArenaPhase } from '@proj/protocol';

/** The per-player fields an arena snapshot shows (the arena's player records are a superset). */
export interface ArenaPlayerView {
  readonly slot: number;
  x: number;
  y: number;
  direction: ArenaDirection;
  connected: boolean;
  stunned: boolean;
  dashReady: boolean;
  score: number;
}

/** An item as the arena stores it. */
export interface ArenaItemView {
  readonly cell: number;
  readonly kind: ArenaItemKind;
}

/** Side of the square areas that share one interest-managed snapshot, in cells. */
const AREA = 16;

/**
 * Encodes arena snapshots, once per state change: while every player fits one datagram, all receivers share
 * one array; beyond that (about 150 players with 64 items) interest management applies: the grid is cut into
 * 16×16-cell areas, and every receiver in an area gets the same snapshot (`partial` set): every player in the
 * area, then the others nearest to the area's centre, as many as fit one datagram. So a receiver always sees
 * itself and its neighbours, and the encoding work grows with the number of occupied areas, not of players.
 * Returned arrays are never mutated afterwards.
 */
export class ArenaSnapshotEncoder {
  readonly #players: readonly ArenaPlayerView[];
  readonly #width: number;
  readonly #indexOf = new Map<ArenaPlayerView, number>();
  #builder: ArenaSnapshotBuilder | undefined;
  #shared: Uint8Array | undefined;
  readonly #perArea = new Map<number, Uint8Array>();
  // Scratch space of the nearest-players selection, reused across receivers and ticks.
  readonly #distances: Uint16Array; // sort keys
  readonly #order: Int32Array;
  #starts = new Uint32Array(0);
  /** Players inside the area of the last `#nearestToArea` call. */
  #inArea = 0;

  constructor(players: readonly ArenaPlayerView[], width: number) {
    this.#players = players;
    this.#width = width;
    players.forEach((p, i) => this.#indexOf.set(p, i));
    this.#distances = new Uint16Array(players.length);
    this.#order = new Int32Array(players.length);
  }

  /** The state changed: the next `snapshotFor` encodes afresh. */
  invalidate(): void {
    this.#builder = undefined;
    this.#shared = undefined;
    this.#perArea.clear();
  }

  snapshotFor(
    receiver: ArenaPlayerView | undefined,
    items: readonly ArenaItemView[],
    phase: ArenaPhase,
    tick: number,
    remainingMs: number,
  ): Uint8Array {
    const w = this.#width;
    const builder = (this.#builder ??= new ArenaSnapshotBuilder({
      phase,
      partial: false,
      tick,
      remainingMs,
      players: this.#players,
      items: items.map((it) => ({ x: it.cell % w, y: Math.floor(it.cell / w), kind: it.kind })),
    }));
    const capacity = builder.capacity;
    if (this.#players.length <= capacity) return (this.#shared ??= builder.full());
    if (receiver === undefined || !this.#indexOf.has(receiver)) {
      // Not a player of this game: the first players that fit.
      return (this.#shared ??= builder.subset(
        Int32Array.from({ length: capacity }, (_, i) => i),
        capacity,
      ));
    }
    const ax = Math.floor(receiver.x / AREA);
    const ay = Math.floor(receiver.y / AREA);
    const area = ay * 256 + ax;
    let bytes = this.#perArea.get(area);
    if (bytes === undefined) {
      const order = this.#nearestToArea(ax, ay);
      if (this.#inArea > capacity) {
        // A crowd larger than a datagram in one area: this receiver first, then the same order (not shared).
        const self = this.#indexOf.get(receiver)!;
        const mine = Int32Array.from([self, ...order.filter((i) => i !== self)]);
        return builder.subset(mine, capacity);
      }
      bytes = builder.subset(order, capacity);
      this.#perArea.set(area, bytes);
    }
    return bytes;
  }

  /**
   * Player indices: those inside area (ax, ay) first, then the others by Manhattan distance to its centre (counting
   * sort).
   */
  #nearestToArea(ax: number, ay: number): Int32Array {
    const players = this.#players;
    const n = players.length;
    const keys = this.#distances;
    const x0 = ax * AREA;
    const y0 = ay * AREA;
    const cx = x0 + AREA / 2;
    const cy = y0 + AREA / 2;
    let maxKey = 0;
    for (let i = 0; i < n; i++) {
      const p = players[i]!;
      let key = 0; // inside the area
      if (p.x < x0 || p.x >= x0 + AREA || p.y < y0 || p.y >= y0 + AREA) {
        const dx = p.x - cx;
        const dy = p.y - cy;
        key = 1 + (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
      }
      keys[i] = key;
      if (key > maxKey) maxKey = key;
    }
    if (this.#starts.length < maxKey + 2) this.#starts = new Uint32Array(maxKey + 2);
    const starts = this.#starts;
    starts.fill(0, 0, maxKey + 2);
    for (let i = 0; i < n; i++) starts[keys[i]! + 1]!++;
    for (let k = 1; k <= maxKey + 1; k++) starts[k]! += starts[k - 1]!;
    this.#inArea = starts[1]!;
    const order = this.#order;
    for (let i = 0; i < n; i++) order[starts[keys[i]!]!++] = i;
    return order;
  }
}
