import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startRedisServer, stopAllRedis } from '@proj/test-utils';
import { isRedisQueueError } from '../src/index.js';
import { closeAll, eventually, started } from './helpers.js';

afterEach(closeAll);
afterAll(stopAllRedis);

describe('RedisQueueBackend: dead hosts and Redis restarts', () => {
  it('a host that stops heartbeating: its tickets are removed, its claims requeued, its confirm lost', async () => {
    const redis = await startRedisServer();
    const recovered: unknown[] = [];
    const requeued: [number, string][] = [];
    const a = await started(redis.url, 'a', {
      hooks: { recovered: (r) => recovered.push(r), requeued: (t, why) => requeued.push([t, why]) },
    });
    // Heartbeats so rare that it is dead for a (whose timeout is 300 ms) almost at once.
    const dead = await started(redis.url, 'dead', { heartbeatIntervalMs: 100_000, heartbeatTimeoutMs: 300_000 });
    await dead.queue.join({ ticketId: 'd:1', mode: 'trio', name: 'x' });
    await a.queue.join({ ticketId: 'a:1', mode: 'duel', name: 'y' });
    await a.queue.join({ ticketId: 'a:2', mode: 'duel', name: 'z' });
    const [group] = await dead.queue.claim(1);
    const t0 = Date.now();
    await eventually(() => recovered.length > 0, 'recovery of the dead host', 3000);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(recovered).toEqual([{ instances: 1, groups: 1, tickets: 1 }]);
    expect(requeued).toEqual([[2, 'deadInstance']]);
    expect(await a.queue.sizes()).toEqual(
      new Map([
        ['duel', 2],
        ['trio', 0],
      ]),
    );
    expect(await a.queue.positions(['a:1', 'a:2'])).toEqual([0, 1]);
    const payloads = new Map(group!.members.map((m) => [m.ticketId, 'p']));
    expect(await dead.queue.confirm(group!.groupId, payloads)).toEqual({ ok: false, reason: 'lost' });
    await expect(dead.queue.join({ ticketId: 'd:2', mode: 'duel', name: 'w' })).rejects.toSatisfy((e) =>
      isRedisQueueError(e, 'E_NOT_REGISTERED'),
    );
    await redis.stop();
  });

  it('a host declared dead registers again at its next heartbeat and says available (to restore)', async () => {
    const redis = await startRedisServer();
    const b = await started(redis.url, 'b', { keyPrefix: 'x:' });
    const raw = new Redis(redis.url);
    try {
      await raw.zrem('x:instances', 'b');
      await eventually(() => b.events.availabilities.includes(true), 'availability(true) after re-registration');
      expect(await raw.zscore('x:instances', 'b')).not.toBeNull();
      expect(await b.queue.restore([{ ticketId: 'b:1', mode: 'duel', name: 'n', arrival: 7 }])).toBe(1);
      expect((await b.queue.join({ ticketId: 'b:2', mode: 'duel', name: 'm' })).arrival).toBe(8);
    } finally {
      raw.disconnect();
      await redis.stop();
    }
  });

  it('Redis down: operations reject E_UNAVAILABLE fast; back (AOF): available again, claims and inbox survive', async () => {
    const redis = await startRedisServer({ appendOnly: true });
    const a = await started(redis.url, 'a');
    const b = await started(redis.url, 'b');
    await a.queue.join({ ticketId: 'a:1', mode: 'duel', name: 'x' });
    await b.queue.join({ ticketId: 'b:1', mode: 'duel', name: 'y' });
    await a.queue.join({ ticketId: 'a:2', mode: 'duel', name: 'z' });
    await b.queue.join({ ticketId: 'b:2', mode: 'duel', name: 'w' });
    const [g1, g2] = await b.queue.claim(2);
    // Confirmed right before the crash: a's inbox entry may not have been read yet; it must come either way.
    expect(await b.queue.confirm(g1!.groupId, new Map(g1!.members.map((m) => [m.ticketId, 'p1'])))).toEqual({
      ok: true,
    });
    await redis.kill();
    await eventually(() => a.events.availabilities.includes(false), 'availability(false) on a');
    expect(a.queue.available).toBe(false);
    const t0 = performance.now();
    await expect(a.queue.join({ ticketId: 'a:3', mode: 'duel', name: 'v' })).rejects.toSatisfy((e) =>
      isRedisQueueError(e, 'E_UNAVAILABLE'),
    );
    await expect(b.queue.claim(1)).rejects.toSatisfy((e) => isRedisQueueError(e, 'E_UNAVAILABLE'));
    expect(performance.now() - t0).toBeLessThan(100);

    await redis.restart();
    await eventually(() => a.events.availabilities.at(-1) === true, 'availability(true) on a');
    await eventually(() => b.queue.available, 'b available');
    await eventually(() => a.events.deliveries.length === 1, 'delivery of the entry written before the crash');
    expect(a.events.deliveries[0]).toMatchObject({ ticketId: 'a:1', groupId: g1!.groupId, payload: 'p1' });
    // The second claim survived too: confirm it now.
    expect(await b.queue.confirm(g2!.groupId, new Map(g2!.members.map((m) => [m.ticketId, 'p2'])))).toEqual({
      ok: true,
    });
    await eventually(() => a.events.deliveries.length === 2, 'delivery after the restart');
    expect((await a.queue.join({ ticketId: 'a:3', mode: 'duel', name: 'v' })).arrival).toBe(5);
    expect(a.events.deliveries.map((d) => d.ticketId)).toEqual(['a:1', 'a:2']);
    await closeAll();
    await redis.stop();
  });

  it('an inbox entry written while its host was away is delivered when it starts', async () => {
    const redis = await startRedisServer({ appendOnly: true });
    const raw = new Redis(redis.url);
    try {
      await raw.xadd('proj:mm:inbox:a', '*', 'ticket', 'a:1', 'group', 'b/1', 'payload', 'hello');
      await redis.kill();
      await redis.restart();
      const a = await started(redis.url, 'a');
      expect(a.events.deliveries).toEqual([{ ticketId: 'a:1', groupId: 'b/1', payload: 'hello' }]);
      await eventually(async () => (await raw.xlen('proj:mm:inbox:a').catch(() => -1)) === 0, 'entry deleted');
    } finally {
      raw.disconnect();
      await closeAll();
      await redis.stop();
    }
  });

  it('after an empty restart, restore puts tickets back in their old order and newcomers after them', async () => {
    const redis = await startRedisServer();
    const a = await started(redis.url, 'a');
    const b = await started(redis.url, 'b');
    const tickets = [];
    for (const [q, id] of [
      [a, 'a:1'],
      [b, 'b:1'],
      [a, 'a:2'],
    ] as const) {
      const { arrival } = await q.queue.join({ ticketId: id, mode: 'trio', name: id });
      tickets.push({ q, ticket: { ticketId: id, mode: 'trio', name: id, arrival } });
    }
    await redis.restart();
    await eventually(() => a.events.availabilities.at(-1) === true && b.events.availabilities.at(-1) === true, 'back');
    expect(await a.queue.sizes()).toEqual(
      new Map([
        ['duel', 0],
        ['trio', 0],
      ]),
    );
    // b restores first, and a newcomer of b joins before a restores: it still comes after all restored tickets.
    expect(await b.queue.restore(tickets.filter((t) => t.q === b).map((t) => t.ticket))).toBe(1);
    expect(await a.queue.restore(tickets.filter((t) => t.q === a).map((t) => t.ticket))).toBe(2);
    expect(await a.queue.restore(tickets.filter((t) => t.q === a).map((t) => t.ticket))).toBe(0);
    const late = await b.queue.join({ ticketId: 'b:late', mode: 'trio', name: 'late' });
    expect(late.arrival).toBe(4);
    const [group] = await a.queue.claim(1);
    expect(group!.members.map((m) => m.ticketId)).toEqual(['a:1', 'b:1', 'a:2']);
    await closeAll();
    await redis.stop();
  });
});
