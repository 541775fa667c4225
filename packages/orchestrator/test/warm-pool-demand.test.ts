import { performance } from 'node:perf_hooks';
import { waitUntil } from '@proj/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, startHarness } from './helpers/harness.js';

afterEach(cleanup);

describe('a warm pool that follows demand (real children)', () => {
  it('grows while games run, within the refill rate and the start bound, and shrinks back after they end', async () => {
    const h = await startHarness({
      modes: { solo: { playersPerGame: 1, gameOptions: { fake: { lingerMs: 6_000 } } } },
      portCount: 8,
      warmPoolSize: 1,
      warmPoolBuffer: '100%',
      warmPoolMax: 4,
      warmPoolRefillRate: 5,
      warmPoolShrinkDelayMs: 500,
      maxConcurrentStarts: 2,
    });
    const o = h.orchestrator;
    const warmSpawnedAt: number[] = [];
    o.on('childSpawned', ({ warm }) => {
      if (warm) warmSpawnedAt.push(performance.now());
    });
    let firstEndedAt = Infinity;
    o.on('gameEnded', () => (firstEndedAt = Math.min(firstEndedAt, performance.now())));
    // Sampled every few ms: children booting (warm ones, and cold starts) never exceed the start bound.
    let mostBooting = 0;
    const sampler = setInterval(() => {
      const s = o.stats();
      mostBooting = Math.max(mostBooting, s.warmBooting + s.admission.startsInFlight);
    }, 5);
    try {
      await h.waitForCount('warmChildReady', 1);
      expect(o.stats()).toMatchObject({ warmTarget: 1, warmIdle: 1, warmBooting: 0 });

      for (const name of ['ann', 'bob', 'cat', 'dan']) await h.queued(name, 'solo');
      await h.waitForCount('gameStarted', 4);
      // 4 games with a child: the buffer (100% of them) wants 4 idle children, the cap leaves room for 4.
      expect(o.stats().warmTarget).toBe(4);
      await waitUntil(() => o.stats().warmIdle === 4, 'the pool grown to 4 idle children');
      expect(o.stats()).toMatchObject({ gamesRunning: 4, processes: 8 });
      expect(h.all('gameEnded')).toHaveLength(0);
      // One warm start every 200 ms at most (5 per second). The events are stamped a little after each start, and on
      // a loaded machine one stamp may come late and the next on time, so a single gap may read short; their mean
      // may not (without the limit they would all be a few ms apart).
      expect(warmSpawnedAt.length).toBeGreaterThanOrEqual(4);
      const gaps = warmSpawnedAt.slice(1).map((t, i) => t - warmSpawnedAt[i]!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(120);
      expect(gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length).toBeGreaterThanOrEqual(185);

      // The games end: the target falls back to the floor, and after the shrink delay the surplus is stopped.
      await h.waitForCount('gameEnded', 4, 20_000);
      expect(o.stats().warmTarget).toBe(1);
      await waitUntil(() => o.stats().processes === 1, 'the pool shrunk back to 1 child');
      // Not before the pool had been above its target (since the first game ended) for the shrink delay.
      expect(performance.now() - firstEndedAt).toBeGreaterThanOrEqual(495);
      expect(o.stats()).toMatchObject({ warmIdle: 1, warmShrunk: 3 });
      expect(mostBooting).toBeLessThanOrEqual(2);
      expect(h.portProblems()).toEqual([]);
    } finally {
      clearInterval(sampler);
    }
  }, 40_000);
});
