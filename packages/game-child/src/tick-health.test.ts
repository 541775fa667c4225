import { parseChildToParentMessage } from '@proj/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatenessHistogram, TickHealthReport, type TickHealthMeters } from './tick-health.js';

describe('LatenessHistogram', () => {
  it('reports zeros before any tick and after a take', () => {
    const h = new LatenessHistogram();
    expect(h.take()).toEqual({ samples: 0, p50: 0, p99: 0, max: 0 });
    h.record(3);
    expect(h.take().samples).toBe(1);
    expect(h.take()).toEqual({ samples: 0, p50: 0, p99: 0, max: 0 });
  });

  it('gives percentiles as bucket bounds, never above the exact maximum', () => {
    const h = new LatenessHistogram();
    for (let i = 0; i < 98; i++) h.record(0.1);
    h.record(7);
    h.record(45);
    expect(h.take()).toEqual({ samples: 100, p50: 0.25, p99: 8, max: 45 });
    h.record(0.1);
    expect(h.take()).toEqual({ samples: 1, p50: 0.1, p99: 0.1, max: 0.1 });
    h.record(9_000);
    h.record(9_000);
    expect(h.take()).toEqual({ samples: 2, p50: 9_000, p99: 9_000, max: 9_000 });
  });

  it('keeps p50 <= p99 <= max, each at least the true percentile', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 20_000, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
        const h = new LatenessHistogram();
        for (const x of xs) h.record(x);
        const s = h.take();
        const sorted = [...xs].sort((a, b) => a - b);
        const at = (q: number): number => sorted[Math.ceil(q * xs.length) - 1]!;
        expect(s.max).toBe(sorted.at(-1));
        expect(s.p50).toBeLessThanOrEqual(s.p99);
        expect(s.p99).toBeLessThanOrEqual(s.max);
        expect(s.p50).toBeGreaterThanOrEqual(at(0.5));
        expect(s.p99).toBeGreaterThanOrEqual(at(0.99));
      }),
    );
  });
});

describe('TickHealthReport', () => {
  it('reports deltas since the previous report, within the contract', () => {
    let now = 1_000;
    let cpuUs = 5_000_000;
    const counters = { ticks: 100, skippedTicks: 2 };
    const lateness = new LatenessHistogram();
    lateness.record(500); // before the report existed: not reported
    const meters: TickHealthMeters = { now: () => now, cpuUsage: () => ({ user: cpuUs, system: 0 }) };
    const report = new TickHealthReport(
      { tickRateHz: 30, stats: () => counters, takeTickLateness: () => lateness.take() },
      meters,
    );
    now += 1_000;
    cpuUs += 33_000;
    counters.ticks += 30;
    counters.skippedTicks += 1;
    for (let i = 0; i < 30; i++) lateness.record(i === 29 ? 40 : 1);
    const first = report.next();
    expect(first).toEqual({
      tickRateHz: 30,
      intervalMs: 1_000,
      ticks: 30,
      lateP50Ms: 1,
      lateP99Ms: 40,
      lateMaxMs: 40,
      skippedTicks: 1,
      cpuMs: 33,
    });
    // Nothing happened, not even time passing: still a valid message.
    const second = report.next();
    expect(second).toMatchObject({ ticks: 0, lateP99Ms: 0, cpuMs: 0, skippedTicks: 0 });
    for (const health of [first, second]) {
      const message = { type: 'stats', gameId: 'g', dropped: {}, health };
      expect(parseChildToParentMessage(message)).toEqual(message);
    }
  });
});
