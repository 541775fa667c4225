/** Percentiles of a sample (nearest-rank), in the sample's unit. */
export interface Distribution {
  readonly count: number;
  readonly p50: number | undefined;
  readonly p95: number | undefined;
  readonly p99: number | undefined;
  readonly max: number | undefined;
}

/** The nearest-rank `p`-th percentile (0 < p <= 100) of `sorted` (ascending), undefined when empty. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50/p95/p99/max of the finite values in `values`. */
export function distribution(values: readonly (number | undefined)[]): Distribution {
  const sorted = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? undefined : sorted[sorted.length - 1],
  };
}

/** Aligns rows of cells into columns: the first left-aligned, the others right-aligned (numbers) or left. */
export function formatTable(rows: readonly (readonly string[])[], align: 'numbers' | 'left' = 'numbers'): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const pad = (cell: string, i: number): string =>
    i === 0 || align === 'left' ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!);
  return rows.map((row) => row.map(pad).join('  ').trimEnd()).join('\n');
}

/** A duration in ms for a table ('12.3 ms', '1.52 s', '-'). */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** A ratio as a percentage ('1.2%'). */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}
