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
