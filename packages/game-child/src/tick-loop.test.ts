import { describe, expect, it } from 'vitest';
import { ManualClock } from '@proj/test-utils';
import type { Clock } from './clock.js';
import { GameChildError } from './errors.js';
import { TickLoop, type TickInfo } from './tick-loop.js';

/** A clock whose timers fire `lateness(n)` ms after they are due (negative: early), like a busy event loop. */
function jitteryClock(base: ManualClock, lateness: (n: number) => number): Clock {
  let n = 0;
  return {
    now: () => base.now(),
    epochNow: () => base.epochNow(),
    setTimeout: (cb, ms) => base.setTimeout(cb, Math.max(0, ms + lateness(n++))),
    clearTimeout: (h) => base.clearTimeout(h),
  };
}

function collect(clock: Clock, tickRateHz: number, extra: Partial<ConstructorParameters<typeof TickLoop>[0]> = {}) {
  const ticks: TickInfo[] = [];
  const loop = new TickLoop({ tickRateHz, clock, onTick: (t) => ticks.push(t), ...extra });
  return { loop, ticks };
}

describe('TickLoop', () => {
  it('runs exactly rate ticks per second at absolute targets', () => {
    const clock = new ManualClock(1000);
    const { loop, ticks } = collect(clock, 30);
    loop.start();
    clock.advance(1000);
    expect(ticks).toHaveLength(30);
    ticks.forEach((t, i) => {
      expect(t.tick).toBe(i + 1);
      expect(t.dtMs).toBeCloseTo(1000 / 30, 10);
      expect(t.scheduledAt).toBeCloseTo(1000 + ((i + 1) * 1000) / 30, 9);
    });
    loop.stop();
    expect(clock.pendingCount).toBe(0);
  });

  it('does not drift when every timer fires late by a varying amount', () => {
    const base = new ManualClock(0);
    // Pseudo-random lateness in [0, 8) ms, deterministic.
    const clock = jitteryClock(base, (n) => ((n * 7919) % 80) / 10);
    const { loop, ticks } = collect(clock, 60);
    loop.start();
    for (let ms = 0; ms < 10_000; ms++) base.advance(1);
    loop.stop();
    // 600 ticks are due in 10 s; the last one or two may still be waiting for their (late) timer.
    expect(ticks.length).toBeGreaterThanOrEqual(598);
    expect(ticks.length).toBeLessThanOrEqual(600);
    ticks.forEach((t, i) => expect(t.scheduledAt).toBeCloseTo(((i + 1) * 1000) / 60, 9));
    expect(Math.max(...ticks.map((t) => t.lateMs))).toBeLessThan(10);
    // A tick starts when the loop woke: its due time plus its lateness (or up to 1 ms early, lateness 0).
    for (const t of ticks) {
      if (t.lateMs > 0) expect(t.startedAt).toBeCloseTo(t.scheduledAt + t.lateMs, 9);
      else expect(t.startedAt).toBeGreaterThanOrEqual(t.scheduledAt - 1);
    }
    expect(loop.skippedTicks).toBe(0);
  });

  it('runs a tick whose timer fires up to 1 ms early', () => {
    const base = new ManualClock(0);
    const clock = jitteryClock(base, () => -0.9);
    const { loop, ticks } = collect(clock, 50);
    loop.start();
    base.advance(19.2); // first tick due at 20; timer fires at ~19.1
    expect(ticks).toHaveLength(1);
    expect(ticks[0]!.scheduledAt).toBe(20);
    expect(ticks[0]!.lateMs).toBe(0);
    expect(ticks[0]!.startedAt).toBeLessThan(20); // early, not late
    loop.stop();
  });

  it('catches up at most maxCatchUpTicks after a stall, skips the rest and keeps its phase', () => {
    const clock = new ManualClock(0);
    const ticks: TickInfo[] = [];
    const loop = new TickLoop({
      tickRateHz: 100,
      clock,
      maxCatchUpTicks: 2,
      onTick: (t) => {
        ticks.push(t);
        if (t.tick === 3) clock.spend(105); // a 105 ms stall inside tick 3 (due at 30)
      },
    });
    loop.start();
    clock.advance(30);
    // At 135, ticks due at 40..130 are overdue: 40..110 are skipped, 120 and 130 run (at most 2 overdue).
    clock.advance(10);
    expect(loop.skippedTicks).toBe(8);
    expect(ticks.map((t) => t.scheduledAt)).toEqual([10, 20, 30, 120, 130, 140]);
    clock.advance(10);
    expect(ticks.at(-1)!.scheduledAt).toBe(150);
    loop.stop();
  });

  it('stops on an error from onTick and reports it once', () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    const boom = new Error('boom');
    const loop = new TickLoop({
      tickRateHz: 10,
      clock,
      onTick: (t) => {
        if (t.tick === 2) throw boom;
      },
      onError: (e) => errors.push(e),
    });
    loop.start();
    clock.advance(1000);
    expect(errors).toEqual([boom]);
    expect(loop.running).toBe(false);
    expect(loop.ticks).toBe(2);
    expect(clock.pendingCount).toBe(0);
  });

  it('rethrows from onTick when there is no onError', () => {
    const clock = new ManualClock(0);
    const loop = new TickLoop({
      tickRateHz: 10,
      clock,
      onTick: () => {
        throw new Error('x');
      },
    });
    loop.start();
    expect(() => clock.advance(100)).toThrow('x');
    expect(loop.running).toBe(false);
  });

  it('measures tick durations with its clock', () => {
    const clock = new ManualClock(0);
    const loop = new TickLoop({ tickRateHz: 10, clock, onTick: (t) => clock.spend(t.tick === 10 ? 9 : 1) });
    expect(loop.tickTimes()).toEqual({ samples: 0, p50: 0, p99: 0, max: 0 });
    loop.start();
    clock.advance(1000);
    const stats = loop.tickTimes();
    expect(stats.samples).toBe(10);
    expect(stats.p50).toBe(1);
    expect(stats.max).toBe(9);
    expect(stats.p99).toBe(9);
    loop.resetTickTimes();
    expect(loop.tickTimes().samples).toBe(0);
    loop.stop();
  });

  it('start and stop are idempotent and stop inside a tick ends the loop', () => {
    const clock = new ManualClock(0);
    let count = 0;
    const loop: TickLoop = new TickLoop({
      tickRateHz: 10,
      clock,
      maxCatchUpTicks: 5,
      onTick: () => {
        if (++count === 2) loop.stop();
      },
    });
    loop.start();
    loop.start();
    clock.advance(1000);
    expect(count).toBe(2);
    loop.stop();
    expect(clock.pendingCount).toBe(0);
  });

  it('rejects bad options', () => {
    const onTick = (): void => {};
    for (const tickRateHz of [0, -1, 1001, Number.NaN]) {
      expect(() => new TickLoop({ tickRateHz, onTick })).toThrow(GameChildError);
    }
    expect(() => new TickLoop({ onTick, maxCatchUpTicks: 0 })).toThrow(GameChildError);
    expect(() => new TickLoop({ onTick, statsWindow: 0 })).toThrow(GameChildError);
    expect(new TickLoop({ onTick }).tickRateHz).toBe(20);
  });
});
