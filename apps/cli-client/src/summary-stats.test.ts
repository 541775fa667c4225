import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distribution, formatDuration, formatTable, percentile } from './summary-stats.js';

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBeUndefined();
    expect(distribution([3, undefined, 1, 2, Number.NaN])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3 });
  });

  it('property: p50 <= p95 <= p99 <= max, each one of the values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: 0, max: 1e6 }), { minLength: 1 }), (values) => {
        const d = distribution(values);
        expect(d.p50! <= d.p95! && d.p95! <= d.p99! && d.p99! <= d.max!).toBe(true);
        for (const v of [d.p50, d.p95, d.p99, d.max]) expect(values).toContain(v);
      }),
    );
  });

  it('formats tables and durations', () => {
    expect(
      formatTable([
        ['a', 'bb'],
        ['ccc', 'd'],
      ]),
    ).toBe('a    bb\nccc   d');
    expect(formatDuration(undefined)).toBe('-');
    expect(formatDuration(12.34)).toBe('12.3 ms');
    expect(formatDuration(1520)).toBe('1.52 s');
  });
});
