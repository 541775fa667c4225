/** A token-bucket rate: `perSecond` refill, up to `burst` at once. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets keyed by sender address, for flood control. Memory is bounded: at most `maxKeys` buckets;
 * full buckets idle long enough to have refilled are forgotten first, and when every bucket is still in use a
 * new key is refused (fail closed: a spoofing flood cannot grow the table or evict active senders).
 */
export class AddressRateLimiter {
  readonly #rate: RateLimit;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, Bucket>();

  /** `rate.perSecond` > 0, `rate.burst` >= 1, `maxKeys` >= 1; not validated here (callers validate options). */
  constructor(rate: RateLimit, maxKeys: number) {
    this.#rate = rate;
    this.#maxKeys = maxKeys;
  }

  /** Number of addresses tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token for `key` at time `now` (ms); false when the sender is over its rate (drop the packet). */
  allow(key: string, now: number): boolean {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys && this.prune(now) === 0) return false;
      bucket = { tokens: this.#rate.burst, updatedAt: now };
      this.#buckets.set(key, bucket);
    } else {
      const refill = ((now - bucket.updatedAt) * this.#rate.perSecond) / 1000;
      bucket.tokens = Math.min(this.#rate.burst, bucket.tokens + Math.max(0, refill));
      bucket.updatedAt = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets `key` (for example when an address becomes a player's). */
  delete(key: string): void {
    this.#buckets.delete(key);
  }

  /** Forgets buckets that would be full again at `now` (their sender went quiet); returns how many. */
  prune(now: number): number {
    const fullAfterMs = (this.#rate.burst * 1000) / this.#rate.perSecond;
    let removed = 0;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.updatedAt >= fullAfterMs) {
        this.#buckets.delete(key);
        removed++;
      }
    }
    return removed;
  }
}
