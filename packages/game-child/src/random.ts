/**
 * A small seeded pseudo-random generator (mulberry32): deterministic for a seed, so arena games replay
 * exactly in tests. Not for anything secret.
 */
export class SeededRandom {
  #state: number;

  /** Any 32-bit integer seed; other numbers are truncated to 32 bits. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n) for n >= 1. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
