import { createSocket } from 'node:dgram';
import {
  ArenaDirection,
  ArenaEndReason,
  ArenaEventType,
  decodeArenaEvent,
  decodeArenaSnapshot,
  DenyReason,
  DisconnectReason,
  encodeArenaInput,
  encodePacket,
  GameOverReason,
  UDP_PROTOCOL_ID,
} from '@proj/protocol';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@proj/test-utils';
import { DEFAULT_TICK_RATE_HZ, GameChildError, startGame, type Game, type GameServer } from '../src/index.js';
import { closedAfterEach, testGame, WAIT_MS } from './helpers.js';

const { start, client, keepSeat, closeLater } = closedAfterEach();

function once<T extends unknown[]>(
  server: GameServer,
  event: 'playerConnected' | 'playerDisconnected' | 'started',
  match: (...args: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const listener = (...args: unknown[]): void => {
      if (!match(...(args as T))) return;
      server.off(event, listener);
      resolve(args as T);
    };
    server.on(event, listener);
  });
}

/** A one-row arena where walking right from slot 0's spawn picks the gem that wins. */
const winMap = { map: ['######', '#Pg.P#', '######'], scoreToWin: 1, itemCount: 1, moveIntervalMs: 50 };

describe('joining', () => {
  it('accepts a valid token, binds the slot and starts sending snapshots and the welcome', async () => {
    const g = testGame(2);
    const server = await start(g);
    const c = await client(server);
    const answer = await c.connect(g.token(1));
    expect(answer).toMatchObject({ type: 'accepted', slot: 1, tickRate: DEFAULT_TICK_RATE_HZ });
    const snap = await c.waitFor('snapshot');
    expect(decodeArenaSnapshot(snap.data).players).toHaveLength(2);
    await c.waitFor('reliableEvent', (p) => decodeArenaEvent(p.data).type === ArenaEventType.WELCOME);
    expect(server.players()[1]).toMatchObject({ slot: 1, connected: true, joined: true, port: c.port });
    expect(server.stats().accepted).toBe(1);
  });

  it('renames a seat nobody joined (a backfill): the roster carries the new name; a joined seat keeps its name', async () => {
    const g = testGame(2);
    const server = await start(g);
    expect(server.renameSeat(1, 'grace')).toBe(true);
    expect(server.renameSeat(7, 'nobody')).toBe(false);
    const c = await client(server);
    await c.connect(g.token(0));
    const roster = await c.waitFor('reliableEvent', (p) => decodeArenaEvent(p.data).type === ArenaEventType.ROSTER);
    expect(decodeArenaEvent(roster.data)).toMatchObject({
      players: [
        { slot: 0, name: 'player0' },
        { slot: 1, name: 'grace' },
      ],
    });
    expect(server.renameSeat(0, 'mallory')).toBe(false);
    expect(server.players().map((p) => p.name)).toEqual(['player0', 'grace']);
  });

  it('denies forged, expired, wrong-game and unknown-slot tokens, counted, never with more bytes than received', async () => {
    const g = testGame(2);
    const server = await start(g);
    const c = await client(server);
    const other = testGame(2);
    const cases: [Uint8Array, number][] = [
      [other.token(0), DenyReason.TOKEN_INVALID], // signed with another secret
      [g.token(0, { expiresAt: Date.now() - 1000 }), DenyReason.TOKEN_EXPIRED],
      [g.token(0, { gameId: 'another-game' }), DenyReason.WRONG_GAME],
      [g.token(7), DenyReason.GAME_FULL],
      [Uint8Array.of(1, 2, 3), DenyReason.TOKEN_MALFORMED],
    ];
    for (const [token, reason] of cases) {
      const answer = await c.connect(token);
      expect(answer).toMatchObject({ type: 'denied', reason });
    }
    const forgedBytes = g.token(0);
    forgedBytes[forgedBytes.length - 1]! ^= 1;
    expect(await c.connect(forgedBytes)).toMatchObject({ type: 'denied', reason: DenyReason.TOKEN_INVALID });
    const { dropped, denied } = server.stats();
    expect(dropped).toMatchObject({ tokenForged: 2, tokenExpired: 1, wrongGame: 1, unknownSlot: 1, tokenMalformed: 1 });
    expect(denied).toBe(6);
    // Every answer was a denied (header + 1 byte), smaller than the smallest request here (a 3-byte token).
    const deniedSize = encodePacket({ type: 'denied', sequence: 0, ack: 0, ackBits: 0, reason: 1 }).length;
    expect(c.sizes.every((n) => n === deniedSize)).toBe(true);
    expect(deniedSize).toBeLessThan(
      encodePacket({ type: 'connectRequest', sequence: 0, ack: 0, ackBits: 0, token: Uint8Array.of(1, 2, 3) }).length,
    );
    expect(server.players().every((p) => !p.connected)).toBe(true);
  });

  it('answers a resent request from the holder again, but never lets another address take an active slot', async () => {
    const g = testGame(2);
    const server = await start(g);
    const a = await client(server);
    const token = g.token(0);
    let connects = 0;
    server.on('playerConnected', () => connects++);
    expect(await a.connect(token)).toMatchObject({ type: 'accepted', slot: 0 });
    expect(await a.connect(token)).toMatchObject({ type: 'accepted', slot: 0 }); // lost accepted, resent
    expect(connects).toBe(1);
    const thief = await client(server);
    expect(await thief.connect(token)).toMatchObject({ type: 'denied', reason: DenyReason.TOKEN_REUSED });
    expect(await thief.connect(g.token(0))).toMatchObject({ type: 'denied', reason: DenyReason.SLOT_TAKEN });
    // One address, one seat.
    expect(await a.connect(g.token(1))).toMatchObject({ type: 'denied', reason: DenyReason.SLOT_TAKEN });
    expect(server.stats().dropped).toMatchObject({ tokenReused: 1, slotTaken: 2 });
    expect(server.players()[0]).toMatchObject({ connected: true, port: a.port });
  });

  it('marks a silent player disconnected; it reconnects with the same token from a new address', async () => {
    const g = testGame(2);
    const server = await start(g, { disconnectTimeoutMs: 300 });
    await keepSeat(server, g.token(1));
    const token = g.token(0);
    const first = await client(server);
    expect(await first.connect(token)).toMatchObject({ type: 'accepted' });
    const gone = await once(server, 'playerDisconnected');
    expect(gone).toEqual([0, 'timeout']);
    await first.waitFor('disconnect', (p) => p.reason === DisconnectReason.TIMEOUT);
    expect(server.stats().timeouts).toBe(1);
    // The old address is told it timed out if it speaks again, and is not served.
    first.send({ type: 'ping', time: 0 });
    const second = await client(server);
    const back = once(server, 'playerConnected');
    expect(await second.connect(token)).toMatchObject({ type: 'accepted', slot: 0 });
    expect(await back).toEqual([0, true]);
    expect(server.stats().reconnects).toBe(1);
    expect(server.players()[0]).toMatchObject({ connected: true, port: second.port });
    await second.waitFor('snapshot');
    await second.waitFor('reliableEvent', (p) => decodeArenaEvent(p.data).type === ArenaEventType.WELCOME);
    // Now the old address cannot come back while the new one is active.
    expect(await first.connect(token)).toMatchObject({ type: 'denied', reason: DenyReason.TOKEN_REUSED });
  });
});

