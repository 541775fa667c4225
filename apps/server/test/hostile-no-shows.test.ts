import { destroyAll, freeUdpPorts, startServer, waitUntil, type ServerProcess } from '@proj/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';
import { UdpPlayer, UdpType, WireClient } from './helpers/wire-client.js';

// Queue stuffing, as an outside hostile run found it: clients from one address say hello, take their match-found,
// never connect over UDP, and queue again, so every port holds an empty game for the whole join timeout while
// players from elsewhere wait. Against the built server with its default limits (loopback only: other addresses
// of 127.0.0.0/8 stand for other players' IPs).

/** @proj/protocol's WireErrorCode values these tests look for (the test helpers speak the wire by hand). */
const NO_SHOW_BACKOFF = 15;
const TOO_MANY_QUEUED_FROM_IP = 16;
/** The orchestrator's defaults: players one address may hold, and the game child's wait for an empty game. */
const MAX_QUEUED_PER_IP = 16;
const EMPTY_GAME_TIMEOUT_MS = 5_000;
/** What an empty game held its port for before: the child's join timeout. */
const JOIN_TIMEOUT_MS = 15_000;

const ATTACKER = '127.0.0.1';

const clients: (WireClient | UdpPlayer)[] = [];
beforeAll(() => ensureBuilt(), 240_000);
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  destroyAll();
});

async function hello(server: ServerProcess, name: string, from: string): Promise<WireClient> {
  const client = await WireClient.join(server.tcpPort, name, 'duel', from);
  clients.push(client);
  return client;
}

/** The first answer to a hello: 'queued', or the error code it was refused with. */
async function answer(client: WireClient): Promise<'queued' | number> {
  await waitUntil(() => client.messages.some((m) => m.type === 'queued' || m.type === 'error'), 'an answer', {
    timeoutMs: 20_000,
  });
  const first = client.messages.find((m) => m.type === 'queued' || m.type === 'error')!;
  return first.type === 'error' ? first.code : 'queued';
}

/** Two players from `from` who join their duel over UDP: resolves once both are accepted by the game. */
async function playDuel(server: ServerProcess, from: string, names: [string, string]): Promise<void> {
  const players = await Promise.all(names.map((name) => hello(server, name, from)));
  const matches = await Promise.all(players.map((p) => p.next('matchFound', 25_000)));
  const udp = await Promise.all(matches.map((m) => UdpPlayer.connect(m.port, m.token, '127.0.0.1', from)));
  clients.push(...udp);
  await waitUntil(() => udp.every((p) => p.received.includes(UdpType.accepted)), 'both players accepted');
}

describe('hostile: no-shows cost the no-show', () => {
  it('caps what one address holds, refuses it after its no-shows, ends its empty games in seconds', async () => {
    const server = await startServer([
      '--port',
      '0',
      '--admin-port',
      '0',
      '--udp-ports',
      (await freeUdpPorts(4)).join(','),
      '--modes',
      'duel:2',
    ]);

    // 20 hellos at once from one address: 16 are held (queued, or matched and never joining), 4 refused.
    const stuffers = await Promise.all(
      Array.from({ length: MAX_QUEUED_PER_IP + 4 }, (_, i) => hello(server, `stuffer${i}`, ATTACKER)),
    );
    const answers = await Promise.all(stuffers.map(answer));
    expect(answers.filter((a) => a === 'queued')).toHaveLength(MAX_QUEUED_PER_IP);
    expect(answers.filter((a) => a === TOO_MANY_QUEUED_FROM_IP)).toHaveLength(4);

    // The first four duels get every port; nobody joins them. Each ends at the empty-game timeout, not the join
    // timeout, and frees its port.
    const matched = stuffers.filter((s) => s.messages.some((m) => m.type === 'matchFound'));
    await waitUntil(
      () => stuffers.filter((s) => s.messages.some((m) => m.type === 'matchFound')).length >= 8,
      '4 games',
    );
    const firstGames = new Set(
      stuffers.flatMap((s) => s.messages.flatMap((m) => (m.type === 'matchFound' ? [m.gameId] : []))),
    );
    expect(firstGames.size).toBe(4);
    expect(matched.length).toBeLessThanOrEqual(8);
    const matchedAt = performance.now();
    await waitUntil(async () => (await server.games()).every((g) => !firstGames.has(g.id)), 'the empty games to end', {
      timeoutMs: JOIN_TIMEOUT_MS + 10_000,
    });
    expect(performance.now() - matchedAt).toBeLessThan(JOIN_TIMEOUT_MS - 3_000);
    expect(performance.now() - matchedAt).toBeGreaterThanOrEqual(EMPTY_GAME_TIMEOUT_MS - 1_000);

    // Its no-shows are counted, and its next hellos refused for a while, whatever the name.
    await waitUntil(
      async () => ((await server.metric('proj_player_no_shows_total{mode="duel"}')) ?? 0) >= 8,
      'the no-shows to be counted',
    );
    for (const name of ['stuffer-again', 'someone-else']) {
      const again = await hello(server, name, ATTACKER);
      expect(await answer(again)).toBe(NO_SHOW_BACKOFF);
      const error = again.messages.find((m) => m.type === 'error');
      expect(error?.type === 'error' && error.message).toMatch(
        /^refused for \d+ s: \d+ recent matches of this address/,
      );
    }
    expect(await server.metric('proj_no_show_backoffs_total{kind="address"}')).toBeGreaterThanOrEqual(1);
    expect(await server.metric('proj_frames_rejected_total{reason="TOO_MANY_QUEUED_FROM_IP"}')).toBe(4);
    expect(await server.metric('proj_frames_rejected_total{reason="NO_SHOW_BACKOFF"}')).toBe(2);

    // Players from another address are not refused and get their game once a port is free.
    await playDuel(server, '127.0.0.2', ['ada', 'grace']);
  }, 90_000);

  it('never refuses players behind one address who join their games, even with the odd no-show', async () => {
    const server = await startServer([
      '--port',
      '0',
      '--admin-port',
      '0',
      '--udp-ports',
      (await freeUdpPorts(8)).join(','),
      '--modes',
      'duel:2',
    ]);
    const nat = '127.0.0.3';
    // In three of its duels one player never comes (three no-shows: the limit)...
    for (let round = 0; round < 3; round++) {
      const pair = await Promise.all([`lone${round}`, `late${round}`].map((name) => hello(server, name, nat)));
      const match = await pair[0]!.next('matchFound', 25_000);
      const lone = await UdpPlayer.connect(match.port, match.token, '127.0.0.1', nat);
      clients.push(lone);
      await waitUntil(() => lone.received.includes(UdpType.accepted), 'the lone player accepted');
    }
    // ... and in three more both players join: more joins than no-shows, so nobody of that address is refused.
    for (let round = 0; round < 3; round++) await playDuel(server, nat, [`nat${round}a`, `nat${round}b`]);
    await waitUntil(
      async () => ((await server.metric('proj_player_no_shows_total{mode="duel"}')) ?? 0) >= 3,
      'the half-joined games to report their no-shows at their join timeout',
      { timeoutMs: JOIN_TIMEOUT_MS + 10_000 },
    );
    const next = await hello(server, 'nat-next', nat);
    expect(await answer(next)).toBe('queued');
    expect(await server.metric('proj_no_show_backoffs_total{kind="address"}')).toBeUndefined();
  }, 90_000);
});
