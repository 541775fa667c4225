/**
 * Spaces warm starts: at most `ratePerSecond` of them per second, one every `1000 / ratePerSecond` ms (no burst
 * allowance: the start bound shared with cold starts already decides how many boot at once). A rate of 0 means no
 * limit. Time comes from `now` (monotonic ms), so tests can drive it.
 */
export class RefillLimiter {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #nextAt = -Infinity;

  constructor(ratePerSecond: number, now: () => number) {
    this.#intervalMs = ratePerSecond > 0 ? 1_000 / ratePerSecond : 0;
    this.#now = now;
  }

  /** Ms until the next start is allowed (0: now). */
  waitMs(): number {
    return Math.max(0, this.#nextAt - this.#now());
  }

  /** Takes the right to start one child now: true (and the next one is due an interval later), or false. */
  tryTake(): boolean {
    const now = this.#now();
    if (now < this.#nextAt) return false;
    this.#nextAt = now + this.#intervalMs;
    return true;
  }
}