describe('reconnecting versus single use', () => {
  it('lets a timed-out seat back with its token only until the token expires (on the injected clock)', async () => {
    const clock = new ManualClock(0, Date.now());
    const g = testGame(2);
    const server = await start(g, { clock, disconnectTimeoutMs: 2000 });
    const keeper = await client(server);
    const player = await client(server, { autoAck: false }); // silent after its request
    const token = g.token(0, { expiresAt: clock.epochNow() + 6000 });
    expect(await keeper.connect(g.token(1))).toMatchObject({ type: 'accepted' });
    expect(await player.connect(token)).toMatchObject({ type: 'accepted' });
    /** Moves time on by `ms` in 500 ms steps, the keeper speaking (and heard) at each. */
    const pass = async (ms: number): Promise<void> => {
      for (let t = 0; t < ms; t += 500) {
        clock.advance(500);
        const since = keeper.received.length;
        keeper.send({ type: 'ping', time: t });
        await keeper.waitFor('pong', () => true, WAIT_MS, since);
      }
    };
    await pass(2500);
    expect(server.players()[0]!.connected).toBe(false);
    const back = await client(server, { autoAck: false });
    expect(await back.connect(token)).toMatchObject({ type: 'accepted', slot: 0 }); // same token, before expiry
    await pass(2500);
    expect(server.players()[0]!.connected).toBe(false); // silent again
    await pass(1500); // now past the token's expiry
    const late = await client(server);
    expect(await late.connect(token)).toMatchObject({ type: 'denied', reason: DenyReason.TOKEN_EXPIRED });
    expect(server.players()[0]).toMatchObject({ connected: false, port: back.port });
    expect(server.stats()).toMatchObject({ reconnects: 1, timeouts: 2 });
    expect(server.stats().dropped.tokenExpired).toBe(1);
    expect(server.state).toBe('playing');
  });
});

