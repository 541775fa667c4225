import { describe, expect, it } from 'vitest';
import { ChildWatchdog, LATE_AFTER_MS, type WatchedChild, type WatchdogClock } from './child-watchdog.js';

function clock(): WatchdogClock & { t: number; armed: number } {
  const c = {
    t: 0,
    armed: 0,
    now: () => c.t,
    setInterval: () => {
      c.armed++;
      return c.armed;
    },
    clearInterval: () => {
      c.armed--;
    },
  };
  return c;
}

describe('ChildWatchdog', () => {
  it('checks about ten times per timeout, between every 50 ms and every 500 ms', () => {
    const period = (timeoutMs: number): number =>
      new ChildWatchdog({ timeoutMs, children: () => [], onSilent: () => {}, clock: clock() }).periodMs;
    expect(period(5_000)).toBe(500);
    expect(period(60_000)).toBe(500);
    expect(period(2_000)).toBe(200);
    expect(period(100)).toBe(50);
  });

  it('reports only starting or running children silent past the bound, and disarms with none left', () => {
    const c = clock();
    const children: (WatchedChild & { name: string })[] = [
      { name: 'running-silent', state: 'running', lastHeardAt: 0 },
      { name: 'starting-silent', state: 'starting', lastHeardAt: 0 },
      { name: 'running-heard', state: 'running', lastHeardAt: 900 },
      { name: 'booting-cold', state: 'starting', lastHeardAt: undefined },
      { name: 'stopping', state: 'stopping', lastHeardAt: 0 },
      { name: 'idle', state: 'idle', lastHeardAt: 0 },
    ];
    const reported: [string, number][] = [];
    const w = new ChildWatchdog({
      timeoutMs: 1_000,
      children: () => children,
      onSilent: (child, silentMs) => reported.push([child.name, silentMs]),
      clock: c,
    });
    w.watch();
    w.watch();
    expect(c.armed).toBe(1);
    c.t = 1_000;
    w.check();
    expect(reported).toEqual([]);
    c.t = 1_001;
    w.check();
    expect(reported).toEqual([
      ['running-silent', 1_001],
      ['starting-silent', 1_001],
    ]);
    expect(w.isLate(children[0]!)).toBe(true);
    expect(w.isLate(children[2]!)).toBe(false);
    expect(w.isLate(children[4]!)).toBe(false);
    children.splice(0);
    w.check();
    expect(c.armed).toBe(0);
  });

  it('calls a child late after two heartbeat intervals, or at the timeout when that is shorter; off never arms', () => {
    const child: WatchedChild = { state: 'running', lastHeardAt: 0 };
    const c = clock();
    const w = new ChildWatchdog({ timeoutMs: 5_000, children: () => [child], onSilent: () => {}, clock: c });
    c.t = LATE_AFTER_MS;
    expect(w.isLate(child)).toBe(false);
    c.t = LATE_AFTER_MS + 1;
    expect(w.isLate(child)).toBe(true);
    const short = new ChildWatchdog({ timeoutMs: 1_200, children: () => [child], onSilent: () => {}, clock: c });
    expect(short.isLate(child, 1_201)).toBe(true);
    const off = new ChildWatchdog({ timeoutMs: 0, children: () => [child], onSilent: () => {}, clock: c });
    off.watch();
    expect(off.armed).toBe(false);
    expect(off.isLate(child, LATE_AFTER_MS + 1)).toBe(true);
  });
});
