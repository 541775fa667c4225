import { describe, expect, it, vi } from 'vitest';
import { FakeSpawner } from '../test/helpers/fake-spawner.js';
import { WarmPool } from './warm-pool.js';
import { silentLogger } from './logger.js';
import { type ChildObserver, ManagedChild } from './managed-child.js';

function setup(size: number, cap: number, bootTimeoutMs = 10_000) {
  const spawner = new FakeSpawner();
  let processes = 0;
  const observer: ChildObserver = {
    idle: (child) => pool.childIdle(child),
    gameOver: () => {},
    stats: () => {},
    joinReport: () => {},
    exit: (child) => {
      processes--;
      pool.childExited(child);
    },
  };
  const pool = new WarmPool(
    {
      spawn: () => {
        try {
          const child = new ManagedChild(spawner.spawn(), observer, silentLogger);
          processes++;
          return child;
        } catch {
          return undefined;
        }
      },
      budget: () => cap - processes,
      startSlots: () => Infinity,
      target: () => size,
    },
    { bootTimeoutMs, shutdownGraceMs: 1_000, refillRate: 0, shrinkDelayMs: 5_000, logger: silentLogger },
  );
  return { spawner, pool, processes: () => processes };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('WarmPool', () => {
  it('fills up to its size on the next turn and reports idle children', async () => {
    const { spawner, pool } = setup(3, 10);
    pool.scheduleRefill();
    expect(spawner.handles).toHaveLength(0);
    await turn();
    expect(spawner.handles).toHaveLength(3);
    expect(pool.size).toBe(3);
    await vi.waitFor(() => expect(pool.idleCount).toBe(3));
    expect(pool.size).toBe(3);
  });

  it('never starts processes beyond the budget', async () => {
    const { spawner, pool } = setup(5, 2);
    pool.scheduleRefill();
    await turn();
    expect(spawner.handles).toHaveLength(2);
  });

  it('hands out the newest idle child first, then the oldest booting one, and refills when told', async () => {
    const { spawner, pool } = setup(4, 10);
    spawner.behaviour = { idle: false };
    pool.scheduleRefill();
    await turn();
    spawner.handles[2]!.message({ type: 'idle' });
    spawner.handles[1]!.message({ type: 'idle' });
    // An idle frees a start slot: the pool re-checks its size (full: nothing to start).
    await turn();
    expect(spawner.handles).toHaveLength(4);
    expect(pool.take()?.pid).toBe(spawner.handles[1]!.pid);
    expect(pool.take()?.pid).toBe(spawner.handles[2]!.pid);
    expect(pool.take()?.pid).toBe(spawner.handles[0]!.pid);
    expect(pool.take()?.pid).toBe(spawner.handles[3]!.pid);
    expect(pool.take()).toBeUndefined();
    await turn();
    expect(spawner.handles).toHaveLength(4);
    pool.scheduleRefill();
    await turn();
    expect(spawner.handles).toHaveLength(8);
  });

  it('replaces a warm child that dies, and backs off after boot failures', async () => {
    const { spawner, pool } = setup(1, 10);
    spawner.behaviour = { idle: false };
    pool.scheduleRefill();
    await turn();
    spawner.handles[0]!.exit({ code: 1, signal: null });
    await turn();
    // A boot failure: the replacement waits for the backoff pause.
    expect(spawner.handles).toHaveLength(1);
    spawner.behaviour = {};
    await vi.waitFor(() => expect(spawner.handles).toHaveLength(2));
    await vi.waitFor(() => expect(pool.idleCount).toBe(1));
    // An idle child that dies is not a boot failure: replaced on the next turn.
    spawner.handles[1]!.exit({ code: 1, signal: null });
    await turn();
    expect(spawner.handles).toHaveLength(3);
  });

  it('treats a spawner that throws as a boot failure', async () => {
    const { spawner, pool } = setup(1, 10);
    spawner.throwNext = 1;
    pool.scheduleRefill();
    await turn();
    expect(spawner.handles).toHaveLength(0);
    await vi.waitFor(() => expect(spawner.handles).toHaveLength(1));
  });

  it('kills a warm child that stays silent past its boot deadline', async () => {
    const { spawner, pool } = setup(1, 10, 5);
    spawner.behaviour = { idle: false };
    pool.scheduleRefill();
    await turn();
    await vi.waitFor(() => expect(spawner.handles[0]!.signals).toEqual(['SIGKILL']));
    expect(pool.size).toBeLessThanOrEqual(1);
  });

  it('close stops every warm child and refills no more', async () => {
    const { spawner, pool, processes } = setup(2, 10);
    pool.scheduleRefill();
    await turn();
    pool.close();
    expect(pool.size).toBe(0);
    for (const h of spawner.handles)
      expect(h.sent.at(-1)).toEqual({ type: 'shutdown', reason: 'poolShrink', graceMs: 800 });
    await vi.waitFor(() => expect(processes()).toBe(0));
    pool.scheduleRefill();
    await turn();
    expect(spawner.handles).toHaveLength(2);
  });
});
