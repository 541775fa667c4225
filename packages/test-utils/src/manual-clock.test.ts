import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';

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
    expect(clock.pendingCount).toBe(0);
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

  it('runs a timer of 0, a negative or a non-finite delay at the next advance, without moving time back', () => {
    const clock = new ManualClock(100);
    const seen: number[] = [];
    for (const ms of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) clock.setTimeout(() => seen.push(clock.now()), ms);
    expect(clock.pendingCount).toBe(4);
    clock.advance(0);
    expect(seen).toEqual([100, 100, 100, 100]);
    clock.advance(-10);
    expect(clock.now()).toBe(100);
  });

  it('leaves a timer that falls due after the advance pending, and ignores unknown or spent handles', () => {
    const clock = new ManualClock();
    let runs = 0;
    const handle = clock.setTimeout(() => runs++, 1000);
    clock.advance(999);
    expect(runs).toBe(0);
    expect(clock.pendingCount).toBe(1);
    clock.advance(1);
    expect(runs).toBe(1);
    clock.clearTimeout(handle);
    clock.clearTimeout('nope');
    expect(clock.pendingCount).toBe(0);
  });

  it("a callback's exception propagates out of advance; time stays at its due time and the timer is spent", () => {
    const clock = new ManualClock();
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    let later = false;
    clock.setTimeout(() => (later = true), 20);
    expect(() => clock.advance(50)).toThrow('boom');
    expect(clock.now()).toBe(10);
    expect(later).toBe(false);
    expect(clock.pendingCount).toBe(1);
    clock.advance(40);
    expect(later).toBe(true);
    expect(clock.now()).toBe(50);
  });

  it('keeps wall-clock time whole and moving with monotonic time', () => {
    const clock = new ManualClock(0.25, 2_000);
    expect(clock.epochNow()).toBe(2_000);
    clock.advance(1.5);
    expect(clock.now()).toBe(1.75);
    expect(clock.epochNow()).toBe(2_001);
  });
});
