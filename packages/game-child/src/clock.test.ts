import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock.js';

describe('ManualClock', () => {
  it('runs due timers in order, each at its due time, including ones scheduled meanwhile', () => {
    const clock = new ManualClock(0, 1_000_000);
    const seen: [string, number][] = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 20);
    clock.setTimeout(() => {
      seen.push(['a', clock.now()]);
      clock.setTimeout(() => seen.push(['c', clock.now()]), 5);
    }, 10);
    clock.setTimeout(() => seen.push(['a2', clock.now()]), 10);
    const late = clock.setTimeout(() => seen.push(['never', clock.now()]), 50);
    clock.clearTimeout(late);
    clock.advance(30);
    expect(seen).toEqual([
      ['a', 10],
      ['a2', 10],
      ['c', 15],
      ['b', 20],
    ]);
    expect(clock.now()).toBe(30);
    expect(clock.epochNow()).toBe(1_000_030);
    expect(clock.pendingTimers).toBe(0);
  });

  it('spend moves time without running timers', () => {
    const clock = new ManualClock();
    let ran = false;
    clock.setTimeout(() => (ran = true), 5);
    clock.spend(10);
    expect(ran).toBe(false);
    clock.advance(0);
    expect(ran).toBe(true);
  });
});

describe('systemClock', () => {
  it('is monotonic and schedules timers', async () => {
    const a = systemClock.now();
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 1));
    expect(systemClock.now()).toBeGreaterThanOrEqual(a);
    expect(Math.abs(systemClock.epochNow() - Date.now())).toBeLessThan(1000);
    const h = systemClock.setTimeout(() => {
      throw new Error('cleared timer ran');
    }, 1);
    systemClock.clearTimeout(h);
  });
});