describe('playing', () => {
  it('plays a full game to game over, reliably delivering events and the result, then closes with exit code 0', async () => {
    const g = testGame(2, { options: winMap });
    const server = await start(g, { joinTimeoutMs: 200, lingerMs: 5000 });
    const c = await client(server);
    await c.connect(g.token(0));
    await once(server, 'started');
    c.input(encodeArenaInput({ direction: ArenaDirection.RIGHT, dashCounter: 0 }));
    const over = await c.waitFor('gameOver');
    expect(over.reason).toBe(GameOverReason.COMPLETED);
    expect(decodeArenaEvent(over.data)).toEqual({
      type: ArenaEventType.GAME_OVER,
      reason: ArenaEndReason.SCORE_REACHED,
      standings: [
        { slot: 0, score: 1, connected: true },
        { slot: 1, score: 0, connected: false },
      ],
    });
    const end = await server.closed;
    expect(end).toMatchObject({ reason: 'gameOver', exitCode: 0, result: { reason: 'scoreReached' } });
    expect(end.results).toEqual([
      { slot: 0, name: 'player0', score: 1, connected: true },
      { slot: 1, name: 'player1', score: 0, connected: false },
    ]);
    const events = c.events().map((d) => decodeArenaEvent(d).type);
    expect(events).toContain(ArenaEventType.WELCOME);
    expect(events).toContain(ArenaEventType.ITEM_COLLECTED);
    const stats = server.stats();
    expect(stats.reliableAcked).toBe(stats.reliableSent); // everything was acknowledged
    expect(server.state).toBe('closed');
  });

  it('keeps only the newest input and drops stale ones', async () => {
    const g = testGame(1, { options: { map: ['#######', '#P....#', '#######'], itemCount: 1, moveIntervalMs: 50 } });
    const server = await start(g);
    const c = await client(server);
    await c.connect(g.token(0));
    await once(server, 'started');
    const right = encodeArenaInput({ direction: ArenaDirection.RIGHT, dashCounter: 0 });
    c.send({ type: 'input', inputSeq: 10, data: right });
    c.send({ type: 'input', inputSeq: 9, data: encodeArenaInput({ direction: ArenaDirection.LEFT, dashCounter: 0 }) });
    await c.waitFor('snapshot', (p) => decodeArenaSnapshot(p.data).players[0]!.x > 1);
    expect(server.stats().dropped.stale).toBe(1);
    c.send({ type: 'input', inputSeq: 11, data: Uint8Array.of(99, 99) }); // newest, but malformed
    await expect.poll(() => server.stats().dropped.badInput, { timeout: WAIT_MS }).toBe(1);
  });

  it('measures RTT from acks', async () => {
    const g = testGame(1);
    const server = await start(g);
    const c = await client(server);
    await c.connect(g.token(0));
    await c.waitFor('snapshot');
    c.send({ type: 'ping', time: 42 });
    expect((await c.waitFor('pong')).time).toBe(42);
    await expect.poll(() => server.players()[0]!.rttMs, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(0);
  });
});

describe('reliability', () => {
  it('resends reliable events until they are acknowledged, then stops', async () => {
    const g = testGame(1);
    const server = await start(g);
    const c = await client(server, { autoAck: false });
    await c.connect(g.token(0));
    const welcome = await c.waitFor('reliableEvent', (p) => decodeArenaEvent(p.data).type === ArenaEventType.WELCOME);
    // Not acknowledged: the same event id comes again.
    await c.waitFor('reliableEvent', (p) => p.eventId === welcome.eventId && p.sequence !== welcome.sequence);
    expect(server.stats().reliableResent).toBeGreaterThan(0);
    expect(server.players()[0]!.pendingReliable).toBeGreaterThan(0);
    c.send({ type: 'ping', time: 0 }); // its header acks everything received so far
    await expect.poll(() => server.players()[0]!.pendingReliable, { timeout: WAIT_MS }).toBe(0);
    expect(server.stats().reliableAcked).toBe(server.stats().reliableSent);
  });

  it('disconnects a player who falls more than 1,024 events behind, keeping memory bounded', async () => {
    const g = testGame(1);
    let ctx!: Parameters<Game['setup']>[1];
    const game: Game = {
      setup: (_, context) => (ctx = context),
      start: () => {},
      playerConnected: (slot) => {
        for (let i = 0; i < 1100; i++) ctx.sendReliable(Uint8Array.of(i & 0xff), slot);
      },
      playerDisconnected: () => {},
      input: () => true,
      tick: () => {},
      snapshotFor: () => new Uint8Array(1),
      result: () => undefined,
      stop: (cause) => ({ reason: cause, standings: [] }),
    };
    const server = await start(g, { game, joinTimeoutMs: 300 });
    const c = await client(server, { autoAck: false });
    const gone = once(server, 'playerDisconnected');
    await c.connect(g.token(0));
    expect(await gone).toEqual([0, 'overflow']);
    expect(await server.closed).toMatchObject({ reason: 'allLeft' });
  });

  it('survives a throwing event listener', async () => {
    const g = testGame(1);
    const server = await start(g);
    server.on('playerConnected', () => {
      throw new Error('listener bug');
    });
    const c = await client(server);
    expect(await c.connect(g.token(0))).toMatchObject({ type: 'accepted' });
    await c.waitFor('snapshot');
    expect(server.stats().dropped.internalError).toBe(1);
    expect(server.state).toBe('playing');
  });
});

describe('lifecycle', () => {
  it('runs every deadline on the injected clock', async () => {
    const clock = new ManualClock(0, Date.now());
    const g = testGame(2);
    const server = await start(g, { clock, joinTimeoutMs: 5000 });
    clock.advance(4900);
    expect(server.state).toBe('waiting');
    expect(server.stats().ticks).toBe(98); // 4.9 s at 20 Hz, the default
    clock.advance(200);
    expect(await server.closed).toMatchObject({ reason: 'noPlayers', exitCode: 10 });
  });

  it('ends with noPlayers (exit 10) when nobody joins in time', async () => {
    const g = testGame(2);
    const server = await start(g, { joinTimeoutMs: 150 });
    const end = await server.closed;
    expect(end).toMatchObject({ reason: 'noPlayers', exitCode: 10, result: undefined });
    expect(end.results.map((r) => r.score)).toEqual([0, 0]);
  });

  it('ends with allLeft (exit 11) when every player leaves', async () => {
    const g = testGame(2);
    const server = await start(g);
    const a = await client(server);
    const b = await client(server);
    await a.connect(g.token(0));
    await b.connect(g.token(1));
    await once(server, 'started');
    a.send({ type: 'disconnect', reason: DisconnectReason.CLIENT_QUIT });
    b.send({ type: 'disconnect', reason: DisconnectReason.CLIENT_QUIT });
    expect(await server.closed).toMatchObject({ reason: 'allLeft', exitCode: 11, result: { reason: 'allLeft' } });
  });

  it('ends with maxDuration (exit 15) and tells the players', async () => {
    const g = testGame(1, { maxDurationMs: 300 });
    const server = await start(g);
    const c = await client(server);
    await c.connect(g.token(0));
    const over = await c.waitFor('gameOver');
    expect(over.reason).toBe(GameOverReason.TIME_LIMIT);
    expect(await server.closed).toMatchObject({ reason: 'maxDuration', exitCode: 15 });
  });

  it('stop() ends with shutdown (exit 16); close() closes at once', async () => {
    const g = testGame(1);
    const server = await start(g);
    const c = await client(server);
    await c.connect(g.token(0));
    const end = await server.stop('shutdown', 2000);
    expect(end).toMatchObject({ reason: 'shutdown', exitCode: 16 });
    expect((await c.waitFor('gameOver')).reason).toBe(GameOverReason.SERVER_SHUTDOWN);
    const other = await start(testGame(1));
    expect(await other.close()).toMatchObject({ reason: 'shutdown', exitCode: 16 });
    expect(other.state).toBe('closed');
  });

  it('ends as crashed (exit 1) when the game throws, without crashing the process', async () => {
    const g = testGame(1);
    let ticks = 0;
    const game: Game = {
      setup: () => {},
      start: () => {},
      playerConnected: () => {},
      playerDisconnected: () => {},
      input: () => true,
      tick: () => {
        if (++ticks === 3) throw new Error('rules bug');
      },
      snapshotFor: () => new Uint8Array(1),
      result: () => undefined,
      stop: () => ({ reason: 'stopped', standings: [] }),
    };
    const server = await start(g, { game });
    const c = await client(server);
    await c.connect(g.token(0));
    const end = await server.closed;
    expect(end).toMatchObject({ reason: 'crashed', exitCode: 1 });
    expect(String(end.error)).toContain('rules bug');
  });

  it('rejects with E_BIND_FAILED when the port is taken, and E_INVALID_ARGUMENT for bad options', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
    closeLater({ close: () => new Promise<void>((resolve) => holder.close(() => resolve())) });
    const g = testGame(1, { port: holder.address().port });
    const failure = await startGame({ assignment: g.assignment }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GameChildError);
    expect((failure as GameChildError).code).toBe('E_BIND_FAILED');
    expect(((failure as GameChildError).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    for (const bad of [
      { options: { tickRateHz: 0 } },
      { options: { scoreToWin: -1 } },
      { players: [] },
      { secretBase64: 'c2hvcnQ=' },
    ]) {
      const e = await startGame({ assignment: { ...testGame(1).assignment, ...bad } }).catch((x: unknown) => x);
      expect((e as GameChildError).code).toBe('E_INVALID_ARGUMENT');
    }
  });
});

describe('hostile input', () => {
  it('drops malformed, oversized and foreign datagrams and packets from strangers, silently', async () => {
    const g = testGame(1);
    const server = await start(g, { strangerRateLimit: { perSecond: 1000, burst: 1000 } });
    const c = await client(server);
    c.sendRaw(new Uint8Array(0));
    c.sendRaw(Uint8Array.of(1, 2, 3));
    c.sendRaw(new Uint8Array(1500)); // oversize
    c.sendRaw(new Uint8Array(60_000)); // oversize
    const foreign = new Uint8Array(40);
    new DataView(foreign.buffer).setUint32(0, UDP_PROTOCOL_ID ^ 1);
    c.sendRaw(foreign);
    const truncated = encodePacket({ type: 'ping', sequence: 0, ack: 0, ackBits: 0, time: 1 }).subarray(0, 18);
    c.sendRaw(truncated);
    c.input(Uint8Array.of(1, 0)); // valid packet, but this address holds no slot
    c.send({ type: 'ping', time: 1 });
    await expect.poll(() => server.stats().droppedTotal, { timeout: WAIT_MS }).toBe(8);
    expect(server.stats().dropped).toMatchObject({ malformed: 4, oversize: 2, unknownSender: 2 });
    expect(c.received).toHaveLength(0);
    // Still serving.
    expect(await c.connect(g.token(0))).toMatchObject({ type: 'accepted' });
  });

  it('bounds a flood from many source addresses (as a spoofer sends): tracked table, no amplification, player served', async () => {
    const g = testGame(1);
    const server = await start(g, { maxTrackedAddresses: 16 });
    const player = await client(server);
    expect(await player.connect(g.token(0))).toMatchObject({ type: 'accepted' });
    // All of 127/8 is loopback: 64 distinct source addresses, each sending 5 forged connect requests.
    const request = encodePacket({
      type: 'connectRequest',
      sequence: 0,
      ack: 0,
      ackBits: 0,
      token: testGame(1).token(0),
    });
    const sockets = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const socket = createSocket('udp4');
        closeLater({ close: () => socket.close() });
        await new Promise<void>((resolve) => socket.bind(0, `127.0.1.${i + 10}`, resolve));
        const sizes: number[] = [];
        socket.on('message', (m) => sizes.push(m.length));
        return { socket, sizes };
      }),
    );
    for (const { socket } of sockets) for (let k = 0; k < 5; k++) socket.send(request, server.port, '127.0.0.1');
    await expect.poll(() => server.stats().packetsIn, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(1 + 64 * 5);
    const stats = server.stats();
    // The first 16 addresses are tracked (a burst of 20 each: all 5 requests checked and denied); the other 48
    // are refused a bucket while those 16 are still active (fail closed), so their requests cost nothing.
    expect(stats.denied).toBe(16 * 5);
    expect(stats.dropped.tokenForged).toBe(16 * 5);
    expect(stats.dropped.rateLimited).toBe(48 * 5);
    await expect.poll(() => sockets.reduce((n, s) => n + s.sizes.length, 0), { timeout: WAIT_MS }).toBe(16 * 5);
    expect(sockets.every((s) => s.sizes.every((n) => n < request.length))).toBe(true);
    const since = player.received.length;
    await player.waitFor('snapshot', () => true, WAIT_MS, since);
    expect(server.players()[0]!.connected).toBe(true);
  });

  it('rate-limits a flood from one address without hurting a player, and never amplifies', async () => {
    const g = testGame(1);
    const server = await start(g);
    const player = await client(server);
    await player.connect(g.token(0));
    const attacker = await client(server);
    const forged = testGame(1).token(0);
    const request = encodePacket({ type: 'connectRequest', sequence: 0, ack: 0, ackBits: 0, token: forged });
    const junk = new Uint8Array(200).fill(7);
    for (let i = 0; i < 3000; i++) attacker.sendRaw(i % 2 === 0 ? request : junk);
    const snapshotsBefore = player.count('snapshot');
    await player.waitFor('snapshot', () => true, WAIT_MS, player.received.length);
    await expect.poll(() => server.stats().packetsIn, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(2000);
    const stats = server.stats();
    expect(stats.dropped.rateLimited).toBeGreaterThan(1000);
    // Each reply to the attacker answered one request of its own size or larger; far fewer replies than requests.
    await expect.poll(() => attacker.sizes.length, { timeout: WAIT_MS }).toBe(server.stats().denied);
    expect(attacker.sizes.every((n) => n <= request.length)).toBe(true);
    expect(attacker.sizes.length).toBeLessThan(100);
    expect(player.count('snapshot')).toBeGreaterThan(snapshotsBefore);
    expect(server.players()[0]!.connected).toBe(true);
    expect(server.tickTimes().max).toBeLessThan(1000); // the loop kept running
  });
});
