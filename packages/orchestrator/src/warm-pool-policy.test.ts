import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type WarmPoolPolicy, formatWarmPoolBuffer, parseWarmPoolBuffer, warmPoolTarget } from './warm-pool-policy.js';

const policy = (patch: Partial<WarmPoolPolicy>): WarmPoolPolicy => ({
  min: 2,
  max: 8,
  buffer: { kind: 'percent', percent: 25 },
  refillRate: 10,
  shrinkDelayMs: 5_000,
  ...patch,
});
const demand = (activeGames: number, waitingGroups = 0, room = 1_000) => ({ activeGames, waitingGroups, room });

describe('warmPoolTarget', () => {
  it('a buffer of 0 is a fixed pool of min, whatever the demand (within the room)', () => {
    const fixed = policy({ min: 3, max: 3, buffer: { kind: 'count', count: 0 } });
    expect(warmPoolTarget(fixed, demand(0))).toBe(3);
    expect(warmPoolTarget(fixed, demand(50, 7))).toBe(3);
    expect(warmPoolTarget(fixed, demand(50, 0, 1))).toBe(1);
  });

  it('a percentage of the active games, rounded up, plus the waiting groups, clamped to min..max', () => {
    const p = policy({});
    expect(warmPoolTarget(p, demand(0))).toBe(2);
    expect(warmPoolTarget(p, demand(8))).toBe(2);
    expect(warmPoolTarget(p, demand(9))).toBe(3);
    expect(warmPoolTarget(p, demand(12))).toBe(3);
    expect(warmPoolTarget(p, demand(20))).toBe(5);
    expect(warmPoolTarget(p, demand(20, 2))).toBe(7);
    expect(warmPoolTarget(p, demand(100))).toBe(8);
    expect(warmPoolTarget(policy({ buffer: { kind: 'percent', percent: 12.5 } }), demand(40))).toBe(5);
  });

  it('a count buffer plus the waiting groups, clamped to min..max', () => {
    const p = policy({ min: 1, max: 6, buffer: { kind: 'count', count: 4 } });
    expect(warmPoolTarget(p, demand(0))).toBe(4);
    expect(warmPoolTarget(p, demand(30, 1))).toBe(5);
    expect(warmPoolTarget(p, demand(30, 5))).toBe(6);
  });

  it('never goes above the room under the cap, nor below 0, nor outside min..max', () => {
    fc.assert(
      fc.property(
        fc.nat(20),
        fc.nat(20),
        fc.oneof(
          fc.nat(30).map((count) => ({ kind: 'count' as const, count })),
          fc.integer({ min: 0, max: 100_000 }).map((c) => ({ kind: 'percent' as const, percent: c / 100 })),
        ),
        fc.nat(200),
        fc.nat(20),
        fc.integer({ min: -5, max: 40 }),
        (a, b, buffer, active, waiting, room) => {
          const p = policy({ min: Math.min(a, b), max: Math.max(a, b), buffer });
          const t = warmPoolTarget(p, demand(active, waiting, room));
          expect(t).toBeGreaterThanOrEqual(0);
          expect(t).toBeLessThanOrEqual(Math.max(0, room));
          expect(t).toBeLessThanOrEqual(p.max);
          if (room >= p.min) expect(t).toBeGreaterThanOrEqual(p.min);
          // More demand never lowers the target.
          expect(warmPoolTarget(p, demand(active + 1, waiting + 1, room))).toBeGreaterThanOrEqual(t);
        },
      ),
    );
  });
});

describe('parseWarmPoolBuffer', () => {
  it.each([
    [4, { kind: 'count', count: 4 }],
    ['4', { kind: 'count', count: 4 }],
    [' 0 ', { kind: 'count', count: 0 }],
    ['25%', { kind: 'percent', percent: 25 }],
    ['12.5 %', { kind: 'percent', percent: 12.5 }],
    ['1000%', { kind: 'percent', percent: 1_000 }],
  ])('reads %j', (raw, buffer) => {
    expect(parseWarmPoolBuffer(raw)).toEqual(buffer);
    expect(parseWarmPoolBuffer(formatWarmPoolBuffer(buffer as never))).toEqual(buffer);
  });

  it.each([[-1], [1.5], ['x'], ['-3%'], ['1.234%'], ['1001%'], [null], [{}]])('refuses %j with a reason', (raw) => {
    expect(typeof parseWarmPoolBuffer(raw)).toBe('string');
  });
});
