import { ManualClock, flushPromises } from '@proj/test-utils';
import { describe, expect, it } from 'vitest';
import { FakeSpawner } from '../test/helpers/fake-spawner.js';
import { silentLogger } from './logger.js';
import { type ChildObserver, ManagedChild } from './managed-child.js';
import { LOADED_RETRY_MS, WarmPool } from './warm-pool.js';

/** A pool driven by a manual clock, whose target and start bound the test sets. */
function setup(opts: {
  refillRate: number;
  startBound?: number;
  shrinkDelayMs?: number;
  idle?: boolean;
  hostHasRoom?: () => boolean;
}) {
  const clock = new ManualClock();
  const spawner = new FakeSpawner();
  spawner.behaviour = { idle: opts.idle ?? true };
  const spawnedAt: number[] = [];
  let target = 0;
  const observer: ChildObserver = {
    idle: (child) => pool.childIdle(child),
    gameOver: () => {},
    stats: () => {},
    joinReport: () => {},
    exit: (child) => pool.childExited(child),
  };
  const pool: WarmPool = new WarmPool(
    {
      spawn: () => {
        spawnedAt.push(clock.now());
        return new ManagedChild(spawner.spawn(), observer, silentLogger);
      },
      budget: () => 100 - spawner.alive().length,
      startSlots: (): number => (opts.startBound ?? 100) - pool.bootingCount,
      target: () => target,
      ...(opts.hostHasRoom !== undefined ? { hostHasRoom: opts.hostHasRoom } : {}),
    },
    {
      bootTimeoutMs: 60_000,
      shutdownGraceMs: 1_000,
      refillRate: opts.refillRate,
      shrinkDelayMs: opts.shrinkDelayMs ?? 3_000,
      logger: silentLogger,
      clock,
    },
  );
  /** Moves the clock `ms` forward in steps of `step`, letting the fake children answer between steps. */
  const run = async (ms: number, step = 10) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await flushPromises();
    }
  };
  const setTarget = (n: number) => {
    target = n;
    pool.scheduleRefill();
  };
  return { clock, spawner, pool, spawnedAt, run, setTarget };
}

describe('WarmPool following demand (manual clock)', () => {
  it('starts nothing while the host is loaded, and fills up once it has room again', async () => {
    let room = false;
    let asked = 0;
    const { pool, spawnedAt, run, setTarget } = setup({
      refillRate: 0,
      hostHasRoom: () => {
        asked++;
        return room;
      },
    });
    setTarget(3);
    await run(2_000);
    expect(spawnedAt).toEqual([]);
    // It looked again every LOADED_RETRY_MS, not in a busy loop.
    expect(asked).toBeGreaterThanOrEqual(2_000 / LOADED_RETRY_MS - 1);
    expect(asked).toBeLessThanOrEqual(2_000 / LOADED_RETRY_MS + 2);
    room = true;
    await run(LOADED_RETRY_MS + 50);
    expect(spawnedAt).toHaveLength(3);
    expect(pool.size).toBe(3);
  });

  it('grows to a raised target at most refillRate starts per second, spaced evenly', async () => {
    const { pool, spawnedAt, run, setTarget } = setup({ refillRate: 4 });
    setTarget(6);
    await run(5_000);
    expect(pool.idleCount).toBe(6);
    expect(spawnedAt).toEqual([0, 250, 500, 750, 1_000, 1_250]);
    // Never more than 4 starts in any window of one second.
    for (const t of spawnedAt) expect(spawnedAt.filter((s) => s >= t && s < t + 1_000).length).toBeLessThanOrEqual(4);
    // At its target it starts nothing more.
    await run(2_000);
    expect(spawnedAt).toHaveLength(6);
  });

  it('never has more children booting than the start bound leaves, and goes on as they say idle', async () => {
    const { pool, spawner, spawnedAt, run, setTarget } = setup({ refillRate: 0, startBound: 2, idle: false });
    setTarget(5);
    await run(100);
    expect(spawnedAt).toHaveLength(2);
    expect(pool.bootingCount).toBe(2);
    spawner.handles[0]!.message({ type: 'idle' });
    await run(10);
    expect(spawnedAt).toHaveLength(3);
    expect(pool.bootingCount).toBe(2);
    for (let i = 1; i < 5; i++) {
      spawner.handles[i]!.message({ type: 'idle' });
      await run(10);
      expect(pool.bootingCount).toBeLessThanOrEqual(2);
    }
    expect(pool.idleCount).toBe(5);
    expect(spawnedAt).toHaveLength(5);
  });

  it('shrinks only after holding more than its target for the shrink delay, oldest idle children first', async () => {
    const { pool, spawner, run, setTarget } = setup({ refillRate: 0, shrinkDelayMs: 3_000 });
    setTarget(4);
    await run(100);
    expect(pool.idleCount).toBe(4);
    // A dip shorter than the delay stops nothing.
    setTarget(1);
    await run(2_000);
    setTarget(4);
    await run(2_000);
    expect(spawner.alive()).toHaveLength(4);
    expect(pool.totals.shrunk).toBe(0);
    // A lasting drop: the surplus goes after the delay, the oldest first.
    setTarget(1);
    await run(2_990);
    expect(spawner.alive()).toHaveLength(4);
    await run(20);
    expect(pool.size).toBe(1);
    expect(pool.totals).toEqual({ started: 4, shrunk: 3 });
    expect(spawner.handles.map((h) => h.sent.at(-1)?.type)).toEqual(['shutdown', 'shutdown', 'shutdown', undefined]);
    await flushPromises();
    expect(spawner.alive()).toHaveLength(1);
    // It stays there: nothing restarts, nothing more stops.
    await run(5_000);
    expect(spawner.handles).toHaveLength(4);
    expect(pool.size).toBe(1);
  });

  it('a target of 0 with no floor empties the pool after the delay', async () => {
    const { pool, run, setTarget } = setup({ refillRate: 0, shrinkDelayMs: 500 });
    setTarget(2);
    await run(50);
    setTarget(0);
    await run(600);
    expect(pool.size).toBe(0);
  });
});
