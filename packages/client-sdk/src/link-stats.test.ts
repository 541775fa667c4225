import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DownstreamLoss, RttEstimator, SnapshotTicks, UpstreamLoss } from './link-stats.js';

describe('RttEstimator', () => {
  it('starts at the first sample and smooths toward later ones (RFC 6298 gains)', () => {
    const rtt = new RttEstimator();
    expect(rtt.smoothed).toBeUndefined();
    rtt.sample(100);
    expect(rtt.smoothed).toBe(100);
    expect(rtt.variation).toBe(50);
    rtt.sample(200);
    expect(rtt.smoothed).toBe(112.5);
    expect(rtt.variation).toBe(62.5);
    rtt.sample(-1);
    rtt.sample(Number.NaN);
    expect(rtt.samples).toBe(2);
    expect(rtt.last).toBe(200);
  });
});

describe('UpstreamLoss', () => {
  it('judges packets only past the horizon: acked ones delivered, others lost', () => {
    const up = new UpstreamLoss();
    for (let s = 0; s < 10; s++) up.record(s, s * 10);
    const acked = new Set([0, 1, 2, 4, 5, 6, 8, 9]);
    up.sweep(50, 1000, (s) => acked.has(s));
    expect(up.delivered + up.lost).toBe(0);
    up.sweep(1045, 1000, (s) => acked.has(s));
    expect([up.delivered, up.lost]).toEqual([4, 1]);
    up.sweep(5000, 1000, (s) => acked.has(s));
    expect([up.delivered, up.lost]).toEqual([8, 2]);
    expect(up.ratio).toBeCloseTo(0.2);
  });
});

describe('DownstreamLoss', () => {
  it('counts gaps in sequence numbers across wraparound and reconnects', () => {
    const down = new DownstreamLoss();
    for (const s of [65534, 65535, 1, 2]) down.receive(s);
    expect([down.expected, down.received]).toEqual([5, 4]);
    down.receive(0); // late
    expect(down.ratio).toBe(0);
    down.restart();
    for (const s of [0, 2]) down.receive(s);
    expect([down.expected, down.received]).toEqual([8, 7]);
  });

  it('property: with packets dropped at random, the ratio equals dropped / sent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.array(fc.boolean(), { minLength: 2, maxLength: 300 }),
        (start, kept) => {
          const flags = [true, ...kept.slice(1, -1), true];
          const down = new DownstreamLoss();
          flags.forEach((k, i) => k && down.receive((start + i) & 0xffff));
          expect(down.expected).toBe(flags.length);
          expect(down.received).toBe(flags.filter(Boolean).length);
        },
      ),
    );
  });
});

describe('SnapshotTicks', () => {
  it('delivers only newer ticks and counts the missing ones', () => {
    const t = new SnapshotTicks();
    expect([1, 2, 5, 4, 6].map((k) => t.accept(k))).toEqual([true, true, true, false, true]);
    expect([t.received, t.missed, t.stale, t.newest]).toEqual([4, 2, 1, 6]);
    t.restart();
    expect(t.accept(1)).toBe(true);
  });
});
