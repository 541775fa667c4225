import { createSocket } from 'node:dgram';
import { DenyReason, DisconnectReason, GameOverReason } from '@proj/protocol';
import { waitUntil } from '@proj/test-utils';
import { describe, expect, it } from 'vitest';
import {
  ClientError,
  connect,
  type GameSession,
  type ReliableEvent,
  type SessionEnd,
  type Snapshot,
} from '../src/index.js';
import { closedAfterEach } from './helpers/closed-after-each.js';
import type { FakeChild } from './helpers/fake-child.js';

const { startChild, track } = closedAfterEach();

async function join(child: FakeChild, slot = 0, options: Parameters<typeof connect>[1] = {}): Promise<GameSession> {
  return track(await connect(child.match(slot), { resendInitialMs: 50, ...options }));
}

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientError);
  return error as ClientError;
}

describe('connect and play against a fake child', () => {
  it('connects, receives snapshots and in-order events, ends on gameOver and acks it', async () => {
    const child = await startChild();
    const session = await join(child, 1);
    expect(session.slot).toBe(1);
    expect(session.tickRate).toBe(40);
    const snapshots: Snapshot[] = [];
    const events: ReliableEvent[] = [];
    session.on('snapshot', (s) => snapshots.push(s));
    session.on('event', (e) => events.push(e));
    await waitUntil(() => snapshots.length >= 3, 'snapshots');
    for (let i = 0; i < 5; i++) child.sendEvent(1, Uint8Array.of(i));
    await waitUntil(() => events.length === 5, 'five events');
    expect(events.map((e) => e.data[0])).toEqual([0, 1, 2, 3, 4]);
    await waitUntil(() => child.peers.get(1)!.outbox.length === 0, 'events acked');
    const ticks = snapshots.map((s) => s.tick);
    expect([...ticks].sort((a, b) => a - b)).toEqual(ticks);
    child.gameOver(GameOverReason.COMPLETED, Uint8Array.of(9, 9));
    const over = await session.waitForGameOver();
    expect(over).toEqual({ reason: 1, reasonName: 'COMPLETED', data: Uint8Array.of(9, 9) });
    expect(session.state).toBe('ended');
    expect(session.ended?.kind).toBe('gameOver');
    await waitUntil(() => child.peers.get(1)!.gameOverAcked, 'gameOver acked');
    expect(session.sendInput(Uint8Array.of(1))).toBe(false);
  });

  it('delivers each reliable event once even when sent twice and resent', async () => {
    const child = await startChild({ duplicateEvents: true });
    const session = await join(child);
    const events: number[] = [];
    session.on('event', (e) => events.push(e.eventId));
    for (let i = 0; i < 10; i++) child.sendEvent(0, Uint8Array.of(i));
    await waitUntil(() => child.peers.get(0)!.outbox.length === 0, 'events acked');
    expect(events).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(session.stats().eventDuplicates).toBeGreaterThan(0);
  });

  it('sends inputs the child receives, numbered', async () => {
    const child = await startChild();
    const session = await join(child);
    expect(session.sendInput(Uint8Array.of(3, 0))).toBe(true);
    expect(session.sendInput(Uint8Array.of(4, 1))).toBe(true);
    await waitUntil(() => child.peers.get(0)!.received.filter((p) => p.type === 'input').length === 2, 'two inputs');
    const inputs = child.peers.get(0)!.received.filter((p) => p.type === 'input');
    expect(inputs.map((p) => (p.type === 'input' ? [p.inputSeq, ...p.data] : []))).toEqual([
      [1, 3, 0],
      [2, 4, 1],
    ]);
    expect(() => session.sendInput(new Uint8Array(2000))).toThrow(ClientError);
  });

  it('resolves a host name (localhost) to the IPv4 address the child binds', async () => {
    const child = await startChild();
    const session = track(await connect({ ...child.match(0), host: 'localhost' }, { resendInitialMs: 50 }));
    expect(session.state).toBe('open');
  });

  it('resends the connect request with backoff until the child answers', async () => {
    const child = await startChild({ ignoreRequests: 2 });
    const session = await join(child);
    expect(child.requests).toBe(3);
    expect(session.stats().connectAttempts).toBe(3);
  });

  it('fails with E_CONNECT_TIMEOUT when nobody answers', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    let received = 0;
    socket.on('message', () => received++);
    try {
      const child = await startChild();
      const match = { ...child.match(0), port: socket.address().port };
      const error = await failure(connect(match, { connectTimeoutMs: 1500, resendInitialMs: 50 }));
      expect(error.code).toBe('E_CONNECT_TIMEOUT');
      expect(error.message).toMatch(/no answer from the game server at 127\.0\.0\.1:\d+ after \d+ connect requests/);
      expect(received).toBeGreaterThanOrEqual(2);
    } finally {
      socket.close();
    }
  });

  it('maps denials: E_DENIED with the reason name, E_TOKEN_EXPIRED for an expired token', async () => {
    const child = await startChild({ deny: DenyReason.GAME_OVER });
    const denied = await failure(connect(child.match(0)));
    expect(denied.code).toBe('E_DENIED');
    expect(denied.denyReason).toBe(DenyReason.GAME_OVER);
    expect(denied.denyReasonName).toBe('GAME_OVER');
    await child.close();
    const other = await startChild({ deny: DenyReason.TOKEN_EXPIRED });
    const expired = await failure(connect(other.match(0)));
    expect(expired.code).toBe('E_TOKEN_EXPIRED');
  });

  it('aborts a pending connect with E_ABORTED', async () => {
    const child = await startChild({ ignoreRequests: 1000 });
    const controller = new AbortController();
    const pending = connect(child.match(0), { signal: controller.signal });
    await waitUntil(() => child.requests > 0, 'a request');
    controller.abort();
    expect((await failure(pending)).code).toBe('E_ABORTED');
  });

  it('fails with E_SERVER_TIMEOUT when the child goes silent (gone)', async () => {
    const child = await startChild();
    const session = await join(child, 0, { timeoutMs: 600, pingIntervalMs: 50 });
    const ends: SessionEnd[] = [];
    session.on('end', (e) => ends.push(e));
    await waitUntil(() => session.stats().snapshotsReceived > 0, 'a snapshot');
    await child.close();
    const error = await failure(session.waitForGameOver());
    expect(error.code).toBe('E_SERVER_TIMEOUT');
    expect(error.message).toMatch(
      /nothing heard from the game server at 127\.0\.0\.1:\d+ for \d+ ms: it is gone or unreachable/,
    );
    // Its port is closed: the pings since were answered with ICMP "port unreachable", and the message says so.
    expect(error.message).toMatch(/\(\d+ packets? refused: no game server listens on that port any more\)/);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ kind: 'failed', error: { code: 'E_SERVER_TIMEOUT' } });
  });

  it('fails after refusedTimeoutMs, not the whole timeoutMs, once the port of a gone child refuses the pings', async () => {
    const child = await startChild();
    const session = await join(child, 0, { timeoutMs: 20_000, refusedTimeoutMs: 800, pingIntervalMs: 100 });
    await waitUntil(() => session.stats().snapshotsReceived > 0, 'a snapshot');
    await child.close();
    const error = await failure(session.waitForGameOver());
    expect(error.code).toBe('E_SERVER_TIMEOUT');
    expect(error.message).toMatch(/packets? refused/);
    // The silence the message reports is the reason it ended: past refusedTimeoutMs, well short of timeoutMs.
    const silenceMs = Number(/for (\d+) ms/.exec(error.message)?.[1]);
    expect(silenceMs).toBeGreaterThanOrEqual(800);
    expect(silenceMs).toBeLessThan(20_000);
  });

  it('rejects a refusedTimeoutMs above timeoutMs', async () => {
    const child = await startChild();
    const error = await failure(connect(child.match(0), { timeoutMs: 1000, refusedTimeoutMs: 1001 }));
    expect(error.code).toBe('E_INVALID_ARGUMENT');
    expect(error.message).toMatch(/refusedTimeoutMs/);
    await child.close();
  });

  it('surfaces the reason of a gameOver the child sent before going away (e.g. SERVER_SHUTDOWN), not a timeout', async () => {
    const child = await startChild();
    const session = await join(child, 0, { timeoutMs: 600 });
    await waitUntil(() => session.stats().snapshotsReceived > 0, 'a snapshot');
    child.gameOver(GameOverReason.SERVER_SHUTDOWN, Uint8Array.of(7));
    await waitUntil(() => session.state === 'ended', 'the session to end');
    await child.close();
    const over = await session.waitForGameOver();
    expect(over).toEqual({
      reason: GameOverReason.SERVER_SHUTDOWN,
      reasonName: 'SERVER_SHUTDOWN',
      data: Uint8Array.of(7),
    });
    expect(session.ended?.kind).toBe('gameOver');
  });

  it('ends with disconnected (E_DISCONNECTED) when the child disconnects the player', async () => {
    const child = await startChild();
    const session = await join(child);
    const reasons: string[] = [];
    session.on('disconnect', (d) => reasons.push(d.reasonName));
    child.disconnect(0, DisconnectReason.KICKED);
    const error = await failure(session.waitForGameOver());
    expect(error.code).toBe('E_DISCONNECTED');
    expect(error.disconnectReasonName).toBe('KICKED');
    expect(reasons).toEqual(['KICKED']);
  });

  it('close() tells the child, ends with closed, and waitForGameOver rejects with E_SESSION_CLOSED', async () => {
    const child = await startChild();
    const session = await join(child);
    await session.close();
    await session.close();
    expect(session.ended).toEqual({ kind: 'closed' });
    expect((await failure(session.waitForGameOver())).code).toBe('E_SESSION_CLOSED');
    await waitUntil(() => child.peers.get(0)!.left, 'the child to see the disconnect');
    expect((await failure(session.reconnect())).code).toBe('E_SESSION_CLOSED');
  });

  it('waitForEnd honours its AbortSignal', async () => {
    const child = await startChild();
    const session = await join(child);
    const error = await failure(session.waitForEnd({ signal: AbortSignal.timeout(50) }));
    expect(error.code).toBe('E_ABORTED');
  });

  it('reconnects from a new socket with the same token, and the conversation restarts', async () => {
    const child = await startChild();
    const session = await join(child);
    const firstPort = session.localPort;
    let reconnected = 0;
    session.on('reconnected', () => reconnected++);
    await session.reconnect();
    expect(reconnected).toBe(1);
    expect(session.state).toBe('open');
    expect(session.localPort).not.toBe(firstPort);
    expect(child.peers.get(0)!.port).toBe(session.localPort);
    expect(child.peers.get(0)!.connects).toBe(2);
    const before = session.stats().snapshotsReceived;
    await waitUntil(() => session.stats().snapshotsReceived > before + 2, 'snapshots after the reconnect');
    const events: number[] = [];
    session.on('event', (e) => events.push(e.data[0]!));
    child.sendEvent(0, Uint8Array.of(42));
    await waitUntil(() => events.length === 1, 'an event after the reconnect');
    expect(session.stats().reconnects).toBe(1);
  });

  it('reconnects by itself after silence when autoReconnectAfterMs is set', async () => {
    const child = await startChild();
    const session = await join(child, 0, { autoReconnectAfterMs: 1000, timeoutMs: 10_000 });
    await waitUntil(() => session.stats().snapshotsReceived > 0, 'a snapshot');
    // The path from this socket breaks: the child no longer hears it (and stops sending to it).
    const peer = child.peers.get(0)!;
    const reconnected = new Promise<void>((resolve) => session.once('reconnected', resolve));
    child.deaf.add(peer.key);
    peer.left = true;
    await reconnected;
    expect(child.peers.get(0)!.connects).toBeGreaterThan(peer.connects);
    expect(child.peers.get(0)!.key).not.toBe(peer.key);
    expect(session.state).toBe('open');
    expect(session.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('measures RTT and loss both ways', async () => {
    const child = await startChild({ tickMs: 10, dropSnapshot: (n) => n % 4 === 3, dropIncoming: (n) => n % 5 === 4 });
    const session = await join(child, 0, { pingIntervalMs: 20 });
    for (let i = 0; i < 100; i++) {
      session.sendInput(Uint8Array.of(i & 0xff));
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (session.stats().snapshotsReceived > 150 && session.stats().lossUp > 0) break;
    }
    await waitUntil(() => session.stats().snapshotsReceived > 150, 'many snapshots');
    await waitUntil(() => session.stats().lossUp > 0, 'upstream loss to be judged');
    const stats = session.stats();
    expect(stats.rttMs).toBeGreaterThanOrEqual(0);
    expect(stats.ackRttMs).toBeGreaterThanOrEqual(0);
    expect(stats.snapshotsMissed).toBeGreaterThan(0);
    expect(stats.lossDown).toBeGreaterThan(0.1);
    expect(stats.lossDown).toBeLessThan(0.35);
    expect(stats.lossUp).toBeGreaterThan(0.05);
    expect(stats.lossUp).toBeLessThan(0.5);
  });
});
