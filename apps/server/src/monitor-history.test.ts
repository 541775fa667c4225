import { describe, expect, it } from 'vitest';
import { MonitorHistoryRecorder } from './monitor-history.js';

describe('MonitorHistoryRecorder', () => {
  it('closes each interval into a sample: games started, time-to-match p50/p99, players waiting', () => {
    let now = 1_000_000;
    let queued = 3;
    const history = new MonitorHistoryRecorder({ intervalMs: 2_000, queued: () => queued, now: () => now });
    for (let i = 1; i <= 100; i++) history.gameStarted(i); // 1..100 ms
    now += 2_000;
    history.tick();
    queued = 0;
    now += 2_000;
    history.tick(); // an interval without games
    const { intervalMs, samples } = history.snapshot();
    expect(intervalMs).toBe(2_000);
    expect(samples).toEqual([
      { at: 1_002_000, gamesStarted: 100, timeToMatchP50Ms: 50, timeToMatchP99Ms: 99, queued: 3 },
      { at: 1_004_000, gamesStarted: 0, queued: 0 },
    ]);
  });

  it('keeps the last `samples` intervals, oldest dropped first', () => {
    let now = 0;
    const history = new MonitorHistoryRecorder({ samples: 3, queued: () => 0, now: () => now });
    for (let i = 0; i < 5; i++) {
      history.gameStarted(10 * (i + 1));
      now += 2_000;
      history.tick();
    }
    const { samples } = history.snapshot();
    expect(samples.map((s) => s.at)).toEqual([6_000, 8_000, 10_000]);
    expect(samples.map((s) => s.timeToMatchP99Ms)).toEqual([30, 40, 50]);
  });

  it('a snapshot is a copy: later ticks do not change it', () => {
    const history = new MonitorHistoryRecorder({ queued: () => 1 });
    history.tick();
    const before = history.snapshot();
    history.tick();
    expect(before.samples).toHaveLength(1);
    expect(history.snapshot().samples).toHaveLength(2);
  });
});
