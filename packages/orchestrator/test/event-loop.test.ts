import { afterEach, describe, expect, it } from 'vitest';
import { FixtureSpawner } from './helpers/fixture-spawner.js';
import { cleanup, startHarness } from './helpers/harness.js';

afterEach(cleanup);

// `fork()` blocks its caller until the child has exec'd. Forked by the orchestrator itself, the 16 children of a
// warm pool filling up all start before a player who connects meanwhile is even accepted; through a fork server,
// the player is queued while they are still being forked. Told by the order of events, not by a clock.
describe('children starting do not hold up new players', () => {
  it.each([
    { via: 'fork', when: 'after every child was forked' },
    { via: 'forkServer', when: 'while children are still being forked' },
  ] as const)('$via: a player who connects as 16 warm children start is queued $when', async ({ via }) => {
    const h = await startHarness({
      spawner: new FixtureSpawner({}, via),
      warmPoolSize: 16,
      // All 16 at once, as a fixed pool filling up with no start bound nor refill rate would.
      maxConcurrentStarts: 16,
      warmPoolRefillRate: 0,
      portCount: 16,
      modes: { quartet: { playersPerGame: 4 } },
    });
    await h.queued('ada');
    const spawnedBeforeQueued = h.all('childSpawned').length;
    if (via === 'fork') expect(spawnedBeforeQueued).toBe(16);
    else expect(spawnedBeforeQueued).toBeLessThan(16);
    await h.waitForCount('warmChildReady', 16, 20_000);
    expect(h.orchestrator.stats()).toMatchObject({ warmIdle: 16, queued: 1, processes: 16 });
  });
});
