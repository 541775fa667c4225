import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, stopAllRedis, type RedisServer } from '@proj/test-utils';
import { isRedisQueueError } from '../src/index.js';
import { backend, closeAll, started } from './helpers.js';

// `hosts()`: the registered orchestrators as one script reads them, against a real redis-server.

let redis: RedisServer;
/** A raw connection, only to register many instances at once (the cap). */
let raw: Redis;
let n = 0;
const prefix = (): string => `hosts${++n}:`;

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url, { lazyConnect: true });
  await raw.connect();
});
afterEach(closeAll);
afterAll(async () => {
  await raw?.quit();
  await stopAllRedis();
});

describe('RedisQueueBackend.hosts', () => {
  it('lists every registered host by id with its heartbeat age, tickets (queued or claimed) and claims', async () => {
    const keyPrefix = prefix();
    const b = await started(redis.url, 'b', { keyPrefix });
    const a = await started(redis.url, 'a', { keyPrefix });
    await a.queue.join({ ticketId: 'a:1', mode: 'duel', name: 'ann' });
    await a.queue.join({ ticketId: 'a:2', mode: 'duel', name: 'al' });
    await b.queue.join({ ticketId: 'b:1', mode: 'trio', name: 'bob' });
    expect(await a.queue.hosts()).toEqual([
      { instanceId: 'a', lastHeartbeatAgoMs: expect.any(Number), tickets: 2, claims: 0 },
      { instanceId: 'b', lastHeartbeatAgoMs: expect.any(Number), tickets: 1, claims: 0 },
    ]);
    // b claims a's two players: they stay a's tickets (claimed), b holds one claim.
    const [group] = await b.queue.claim(1);
    const claimed = await b.queue.hosts();
    expect(claimed.map(({ instanceId, tickets, claims }) => ({ instanceId, tickets, claims }))).toEqual([
      { instanceId: 'a', tickets: 2, claims: 0 },
      { instanceId: 'b', tickets: 1, claims: 1 },
    ]);
    // Heartbeats every 50 ms: never far behind, never negative.
    for (const host of claimed) {
      expect(host.lastHeartbeatAgoMs).toBeGreaterThanOrEqual(0);
      expect(host.lastHeartbeatAgoMs).toBeLessThan(1_000);
    }
    // Confirmed: a's players are matched (no longer its tickets), b's claim is done.
    const payloads = new Map(group!.members.map((m) => [m.ticketId, 'p']));
    expect(await b.queue.confirm(group!.groupId, payloads)).toEqual({ ok: true });
    expect((await a.queue.hosts()).map(({ instanceId, tickets, claims }) => ({ instanceId, tickets, claims }))).toEqual(
      [
        { instanceId: 'a', tickets: 0, claims: 0 },
        { instanceId: 'b', tickets: 1, claims: 0 },
      ],
    );
    await b.queue.close();
    expect((await a.queue.hosts()).map((h) => h.instanceId)).toEqual(['a']);
  });

  it('lists at most 256 hosts, the most recently heard from, and reports their age by the Redis clock', async () => {
    const keyPrefix = prefix();
    // A long heartbeat timeout: the recovery must not purge the old instances added below during the test.
    const a = await started(redis.url, 'a', { keyPrefix, heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 60_000 });
    const [seconds] = await raw.time();
    const now = Number(seconds) * 1000;
    // 300 instances heard from 10 s (and i ms) ago: only the 255 most recent of them fit beside a.
    const old = Array.from({ length: 300 }, (_, i) => [now - 10_000 - i, `old-${String(i).padStart(3, '0')}`]);
    await raw.zadd(`${keyPrefix}instances`, ...old.flat());
    const hosts = await a.queue.hosts();
    expect(hosts).toHaveLength(256);
    const expected = ['a', ...old.slice(0, 255).map(([, id]) => String(id))].sort();
    expect(hosts.map((h) => h.instanceId)).toEqual(expected);
    const first = hosts.find((h) => h.instanceId === 'old-000')!;
    const last = hosts.find((h) => h.instanceId === 'old-254')!;
    expect(first.lastHeartbeatAgoMs).toBeGreaterThanOrEqual(10_000);
    expect(first.lastHeartbeatAgoMs).toBeLessThan(20_000);
    expect(last.lastHeartbeatAgoMs - first.lastHeartbeatAgoMs).toBe(254); // one read, one clock
    expect(hosts.find((h) => h.instanceId === 'a')!.lastHeartbeatAgoMs).toBeLessThan(5_000);
    expect(first).toMatchObject({ tickets: 0, claims: 0 });
  });

  it('rejects before start (E_NOT_STARTED) and after close (E_CLOSED)', async () => {
    const q = backend(redis.url, 'x', { keyPrefix: prefix() });
    await expect(q.hosts()).rejects.toSatisfy((e) => isRedisQueueError(e, 'E_NOT_STARTED'));
    const { queue } = await started(redis.url, 'y', { keyPrefix: prefix() });
    await queue.close();
    await expect(queue.hosts()).rejects.toSatisfy((e) => isRedisQueueError(e, 'E_CLOSED'));
  });
});
