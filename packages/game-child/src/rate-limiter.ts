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
 * Every call is O(1) amortized, also with the table full under a flood of new (spoofed) addresses: buckets
 * are kept in the order they were last used, so making room only looks at the idle ones and the first
 * active one, never the whole table. Times passed in must not go backwards.
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
      // Move it to the end: the Map stays ordered by last use, oldest first (what prune relies on).
      this.#buckets.delete(key);
      this.#buckets.set(key, bucket);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets `key` (for example when an address becomes a player's). */
  delete(key: string): void {
    this.#buckets.delete(key);
  }

  /**
   * Forgets buckets that would be full again at `now` (their sender went quiet); returns how many. Walks
   * from the least recently used and stops at the first bucket still in use: O(removed + 1).
   */
  prune(now: number): number {
    const fullAfterMs = (this.#rate.burst * 1000) / this.#rate.perSecond;
    let removed = 0;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.updatedAt < fullAfterMs) break;
      this.#buckets.delete(key);
      removed++;
    }
    return removed;
  }
}
