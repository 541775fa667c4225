import { describe, expect, it } from 'vitest';
import { AddressRateLimiter } from './rate-limiter.js';

describe('AddressRateLimiter', () => {
  it('allows a burst, then the refill rate, per key', () => {
    const limiter = new AddressRateLimiter({ perSecond: 10, burst: 5 }, 100);
    let allowed = 0;
    for (let i = 0; i < 20; i++) if (limiter.allow('a', 0)) allowed++;
    expect(allowed).toBe(5);
    expect(limiter.allow('b', 0)).toBe(true); // other keys are independent
    expect(limiter.allow('a', 50)).toBe(false);
    expect(limiter.allow('a', 100)).toBe(true); // 1 token per 100 ms
    expect(limiter.allow('a', 100)).toBe(false);
    allowed = 0;
    for (let t = 200; t < 1200; t += 10) if (limiter.allow('a', t)) allowed++;
    expect(allowed).toBe(10);
  });

  it('bounds its memory and fails closed for new keys while all are active', () => {
    const limiter = new AddressRateLimiter({ perSecond: 1, burst: 2 }, 3);
    for (const k of ['a', 'b', 'c']) expect(limiter.allow(k, 0)).toBe(true);
    expect(limiter.allow('d', 100)).toBe(false);
    expect(limiter.size).toBe(3);
    // After 2 s every bucket is full again: idle keys are forgotten to make room.
    expect(limiter.allow('d', 2000)).toBe(true);
    expect(limiter.size).toBe(1);
    limiter.delete('d');
    expect(limiter.size).toBe(0);
  });
});

describe('AddressRateLimiter under a flood of new addresses', () => {
  it('forgets idle keys in least-recently-used order, keeping the ones still in use', () => {
    const limiter = new AddressRateLimiter({ perSecond: 1, burst: 2 }, 3);
    for (const k of ['a', 'b', 'c']) expect(limiter.allow(k, 0)).toBe(true);
    expect(limiter.allow('a', 1500)).toBe(true); // 'a' is in use again; 'b' and 'c' go idle
    expect(limiter.allow('d', 2000)).toBe(true); // 'b' and 'c' refilled: forgotten
    expect(limiter.size).toBe(2);
    expect(limiter.allow('e', 2100)).toBe(true);
    expect(limiter.allow('f', 2200)).toBe(false); // 'a' (used at 1500), 'd', 'e' all in use
    expect(limiter.size).toBe(3);
    // 'a' kept its bucket (not a fresh burst of 2): one token was taken at 1500, one is left.
    expect(limiter.allow('a', 1500)).toBe(true);
    expect(limiter.allow('a', 1500)).toBe(false);
  });

  it('costs O(1) per packet with a full table of active senders (no scan per new address)', () => {
    const max = 4096;
    const limiter = new AddressRateLimiter({ perSecond: 10, burst: 20 }, max);
    for (let i = 0; i < max; i++) limiter.allow(`10.0.${i >> 8}.${i & 0xff}|1`, 0);
    const n = 200_000;
    const t0 = performance.now();
    let refused = 0;
    for (let i = 0; i < n; i++) if (!limiter.allow(`spoof-${i}|1`, 1 + i / 1e6)) refused++;
    const elapsed = performance.now() - t0;
    expect(refused).toBe(n);
    expect(limiter.size).toBe(max);
    // A scan of the table per packet would be ~800M map steps (seconds); O(1) is a few tens of ms even on a
    // busy shared machine. The bound is loose on purpose.
    expect(elapsed).toBeLessThan(1500);
  });
});
