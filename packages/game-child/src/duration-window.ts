/** Percentiles of recent durations (ms). */
export interface TickTimeStats {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** The last `size` recorded durations and their percentiles; O(1) to record, O(n log n) to read. @internal */
export class DurationWindow {
  readonly #values: Float64Array;
  #count = 0;

  constructor(size: number) {
    this.#values = new Float64Array(size);
  }

  record(ms: number): void {
    this.#values[this.#count % this.#values.length] = ms;
    this.#count++;
  }

  reset(): void {
    this.#count = 0;
  }

  stats(): TickTimeStats {
    const n = Math.min(this.#count, this.#values.length);
    if (n === 0) return { samples: 0, p50: 0, p99: 0, max: 0 };
    const sorted = this.#values.slice(0, n).sort();
    const at = (q: number): number => sorted[Math.min(n - 1, Math.ceil(q * n) - 1)] ?? 0;
    return { samples: n, p50: at(0.5), p99: at(0.99), max: sorted[n - 1] ?? 0 };
  }
}
