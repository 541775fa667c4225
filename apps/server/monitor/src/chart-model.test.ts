import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MonitorSample } from '../../src/monitor-snapshot.js';
import {
  areaPath,
  bucketSamples,
  gamesPerSecondSeries,
  latest,
  linePath,
  niceCeil,
  seriesMax,
  timeDomain,
  timeToMatchSeries,
} from './chart-model.js';

const box = { width: 300, height: 100 };

function sample(at: number, gamesStarted: number, p50?: number, p99?: number): MonitorSample {
  return {
    at,
    gamesStarted,
    queued: 0,
    ...(p50 === undefined ? {} : { timeToMatchP50Ms: p50 }),
    ...(p99 === undefined ? {} : { timeToMatchP99Ms: p99 }),
  };
}

describe('niceCeil', () => {
  it.each([
    [0, 1],
    [-3, 1],
    [0.3, 0.5],
    [1, 1],
    [1.2, 2],
    [2.2, 2.5],
    [3, 5],
    [7, 10],
    [2300, 2500],
    [20_001, 25_000],
  ])('%d -> %d', (value, nice) => {
    expect(niceCeil(value)).toBe(nice);
  });

  it('is never below the value and less than 2.5 times it', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (value) => {
        const nice = niceCeil(value);
        expect(nice).toBeGreaterThanOrEqual(value);
        expect(nice).toBeLessThanOrEqual(value * 2.5 * (1 + 1e-9));
      }),
    );
  });
});

describe('series', () => {
  it('reads time to match with gaps and games started per second', () => {
    const samples = [sample(1000, 2, 800, 1500), sample(2000, 0), sample(3000, 1, 400, 400)];
    const { p50, p99 } = timeToMatchSeries(samples);
    expect(p50.map((p) => p.value)).toEqual([800, undefined, 400]);
    expect(p99.map((p) => p.value)).toEqual([1500, undefined, 400]);
    expect(gamesPerSecondSeries(samples, 500).map((p) => p.value)).toEqual([4, 0, 2]);
    expect(seriesMax(p50, p99)).toBe(1500);
    expect(latest(p50)).toBe(400);
    expect(latest([{ at: 1, value: undefined }])).toBeUndefined();
  });

  it('spans the samples, at least one interval', () => {
    expect(timeDomain([{ at: 5000, value: 1 }], 1000)).toEqual({ start: 4000, end: 5000 });
    expect(timeDomain([], 1000)).toEqual({ start: 0, end: 1000 });
  });
});

describe('paths', () => {
  const domain = { start: 0, end: 300 };

  it('maps time to x and value to y (0 at the bottom), breaking the line at gaps', () => {
    const d = linePath(
      [
        { at: 0, value: 0 },
        { at: 150, value: 50 },
        { at: 200, value: undefined },
        { at: 300, value: 100 },
      ],
      box,
      domain,
      100,
    );
    expect(d).toBe('M0 100L150 50M300 0h0');
  });

  it('clips values above the axis maximum to the top', () => {
    expect(
      linePath(
        [
          { at: 0, value: 500 },
          { at: 300, value: 10 },
        ],
        box,
        domain,
        100,
      ),
    ).toBe('M0 0L300 90');
  });

  it('closes the area on the x axis', () => {
    expect(
      areaPath(
        [
          { at: 0, value: 1 },
          { at: 300, value: 2 },
        ],
        box,
        domain,
        2,
      ),
    ).toBe('M0 100L0 50L300 0L300 100Z');
    expect(areaPath([], box, domain, 2)).toBe('');
  });

  it('stays inside the box for any series', () => {
    const point = fc.record({
      at: fc.integer({ min: 0, max: 300 }),
      value: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 50 }), (points) => {
        const max = niceCeil(seriesMax(points));
        const numbers = linePath(points, box, domain, max).match(/-?[\d.]+/g) ?? [];
        for (const n of numbers) {
          expect(Number(n)).toBeGreaterThanOrEqual(0);
          expect(Number(n)).toBeLessThanOrEqual(300);
        }
      }),
    );
  });
});

describe('bucketSamples', () => {
  it('keeps the samples as they are when they fit', () => {
    const samples = [sample(1000, 1, 100, 200), sample(2000, 0)];
    const buckets = bucketSamples(samples, 1000, 10);
    expect(buckets).toHaveLength(2);
    expect(buckets[0]).toEqual({
      at: 1000,
      spanMs: 1000,
      gamesStarted: 1,
      timeToMatchP50Ms: 100,
      timeToMatchP99Ms: 200,
    });
    expect(buckets[1]?.timeToMatchP50Ms).toBeUndefined();
  });

  it('merges 600 one-second samples into at most 120 clock-aligned buckets without losing a game', () => {
    const samples = Array.from({ length: 600 }, (_, i) =>
      sample(1_000_000 + (i + 1) * 1000, i % 3 === 0 ? 2 : 0, 100 + i, 1000 + i),
    );
    const buckets = bucketSamples(samples, 1000, 120);
    expect(buckets.length).toBeLessThanOrEqual(121);
    expect(buckets.reduce((sum, b) => sum + b.gamesStarted, 0)).toBe(400);
    expect(buckets.reduce((sum, b) => sum + b.spanMs, 0)).toBe(600_000);
    // p99 is the bucket's largest, p50 a weighted mean within the bucket's range.
    const last = buckets[buckets.length - 1];
    expect(last?.timeToMatchP99Ms).toBe(1599);
    for (const b of buckets) if (b.timeToMatchP50Ms !== undefined) expect(b.timeToMatchP50Ms).toBeLessThan(700);
    // Per second over a full bucket's 5 s: one or two starts of 2 games.
    const rates = gamesPerSecondSeries(buckets.slice(1, -1), 1000).map((p) => p.value);
    for (const r of rates) expect([0.4, 0.8]).toContain(r);
  });

  it('puts a sample in the same bucket from one call to the next (aligned on the clock)', () => {
    const make = (n: number): MonitorSample[] => Array.from({ length: n }, (_, i) => sample((i + 1) * 1000, 1));
    const a = bucketSamples(make(600), 1000, 120);
    const b = bucketSamples(make(600).slice(3), 1000, 120);
    expect(a[a.length - 1]).toEqual(b[b.length - 1]);
  });
});
