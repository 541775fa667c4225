import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import {
  GameExitCode,
  ShutdownReason,
  UDP_PROTOCOL_ID,
  encodePacket,
  generateGameSecret,
  signConnectToken,
  type ChildToParentMessage,
} from '@proj/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freeUdpPort } from '@proj/test-utils';
import { ForkedChild, TestClient, WAIT_MS, testGame } from './helpers.js';

// The child's `stats` IPC messages: the UDP datagrams it dropped, by reason, as deltas; periodically, right before
// gameOver, and before the exit for what came during the linger. Forked children, real UDP.

const quietEntry = fileURLToPath(new URL('./fixtures/quiet-stats-entry.ts', import.meta.url));
const heartbeatEntry = fileURLToPath(new URL('./fixtures/heartbeat-entry.ts', import.meta.url));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function child(entry?: string): ForkedChild {
  const c = new ForkedChild(entry);
  cleanups.push(() => c.kill());
  return c;
}

/** A stranger's socket that sends `junk` undecodable datagrams, then a connect request with a forged token. */
async function misbehave(port: number, junk: number): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  const denied = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no denied answer to the forged token')), WAIT_MS);
    socket.on('message', (msg) => {
      // The forged request is sent last from this socket: once it is denied, the junk before it was handled.
      if (msg[4] !== 0x03) return;
      clearTimeout(timer);
      resolve();
    });
  });
  for (let i = 0; i < junk; i++) socket.send(Buffer.from(`junk ${i}`), port, '127.0.0.1');
  const forged = signConnectToken(
    { gameId: 'whatever', slot: 0, expiresAt: Date.now() + 30_000 },
    generateGameSecret(),
  );
  socket.send(
    encodePacket({ type: 'connectRequest', sequence: 1, ack: 0, ackBits: 0, token: forged }),
    port,
    '127.0.0.1',
  );
  await denied;
}

/**
 * Connects `player` with `token` and resolves once it is accepted. Reads raw datagrams so that it works with and
 * without the return-routability check: a `challenge` (type 0x04, a cookie after the 13-byte header) is echoed in a
 * `challengeResponse` (0x05) before the `accepted` (0x02).
 */
function join(player: TestClient, token: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the player was not accepted')), WAIT_MS);
    const onMessage = (msg: Buffer): void => {
      if (msg.length < 13 || msg.readUInt32BE(0) !== UDP_PROTOCOL_ID) return;
      if (msg[4] === 0x04) {
        const response = Buffer.alloc(msg.length);
        response.writeUInt32BE(UDP_PROTOCOL_ID, 0);
        response[4] = 0x05;
        response.writeUInt16BE(player.tracker.nextHeader().sequence, 5);
        msg.copy(response, 13, 13);
        player.sendRaw(response);
      } else if (msg[4] === 0x02) {
        clearTimeout(timer);
        player.socket.off('message', onMessage);
        resolve();
      }
    };
    player.socket.on('message', onMessage);
    player.sendRaw(encodePacket({ type: 'connectRequest', ...player.tracker.nextHeader(), token }));
  });
}

/** The sum of the `dropped` deltas of the `stats` messages among `messages`. */
function summed(messages: readonly ChildToParentMessage[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of messages)
    if (m.type === 'stats') for (const [r, n] of Object.entries(m.dropped)) out[r] = (out[r] ?? 0) + n;
  return out;
}

/** Resolves once the `stats` received so far add up to `expected`; rejects if the child exits first. */
function statsReach(c: ForkedChild, expected: Record<string, number>): Promise<void> {
  const reached = (): boolean => JSON.stringify(summed(c.messages)) === JSON.stringify(expected);
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!reached()) return;
      c.process.off('message', check);
      resolve();
    };
    // The helper's own listener runs first (registered in its constructor), so c.messages is up to date here.
    c.process.on('message', check);
    void c.exited.then(() =>
      reached() ? resolve() : reject(new Error(`exited with stats ${JSON.stringify(summed(c.messages))}`)),
    );
    check();
  });
}

