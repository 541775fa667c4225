/** A token-bucket rate: `perSecond` tokens refill every second, at most `burst` are held (and spent at once). */
export interface RateLimit {
  /** Refill rate, tokens per second: a finite number > 0. */
  readonly perSecond: number;
  /** Capacity, and the tokens of a new bucket: an integer >= 1. */
  readonly burst: number;
}

/**
 * One token bucket: starts full (`burst` tokens), refills continuously at `perSecond` up to `burst`, and each
 * {@link TokenBucket.take} spends one token if there is one. Over any span of `t` ms starting from a full bucket,
 * at most `burst + t * perSecond / 1000` takes succeed. Two numbers of state, no timer: time is passed in (ms, from
 * one monotonic clock such as `performance.now()`); a time earlier than the last one refills nothing.
 */
export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #updatedAt: number;

  /** A full bucket at time `now`. The limit is not validated here (callers validate their options). */
  constructor(limit: RateLimit, now: number) {
    this.#perMs = limit.perSecond / 1000;
    this.#burst = limit.burst;
    this.#tokens = limit.burst;
    this.#updatedAt = now;
  }

  /** Tokens held at the last {@link TokenBucket.take} (fractional while refilling). */
  get tokens(): number {
    return this.#tokens;
  }

  /** Spends one token at time `now`: true when there was one, false when the bucket is empty (over the rate). */
  take(now: number): boolean {
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs);
      this.#updatedAt = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
