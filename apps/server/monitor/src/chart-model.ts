// The charts' arithmetic, apart from the DOM: series from the history samples, a "nice" axis maximum, and SVG
// path data. Pure, tested in node.
import type { MonitorSample } from '../../src/monitor-snapshot.js';

/** One series value at a time; undefined is a gap (no game started in that interval). */
export interface SeriesPoint {
  readonly at: number;
  readonly value: number | undefined;
}

/** The plot's size in SVG user units (the SVG stretches it to its box). */
export interface PlotBox {
  readonly width: number;
  readonly height: number;
}

/** Time to match, p50 and p99, per sample or bucket (gaps where no game started). */
export function timeToMatchSeries(samples: readonly (MonitorSample | Bucket)[]): {
  readonly p50: SeriesPoint[];
  readonly p99: SeriesPoint[];
} {
  return {
    p50: samples.map((s) => ({ at: s.at, value: finite(s.timeToMatchP50Ms) })),
    p99: samples.map((s) => ({ at: s.at, value: finite(s.timeToMatchP99Ms) })),
  };
}

/**
 * Games started per second, per sample (gamesStarted / (intervalMs / 1000)) or per bucket (over the time it
 * covers).
 */
export function gamesPerSecondSeries(samples: readonly (MonitorSample | Bucket)[], intervalMs: number): SeriesPoint[] {
  return samples.map((s) => {
    const ms = 'spanMs' in s ? s.spanMs : intervalMs;
    const seconds = ms > 0 ? ms / 1000 : 1;
    return { at: s.at, value: Math.max(0, finite(s.gamesStarted) ?? 0) / seconds };
  });
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** The largest value of the series (0 when all are gaps). */
export function seriesMax(...series: readonly (readonly SeriesPoint[])[]): number {
  let max = 0;
  for (const points of series) for (const p of points) if (p.value !== undefined && p.value > max) max = p.value;
  return max;
}

/**
 * The axis maximum for a data maximum: the smallest 1, 2, 2.5 or 5 × 10^k at or above it (1 for 0 or less), so
 * that the top label reads round.
 */
export function niceCeil(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  for (const step of [1, 2, 2.5, 5, 10]) {
    // Rounded, so that 0.3 is not read as 0.30000000000000004 > 0.3.
    const candidate = Number((step * base).toPrecision(12));
    if (candidate >= value) return candidate;
  }
  return 10 * base;
}

/** The time span the x axis covers: from the first sample to the last, at least one interval. */
export function timeDomain(points: readonly SeriesPoint[], intervalMs: number): { start: number; end: number } {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return { start: 0, end: Math.max(1, intervalMs) };
  const end = last.at;
  const start = Math.min(first.at, end - Math.max(1, intervalMs));
  return { start, end };
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function toXY(p: SeriesPoint, box: PlotBox, domain: { start: number; end: number }, max: number): [string, string] {
  const span = domain.end - domain.start || 1;
  const x = ((p.at - domain.start) / span) * box.width;
  const y = box.height - (Math.min(p.value ?? 0, max) / (max || 1)) * box.height;
  return [round(x), round(y)];
}

/**
 * SVG path data of a line through the points, broken at gaps; a point alone between gaps is drawn as a
 * zero-length segment (a dot with round caps). Values above `max` are clipped to the top.
 */
export function linePath(
  points: readonly SeriesPoint[],
  box: PlotBox,
  domain: { start: number; end: number },
  max: number,
): string {
  const parts: string[] = [];
  let run: [string, string][] = [];
  const flush = (): void => {
    if (run.length === 1) {
      const [x, y] = run[0] ?? ['0', '0'];
      parts.push(`M${x} ${y}h0`);
    } else if (run.length > 1) {
      parts.push(run.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x} ${y}`).join(''));
    }
    run = [];
  };
  for (const p of points) {
    if (p.value === undefined) flush();
    else run.push(toXY(p, box, domain, max));
  }
  flush();
  return parts.join('');
}

/** SVG path data of the area under a line without gaps (a gap counts as 0), closed on the x axis. */
export function areaPath(
  points: readonly SeriesPoint[],
  box: PlotBox,
  domain: { start: number; end: number },
  max: number,
): string {
  if (points.length === 0) return '';
  const xy = points.map((p) => toXY({ at: p.at, value: p.value ?? 0 }, box, domain, max));
  const first = xy[0] ?? ['0', '0'];
  const last = xy[xy.length - 1] ?? first;
  const bottom = round(box.height);
  return `M${first[0]} ${bottom}${xy.map(([x, y]) => `L${x} ${y}`).join('')}L${last[0]} ${bottom}Z`;
}

/** The most recent defined value of a series. */
export function latest(points: readonly SeriesPoint[]): number | undefined {
  for (let i = points.length - 1; i >= 0; i -= 1) {
    const value = points[i]?.value;
    if (value !== undefined) return value;
  }
  return undefined;
}

/** One plotted point of the history: several samples merged, or one. */
export interface Bucket {
  /** The end of the bucket's last sample. */
  readonly at: number;
  /** The time its samples cover, ms. */
  readonly spanMs: number;
  readonly gamesStarted: number;
  /** The mean of its samples' medians, weighted by their games started (undefined: no game started). */
  readonly timeToMatchP50Ms: number | undefined;
  /** The largest of its samples' 99th percentiles. */
  readonly timeToMatchP99Ms: number | undefined;
}

/**
 * Merges the samples into at most `maxPoints` buckets of equal length aligned on the clock (so that a bucket keeps
 * its samples from one snapshot to the next and the line does not shimmer), for a chart a few hundred pixels wide.
 */
export function bucketSamples(samples: readonly MonitorSample[], intervalMs: number, maxPoints: number): Bucket[] {
  const interval = intervalMs > 0 ? intervalMs : 1000;
  const perBucket = Math.max(1, Math.ceil(samples.length / Math.max(1, maxPoints)));
  const bucketMs = perBucket * interval;
  const buckets: Bucket[] = [];
  let key: number | undefined;
  let group: MonitorSample[] = [];
  const flush = (): void => {
    if (group.length === 0) return;
    let started = 0;
    let weighted = 0;
    let weight = 0;
    let p99: number | undefined;
    for (const s of group) {
      const n = Math.max(0, finite(s.gamesStarted) ?? 0);
      started += n;
      const p50 = finite(s.timeToMatchP50Ms);
      if (p50 !== undefined) {
        weighted += p50 * Math.max(1, n);
        weight += Math.max(1, n);
      }
      const high = finite(s.timeToMatchP99Ms);
      if (high !== undefined && (p99 === undefined || high > p99)) p99 = high;
    }
    const last = group[group.length - 1];
    buckets.push({
      at: last?.at ?? 0,
      spanMs: group.length * interval,
      gamesStarted: started,
      timeToMatchP50Ms: weight > 0 ? weighted / weight : undefined,
      timeToMatchP99Ms: p99,
    });
    group = [];
  };
  for (const s of samples) {
    // A sample's interval ends at `at`: it belongs to the bucket holding its start.
    const k = Math.floor((s.at - 1) / bucketMs);
    if (k !== key) {
      flush();
      key = k;
    }
    group.push(s);
  }
  flush();
  return buckets;
}