describe('game child stats', () => {
  it('reports dropped datagrams by reason while the game runs, as deltas, only when they moved', async () => {
    const c = child();
    await c.next('idle');
    const g = testGame(2, { port: await freeUdpPort(), options: { joinTimeoutMs: 60_000 } });
    c.start(g.assignment);
    await c.next('ready');
    await misbehave(g.assignment.port, 4);
    await statsReach(c, { malformed: 4, tokenForged: 1 });
    await misbehave(g.assignment.port, 2);
    await statsReach(c, { malformed: 6, tokenForged: 2 });
    // Periodic reports also carry the tick health, with or without drops: count the ones that report drops.
    const withDrops = (): ChildToParentMessage[] =>
      c.messages.filter((m) => m.type === 'stats' && Object.keys(m.dropped).length > 0);
    const stats = c.messages.filter((m) => m.type === 'stats');
    for (const m of stats) {
      expect(m.gameId).toBe(g.assignment.gameId);
      for (const n of Object.values(m.dropped)) expect(n).toBeGreaterThan(0);
    }
    const reported = withDrops().length;
    c.process.send({ type: 'shutdown', reason: ShutdownReason.ORCHESTRATOR_STOPPING, graceMs: 0 });
    expect((await c.exited).code).toBe(GameExitCode.SHUTDOWN);
    // Nothing moved after the last report: no repeated drops at the end.
    expect(withDrops()).toHaveLength(reported);
    expect(summed(c.messages)).toEqual({ malformed: 6, tokenForged: 2 });
  });

  it('reports its tick health at every interval while the game runs, also when nothing was dropped', async () => {
    const c = child();
    await c.next('idle');
    const g = testGame(2, { port: await freeUdpPort(), options: { joinTimeoutMs: 60_000, tickRateHz: 20 } });
    c.start(g.assignment);
    await c.next('ready');
    const stats = (): ChildToParentMessage[] => c.messages.filter((m) => m.type === 'stats');
    await vi.waitFor(() => expect(stats().length).toBeGreaterThanOrEqual(2), { timeout: WAIT_MS, interval: 50 });
    for (const m of stats()) {
      if (m.type !== 'stats') throw new Error('expected stats');
      expect(m.dropped).toEqual({});
      expect(m.health).toMatchObject({ tickRateHz: 20 });
      const h = m.health!;
      expect(h.intervalMs).toBeGreaterThan(0);
      expect(h.ticks).toBeGreaterThan(0);
      expect(h.lateP50Ms).toBeLessThanOrEqual(h.lateP99Ms);
      expect(h.lateP99Ms).toBeLessThanOrEqual(h.lateMaxMs);
      expect(h.cpuMs).toBeGreaterThanOrEqual(0);
    }
    c.process.send({ type: 'shutdown', reason: ShutdownReason.ORCHESTRATOR_STOPPING, graceMs: 0 });
    expect((await c.exited).code).toBe(GameExitCode.SHUTDOWN);
  });

  it('reports which seats are connected at every interval: none, the one that joined, none once it timed out', async () => {
    const c = child();
    await c.next('idle');
    const g = testGame(2, {
      port: await freeUdpPort(),
      options: { joinTimeoutMs: 60_000, disconnectTimeoutMs: 2_500 },
    });
    c.start(g.assignment);
    await c.next('ready');
    const reports = (): (readonly number[] | undefined)[] =>
      c.messages.flatMap((m) => (m.type === 'stats' ? [m.connected] : []));
    const waitReport = (from: number, expected: readonly number[]): Promise<number> =>
      vi.waitFor(
        () => {
          const at = reports().findIndex((r, i) => i >= from && JSON.stringify(r) === JSON.stringify(expected));
          expect(at, `a report of ${JSON.stringify(expected)} in ${JSON.stringify(reports())}`).toBeGreaterThanOrEqual(
            0,
          );
          return at;
        },
        { timeout: WAIT_MS, interval: 50 },
      );
    const empty = await waitReport(0, []);
    // Slot 1 joins (slot 0 never does), then sends nothing: it is connected until its disconnect timeout (longer
    // than a reporting interval, so a report sees it).
    const player = await TestClient.open(g.assignment.port);
    cleanups.push(() => player.close());
    await join(player, g.token(1));
    const joined = await waitReport(empty + 1, [1]);
    await waitReport(joined + 1, []);
    // Every report while the game runs carried the field (also the ones with nothing dropped).
    expect(reports().every((r) => Array.isArray(r))).toBe(true);
    c.process.send({ type: 'shutdown', reason: ShutdownReason.ORCHESTRATOR_STOPPING, graceMs: 0 });
    expect((await c.exited).code).toBe(GameExitCode.SHUTDOWN);
  });

  it('sends the counts not yet reported right before gameOver, then exits', async () => {
    const c = child(quietEntry);
    await c.next('idle');
    const g = testGame(2, { port: await freeUdpPort(), options: { joinTimeoutMs: 60_000 } });
    c.start(g.assignment);
    await c.next('ready');
    await misbehave(g.assignment.port, 3);
    expect(c.messages.some((m) => m.type === 'stats')).toBe(false);
    c.process.send({ type: 'shutdown', reason: ShutdownReason.ORCHESTRATOR_STOPPING, graceMs: 0 });
    expect((await c.exited).code).toBe(GameExitCode.SHUTDOWN);
    const types = c.messages.map((m) => m.type);
    expect(types).toEqual(['idle', 'ready', 'stats', 'gameOver']);
    expect(c.messages[2]).toEqual({
      type: 'stats',
      gameId: g.assignment.gameId,
      dropped: { malformed: 3, tokenForged: 1 },
    });
  });

  it('reports the datagrams dropped while it lingers after gameOver, before it exits', async () => {
    const c = child(quietEntry);
    await c.next('idle');
    const g = testGame(1, { port: await freeUdpPort(), options: { lingerMs: 5_000 } });
    c.start(g.assignment);
    await c.next('ready');
    // A player that never acknowledges its gameOver keeps the child lingering until the grace ends.
    const player = await TestClient.open(g.assignment.port, { autoAck: false });
    cleanups.push(() => player.close());
    await join(player, g.token(0));
    c.process.send({ type: 'shutdown', reason: ShutdownReason.ORCHESTRATOR_STOPPING, graceMs: 3_000 });
    await c.next('gameOver');
    await misbehave(g.assignment.port, 2);
    expect((await c.exited).code).toBe(GameExitCode.SHUTDOWN);
    const over = c.messages.findIndex((m) => m.type === 'gameOver');
    expect(summed(c.messages.slice(0, over))).toEqual({});
    expect(summed(c.messages.slice(over + 1))).toEqual({ malformed: 2, tokenForged: 1 });
    expect(c.messages.at(-1)?.type).toBe('stats');
  });

  it('heartbeats while it lingers after gameOver (nothing else to say), until it exits', async () => {
    const c = child(heartbeatEntry);
    await c.next('idle');
    const g = testGame(1, { port: await freeUdpPort(), options: { lingerMs: 5_000 } });
    c.start(g.assignment);
    await c.next('ready');
    const player = await TestClient.open(g.assignment.port, { autoAck: false });
    cleanups.push(() => player.close());
    await join(player, g.token(0));
    // A player that never acknowledges its gameOver keeps the child lingering until the grace (1.5 s) ends.
    c.process.send({ type: 'shutdown', reason: ShutdownReason.ORCHESTRATOR_STOPPING, graceMs: 1_500 });
    await c.next('gameOver');
    expect((await c.exited).code).toBe(GameExitCode.SHUTDOWN);
    const over = c.messages.findIndex((m) => m.type === 'gameOver');
    const lingering = c.messages.slice(over + 1).filter((m) => m.type === 'heartbeat');
    // 200 ms heartbeats over a linger of about 1.2 s.
    expect(lingering.length).toBeGreaterThanOrEqual(3);
    for (const m of lingering) expect(m).toEqual({ type: 'heartbeat', gameId: g.assignment.gameId });
  });
});
