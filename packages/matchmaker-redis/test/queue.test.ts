import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, stopAllRedis, type RedisServer } from '@proj/test-utils';
import { isRedisQueueError } from '../src/index.js';
import { backend, closeAll, eventually, started } from './helpers.js';

let redis: RedisServer;
let n = 0;
/** A fresh key prefix per test, so tests on one server never see each other's keys. */
const prefix = (): string => `t${++n}:`;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(closeAll);
afterAll(stopAllRedis);

describe('RedisQueueBackend: two hosts on one Redis', () => {
  it('is FIFO across hosts and modes; positions are global; claim takes several groups oldest first', async () => {
    const keyPrefix = prefix();
    const a = await started(redis.url, 'a', { keyPrefix });
    const b = await started(redis.url, 'b', { keyPrefix });
    expect(a.queue.available).toBe(true);
    const j1 = await a.queue.join({ ticketId: 'a:1', mode: 'trio', name: 'ann' });
    const j2 = await b.queue.join({ ticketId: 'b:1', mode: 'duel', name: 'bob' });
    const j3 = await b.queue.join({ ticketId: 'b:2', mode: 'trio', name: 'bea' });
    const j4 = await a.queue.join({ ticketId: 'a:2', mode: 'duel', name: 'al' });
    const j5 = await a.queue.join({ ticketId: 'a:3', mode: 'trio', name: 'amy' });
    expect([j1, j2, j3, j4, j5].map((j) => j.arrival)).toEqual([1, 2, 3, 4, 5]);
    expect([j1, j2, j3, j4, j5].map((j) => j.position)).toEqual([0, 0, 1, 1, 2]);
    expect(await b.queue.positions(['a:1', 'a:3', 'b:1', 'nope'])).toEqual([0, 2, 0, undefined]);
    expect(await a.queue.sizes()).toEqual(
      new Map([
        ['duel', 2],
        ['trio', 3],
      ]),
    );

    const groups = await b.queue.claim(5);
    expect(groups.map((g) => g.mode)).toEqual(['trio', 'duel']); // trio's head (arrival 1) is older
    expect(groups[0]!.members).toEqual([
      { ticketId: 'a:1', name: 'ann', owner: 'a', arrival: 1 },
      { ticketId: 'b:2', name: 'bea', owner: 'b', arrival: 3 },
      { ticketId: 'a:3', name: 'amy', owner: 'a', arrival: 5 },
    ]);
    expect(groups[1]!.members.map((m) => m.ticketId)).toEqual(['b:1', 'a:2']);
    expect(groups[0]!.groupId).toMatch(/^b\//);
    expect(groups[0]!.leaseUntil).toBeGreaterThan(Date.now() - 60_000);
    expect(await a.queue.positions(['a:1', 'a:2'])).toEqual([undefined, undefined]);
    expect(await a.queue.claim(1)).toEqual([]);
  });

  it('confirm delivers to the other host inbox (payload unchanged), not to self, and matches once', async () => {
    const keyPrefix = prefix();
    const a = await started(redis.url, 'a', { keyPrefix });
    const b = await started(redis.url, 'b', { keyPrefix });
    await a.queue.join({ ticketId: 'a:1', mode: 'duel', name: 'ann' });
    await b.queue.join({ ticketId: 'b:1', mode: 'duel', name: 'bob' });
    const [group] = await b.queue.claim(1);
    const payloads = new Map([
      ['a:1', JSON.stringify({ type: 'matchFound', port: 4000, token: 'x'.repeat(900) })],
      ['b:1', '{"self":true}'],
    ]);
    expect(await b.queue.confirm(group!.groupId, payloads)).toEqual({ ok: true });
    await eventually(() => a.events.deliveries.length === 1, 'delivery to a');
    expect(a.events.deliveries[0]).toEqual({ ticketId: 'a:1', groupId: group!.groupId, payload: payloads.get('a:1') });
    expect(b.events.deliveries).toEqual([]);
    expect(await b.queue.confirm(group!.groupId, payloads)).toEqual({ ok: false, reason: 'lost' });
    expect(await a.queue.leave('a:1')).toBe(false); // matched: no longer leaves
    expect(await a.queue.requeue(group!.groupId)).toBe(0);
    // Delivered entries are deleted from the inbox.
    await eventually(async () => (await a.queue.positions(['a:1']))[0] === undefined, 'gone');
  });

  it('a member leaving before confirm: incomplete, the rest back at the front in their old order', async () => {
    const keyPrefix = prefix();
    const a = await started(redis.url, 'a', { keyPrefix });
    const b = await started(redis.url, 'b', { keyPrefix });
    for (const [q, id] of [
      [a, 'a:1'],
      [b, 'b:1'],
      [a, 'a:2'],
    ] as const) {
      await q.queue.join({ ticketId: id, mode: 'trio', name: id });
    }
    const [group] = await a.queue.claim(1);
    await b.queue.join({ ticketId: 'b:late', mode: 'trio', name: 'late' });
    expect(await b.queue.leave('b:1')).toBe(true);
    const payloads = new Map(group!.members.map((m) => [m.ticketId, 'p']));
    expect(await a.queue.confirm(group!.groupId, payloads)).toEqual({
      ok: false,
      reason: 'incomplete',
      missing: ['b:1'],
      requeued: 2,
    });
    expect(await a.queue.positions(['a:1', 'a:2', 'b:late', 'b:1'])).toEqual([0, 1, 2, undefined]);
  });

  it('requeue puts a group back before later arrivals; only the claimer can', async () => {
    const keyPrefix = prefix();
    const requeued: [number, string][] = [];
    const a = await started(redis.url, 'a', { keyPrefix, hooks: { requeued: (t, why) => requeued.push([t, why]) } });
    const b = await started(redis.url, 'b', { keyPrefix });
    await a.queue.join({ ticketId: 'a:1', mode: 'duel', name: 'x' });
    await b.queue.join({ ticketId: 'b:1', mode: 'duel', name: 'y' });
    const [group] = await a.queue.claim(1);
    await b.queue.join({ ticketId: 'b:2', mode: 'duel', name: 'z' });
    expect(await b.queue.requeue(group!.groupId)).toBe(0);
    expect(await a.queue.requeue(group!.groupId)).toBe(2);
    expect(requeued).toEqual([[2, 'failed']]);
    expect(await b.queue.positions(['a:1', 'b:1', 'b:2'])).toEqual([0, 1, 2]);
    const [again] = await b.queue.claim(1);
    expect(again!.members.map((m) => m.arrival)).toEqual([1, 2]);
    expect(await a.queue.confirm(group!.groupId, new Map())).toEqual({ ok: false, reason: 'lost' });
  });

  it('a lease that ends puts the group back; its confirm is lost', async () => {
    const keyPrefix = prefix();
    const requeued: [number, string][] = [];
    const a = await started(redis.url, 'a', {
      keyPrefix,
      leaseMs: 300,
      hooks: { requeued: (t, why) => requeued.push([t, why]) },
    });
    await a.queue.join({ ticketId: 'a:1', mode: 'duel', name: 'x' });
    await a.queue.join({ ticketId: 'a:2', mode: 'duel', name: 'y' });
    const [group] = await a.queue.claim(1);
    // The recovery (every 50 ms, once connected for heartbeatTimeoutMs) requeues it.
    await eventually(async () => (await a.queue.positions(['a:1']))[0] === 0, 'lease requeue');
    expect(await a.queue.positions(['a:1', 'a:2'])).toEqual([0, 1]);
    expect(requeued).toContainEqual([2, 'lease']);
    const payloads = new Map(group!.members.map((m) => [m.ticketId, 'p']));
    expect(await a.queue.confirm(group!.groupId, payloads)).toEqual({ ok: false, reason: 'lost' });
  });

  it('refuses another playersPerGame for a shared mode, and an instance id in use', async () => {
    const keyPrefix = prefix();
    await started(redis.url, 'a', { keyPrefix });
    await expect(started(redis.url, 'b', { keyPrefix, modes: { duel: { playersPerGame: 4 } } })).rejects.toSatisfy(
      (e) => isRedisQueueError(e, 'E_MODES_MISMATCH'),
    );
    await expect(started(redis.url, 'a', { keyPrefix })).rejects.toSatisfy((e) =>
      isRedisQueueError(e, 'E_INSTANCE_IN_USE'),
    );
    // Modes only on one side are fine.
    const c = await started(redis.url, 'c', {
      keyPrefix,
      modes: { duel: { playersPerGame: 2 }, solo: { playersPerGame: 1 } },
    });
    expect(c.queue.available).toBe(true);
  });

  it('validates options and arguments before sending anything', async () => {
    const keyPrefix = prefix();
    const a = await started(redis.url, 'a', { keyPrefix });
    await expect(a.queue.join({ ticketId: 'x', mode: 'nope', name: 'n' })).rejects.toSatisfy((e) =>
      isRedisQueueError(e, 'E_UNKNOWN_MODE'),
    );
    await expect(a.queue.join({ ticketId: 'x'.repeat(257), mode: 'duel', name: 'n' })).rejects.toSatisfy((e) =>
      isRedisQueueError(e, 'E_INVALID_ARGUMENT'),
    );
    await expect(a.queue.join({ ticketId: 'x', mode: 'duel', name: 'é'.repeat(129) })).rejects.toSatisfy((e) =>
      isRedisQueueError(e, 'E_INVALID_ARGUMENT'),
    );
    await a.queue.join({ ticketId: 'x', mode: 'duel', name: 'n' });
    await expect(a.queue.join({ ticketId: 'x', mode: 'duel', name: 'n' })).rejects.toSatisfy((e) =>
      isRedisQueueError(e, 'E_ALREADY_QUEUED'),
    );
    expect(() => backend(redis.url, 'bad id', { keyPrefix })).toThrow(/instanceId/);
    expect(() => backend('http://x', 'ok', { keyPrefix })).toThrow(/redis:\/\//);
    expect(() => backend(redis.url, 'ok', { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 200 })).toThrow(/2 x/);
    await a.queue.close();
    await expect(a.queue.sizes()).rejects.toSatisfy((e) => isRedisQueueError(e, 'E_CLOSED'));
    await a.queue.close();
  });

  it('close removes its waiting tickets and requeues its claims', async () => {
    const keyPrefix = prefix();
    const a = await started(redis.url, 'a', { keyPrefix });
    const b = await started(redis.url, 'b', { keyPrefix });
    await b.queue.join({ ticketId: 'b:1', mode: 'duel', name: 'x' });
    await b.queue.join({ ticketId: 'b:2', mode: 'duel', name: 'y' });
    await a.queue.join({ ticketId: 'a:1', mode: 'trio', name: 'z' });
    await a.queue.claim(1);
    await a.queue.close();
    expect(await b.queue.positions(['b:1', 'b:2'])).toEqual([0, 1]);
    expect(await b.queue.sizes()).toEqual(
      new Map([
        ['duel', 2],
        ['trio', 0],
      ]),
    );
  });
});
