/** Counts per key (an address...), holding only keys with a count above 0. O(1) operations. */
export class CountByKey {
  readonly #counts = new Map<string, number>();

  /** The count of `key` (0 when absent). */
  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  /** Keys with a count above 0. */
  get size(): number {
    return this.#counts.size;
  }

  /** Adds one to `key`. */
  add(key: string): void {
    this.#counts.set(key, this.get(key) + 1);
  }

  /** Takes one from `key` (never below 0; the key is forgotten at 0). */
  remove(key: string): void {
    const n = this.get(key) - 1;
    if (n > 0) this.#counts.set(key, n);
    else this.#counts.delete(key);
  }
}
