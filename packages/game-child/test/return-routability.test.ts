// The return-routability check over real UDP: a valid token from an address that never echoes its challenge
// (as when a token holder spoofs a victim's source address) gets that address one small challenge per
// request and nothing else: no snapshots, no reliable events, no seat.
import { CHALLENGE_COOKIE_BYTES, encodePacket } from '@proj/protocol';
import { describe, expect, it } from 'vitest';
import type { GameServer } from '../src/index.js';
import { closedAfterEach, testGame, WAIT_MS } from './helpers.js';

const { start, client, keepSeat } = closedAfterEach();

/** Resolves once the server has run `n` more ticks (each one a chance to send snapshots). */
async function ticksPass(server: GameServer, n: number): Promise<void> {
  const target = server.stats().ticks + n;
  await expect.poll(() => server.stats().ticks, { timeout: WAIT_MS, interval: 10 }).toBeGreaterThanOrEqual(target);
}

describe('return-routability check', () => {
  it('gives an address that never echoes its challenge only small challenges, never snapshots, even while it sends inputs', async () => {
    const g = testGame(1);
    const server = await start(g, { tickRateHz: 60 });
    const victim = await client(server); // stands for the spoofed source: it gets what the child sends there
    const token = g.token(0);
    const requestSize = encodePacket({ type: 'connectRequest', sequence: 0, ack: 0, ackBits: 0, token }).length;
    const first = await victim.request(token);
    expect(first.type).toBe('challenge');
    if (first.type !== 'challenge') return;
    expect(first.cookie).toHaveLength(CHALLENGE_COOKIE_BYTES);
    // The attacker resends (same cookie each time) and keeps "playing" from the spoofed address.
    const again = await victim.request(token);
    expect(again).toMatchObject({ type: 'challenge', cookie: first.cookie });
    for (let i = 0; i < 5; i++) victim.input(Uint8Array.of(1, 0));
    victim.send({ type: 'ping', time: 1 });
    await ticksPass(server, 30);
    expect(victim.received.map((p) => p.type)).toEqual(['challenge', 'challenge']);
    expect(victim.sizes.every((n) => n === 29 && n <= requestSize)).toBe(true);
    const stats = server.stats();
    expect(stats).toMatchObject({
      challengesSent: 2,
      challengesPassed: 0,
      accepted: 0,
      snapshotsSent: 0,
      reliableSent: 0,
    });
    expect(stats.dropped.unverified).toBe(6);
    expect(stats.bytesOut).toBeLessThan(stats.bytesIn);
    expect(server.players()[0]).toMatchObject({ connected: false, joined: false, port: undefined });
  });

  it('does not let another address complete the challenge, even with the right cookie', async () => {
    const g = testGame(2);
    const server = await start(g);
    const a = await client(server);
    const b = await client(server);
    const challenge = await a.request(g.token(0));
    if (challenge.type !== 'challenge') throw new Error(`expected a challenge, got ${challenge.type}`);
    b.send({ type: 'challengeResponse', cookie: challenge.cookie }); // B learned A's cookie somehow
    b.send({ type: 'challengeResponse', cookie: new Uint8Array(CHALLENGE_COOKIE_BYTES) }); // or guesses
    const wrong = challenge.cookie.slice();
    wrong[5]! ^= 0x40;
    a.send({ type: 'challengeResponse', cookie: wrong }); // a near miss from A itself
    await expect.poll(() => server.stats().dropped.challengeFailed, { timeout: WAIT_MS }).toBe(3);
    await ticksPass(server, 5);
    expect(b.received).toHaveLength(0);
    expect(a.received.map((p) => p.type)).toEqual(['challenge']);
    expect(server.players()[0]!.connected).toBe(false);
    // A's challenge survived the failures: A completes it.
    const connected = new Promise((resolve) => server.once('playerConnected', (...args) => resolve(args)));
    expect(await a.respond(challenge.cookie)).toMatchObject({ type: 'accepted', slot: 0 });
    expect(await connected).toEqual([0, false]);
    await a.waitFor('snapshot');
    expect(server.players()[0]).toMatchObject({ connected: true, port: a.port });
    expect(server.stats()).toMatchObject({ challengesSent: 1, challengesPassed: 1, accepted: 1 });
  });

  it('lets the newest request for a seat hold its challenge; answers a resent challengeResponse (a lost accepted) without a second join', async () => {
    const g = testGame(2);
    const server = await start(g);
    const a = await client(server);
    const b = await client(server);
    let joins = 0;
    server.on('playerConnected', () => joins++);
    const token = g.token(0);
    const first = await a.request(token);
    const second = await b.request(token); // the holder again, from a new port, before A echoed
    if (first.type !== 'challenge' || second.type !== 'challenge') throw new Error('expected two challenges');
    expect(Buffer.from(second.cookie).equals(Buffer.from(first.cookie))).toBe(false);
    a.send({ type: 'challengeResponse', cookie: first.cookie }); // replaced: no longer valid
    await expect.poll(() => server.stats().dropped.challengeFailed, { timeout: WAIT_MS }).toBe(1);
    expect(await b.respond(second.cookie)).toMatchObject({ type: 'accepted', slot: 0 });
    expect(await b.respond(second.cookie)).toMatchObject({ type: 'accepted', slot: 0 }); // lost accepted, resent
    expect(await b.request(token)).toMatchObject({ type: 'accepted', slot: 0 }); // a resent request: no new challenge
    expect(joins).toBe(1);
    expect(a.received.map((p) => p.type)).toEqual(['challenge']);
    expect(server.players()[0]).toMatchObject({ connected: true, port: b.port });
    expect(server.stats()).toMatchObject({ challengesSent: 2, challengesPassed: 1, accepted: 3 });
  });

  it('checks a reconnect from a new address the same way before sending it anything', async () => {
    const g = testGame(2);
    const server = await start(g, { disconnectTimeoutMs: 300 });
    await keepSeat(server, g.token(1));
    const token = g.token(0);
    const first = await client(server);
    expect(await first.connect(token)).toMatchObject({ type: 'accepted' });
    await new Promise((resolve) => server.once('playerDisconnected', resolve));
    const snapshotsBefore = server.stats().snapshotsSent;
    const moved = await client(server);
    const challenge = await moved.request(token);
    if (challenge.type !== 'challenge') throw new Error(`expected a challenge, got ${challenge.type}`);
    moved.input(Uint8Array.of(1, 0));
    await ticksPass(server, 5);
    expect(moved.received.map((p) => p.type)).toEqual(['challenge']);
    expect(server.players()[0]).toMatchObject({ connected: false, port: first.port });
    const back = new Promise((resolve) => server.once('playerConnected', (...args) => resolve(args)));
    expect(await moved.respond(challenge.cookie)).toMatchObject({ type: 'accepted', slot: 0 });
    expect(await back).toEqual([0, true]);
    await moved.waitFor('snapshot');
    expect(server.players()[0]).toMatchObject({ connected: true, port: moved.port });
    expect(server.stats().snapshotsSent).toBeGreaterThan(snapshotsBefore);
    expect(server.stats().reconnects).toBe(1);
  });
});
