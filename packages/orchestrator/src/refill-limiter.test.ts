import { describe, expect, it } from 'vitest';
import { RefillLimiter } from './refill-limiter.js';

describe('RefillLimiter', () => {
  it('allows one start every 1000/rate ms', () => {
    let now = 0;
    const limiter = new RefillLimiter(4, () => now);
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(false);
    expect(limiter.waitMs()).toBe(250);
    now = 249;
    expect(limiter.tryTake()).toBe(false);
    expect(limiter.waitMs()).toBe(1);
    now = 250;
    expect(limiter.tryTake()).toBe(true);
    now = 10_000;
    // No burst allowance after a quiet spell.
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(false);
  });

  it('a rate of 0 does not limit', () => {
    const limiter = new RefillLimiter(0, () => 0);
    for (let i = 0; i < 5; i++) expect(limiter.tryTake()).toBe(true);
    expect(limiter.waitMs()).toBe(0);
  });
});
