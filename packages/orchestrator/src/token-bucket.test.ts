import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

const limitArb = fc.record({
  perSecond: fc.double({ min: 0.1, max: 10_000, noNaN: true }),
  burst: fc.integer({ min: 1, max: 200 }),
});
/** Gaps in ms between takes: many at once (0), some spread out. */
const gapsArb = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2_000, noNaN: true })), {
  maxLength: 400,
});

function times(start: number, gaps: readonly number[]): number[] {
  let t = start;
  return gaps.map((g) => (t += g));
}

describe('TokenBucket', () => {
  it('starts full: burst takes at once succeed, the next fails', () => {
    const bucket = new TokenBucket({ perSecond: 2, burst: 5 }, 1_000);
    for (let i = 0; i < 5; i++) expect(bucket.take(1_000)).toBe(true);
    expect(bucket.take(1_000)).toBe(false);
    expect(bucket.tokens).toBe(0);
  });

  it('refills at its rate, never above its burst', () => {
    const bucket = new TokenBucket({ perSecond: 2, burst: 3 }, 0);
    for (let i = 0; i < 3; i++) bucket.take(0);
    expect(bucket.take(499)).toBe(false); // 0.998 tokens
    expect(bucket.take(500)).toBe(true); // 1.0 token, spent
    expect(bucket.take(600)).toBe(false);
    // A long quiet spell refills to the burst, not beyond.
    expect(bucket.take(1_000_000)).toBe(true);
    expect(bucket.tokens).toBe(2);
  });

  it('refills nothing when time goes backwards', () => {
    const bucket = new TokenBucket({ perSecond: 1_000, burst: 1 }, 100);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(false);
    expect(bucket.take(101)).toBe(true);
  });

  it('never lets more than burst + elapsed * rate takes through, over any span', () => {
    fc.assert(
      fc.property(limitArb, gapsArb, fc.double({ min: 0, max: 1e9, noNaN: true }), (limit, gaps, start) => {
        const bucket = new TokenBucket(limit, start);
        const at = times(start, gaps);
        const granted = at.filter((t) => bucket.take(t));
        // Every window [granted[i], granted[j]] holds j - i + 1 successful takes.
        for (let i = 0; i < granted.length; i++) {
          for (let j = i; j < granted.length; j++) {
            const allowance = limit.burst + ((granted[j]! - granted[i]!) * limit.perSecond) / 1000;
            expect(j - i + 1).toBeLessThanOrEqual(allowance + 1e-6);
          }
        }
        // And from the start: at most burst + elapsed * rate.
        const last = at.at(-1) ?? start;
        expect(granted.length).toBeLessThanOrEqual(limit.burst + ((last - start) * limit.perSecond) / 1000 + 1e-6);
      }),
    );
  });

  it('never refuses a sender that keeps to its rate', () => {
    fc.assert(
      fc.property(
        limitArb,
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { maxLength: 300 }),
        (limit, extra) => {
          // Spaced at least one refill period apart (plus some slack against rounding), after spending the burst.
          const period = 1000 / limit.perSecond;
          const bucket = new TokenBucket(limit, 0);
          for (let i = 0; i < limit.burst; i++) expect(bucket.take(0)).toBe(true);
          let t = 0;
          for (const e of extra) {
            t += period * (1 + 1e-9) + e;
            expect(bucket.take(t)).toBe(true);
          }
        },
      ),
    );
  });
});
