/**
 * Addresses sitting out a penalty (their client was closed for RATE_LIMITED): `has` is true for `durationMs` after
 * the last `add`. Memory is bounded: at most `maxAddresses` entries; past that the penalty that ends first is
 * forgotten. Entries are kept in the order their penalty ends (one duration for all), so expired ones are dropped
 * from the front: every call is O(1) amortized. Times passed in must not go backwards.
 */
export class AddressPenalties {
  readonly #durationMs: number;
  readonly #maxAddresses: number;
  /** address -> when its penalty ends (ms); insertion order is end order. */
  readonly #until = new Map<string, number>();

  /** `durationMs` >= 0 (0: nothing is ever penalised), `maxAddresses` >= 1; not validated here. */
  constructor(durationMs: number, maxAddresses: number) {
    this.#durationMs = durationMs;
    this.#maxAddresses = maxAddresses;
  }

  /** Addresses held (some may have expired but not been dropped yet). */
  get size(): number {
    return this.#until.size;
  }

  /** Starts (or restarts) the penalty of `address` at `now`. */
  add(address: string, now: number): void {
    if (this.#durationMs === 0) return;
    this.#until.delete(address);
    this.#prune(now);
    if (this.#until.size >= this.#maxAddresses) this.#until.delete(this.#until.keys().next().value!);
    this.#until.set(address, now + this.#durationMs);
  }

  /** True when `address` is serving a penalty at `now`. */
  has(address: string, now: number): boolean {
    if (this.#until.size === 0) return false;
    this.#prune(now);
    const until = this.#until.get(address);
    return until !== undefined && now < until;
  }

  #prune(now: number): void {
    for (const [address, until] of this.#until) {
      if (now < until) return;
      this.#until.delete(address);
    }
  }
}
