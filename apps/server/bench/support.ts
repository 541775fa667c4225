// Shared pieces of the server benchmarks: BENCH_RESULT lines, progress notes, percentiles. Not a benchmark itself
// (no .bench.ts suffix).

export const smoke = process.env.BENCH_SMOKE === '1';

/** Prints one figure line for scripts/bench.mjs. */
export function report(figures: Record<string, unknown>): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(figures)}\n`);
}

/** Progress on stderr (the runner shows it, and it never mixes with the results). */
export function note(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Nearest-rank percentile of `values` (q in 0..1); NaN for none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Rounded to 0.01. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Count, p50, p99 and max of `values`, rounded to 0.01 ms (null for none: JSON has no NaN). */
export function summary(values: readonly number[]): {
  n: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
} {
  if (values.length === 0) return { n: 0, p50: null, p99: null, max: null };
  return {
    n: values.length,
    p50: round2(percentile(values, 0.5)),
    p99: round2(percentile(values, 0.99)),
    max: round2(percentile(values, 1)),
  };
}
