import {
  type RedisServer,
  type ServerProcess,
  destroyAll,
  freeUdpPortRange,
  startRedisServer,
  startServer,
  stopAllRedis,
  waitUntil,
} from '@proj/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';
import { type ServerMessage, WireClient } from './helpers/wire-client.js';

// Several real servers (the built apps/server, real game children) sharing one FIFO queue per mode through one real
// redis-server: global arrival order, positions across hosts, match-found on every host of a group, a host killed
// while it holds claims, Redis restarted (with and without its data). Every player must be matched exactly once.

/** @proj/protocol's WireErrorCode.QUEUE_UNAVAILABLE (the helpers speak the wire by hand). */
const QUEUE_UNAVAILABLE = 17;

const clients: WireClient[] = [];
beforeAll(() => ensureBuilt(), 240_000);
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  destroyAll();
});
afterAll(() => stopAllRedis());

interface HostOptions {
  readonly extra?: readonly string[];
  readonly instanceId: string;
}

/** A server on the shared queue of `redis`, with a short heartbeat so that a dead host is noticed in 2 s. */
async function host(redis: RedisServer, options: HostOptions): Promise<ServerProcess> {
  const ports = await freeUdpPortRange(4);
  return startServer([
    '--port',
    '0',
    '--admin-port',
    '0',
    '--udp-ports',
    `${ports.first}-${ports.last}`,
    '--modes',
    'trio:3,duel:2',
    '--redis-url',
    redis.url,
    '--instance-id',
    options.instanceId,
    '--redis-heartbeat',
    '500ms',
    '--redis-heartbeat-timeout',
    '2s',
    '--log-format',
    'json',
    ...(options.extra ?? []),
  ]);
}

async function join(server: ServerProcess, name: string, mode: string): Promise<WireClient> {
  const client = await WireClient.join(server.tcpPort, name, mode);
  clients.push(client);
  return client;
}

/** The first `queued` position a client was told. */
async function firstPosition(client: WireClient): Promise<number> {
  return (await client.next('queued', 10_000)).position;
}

/** Every matchFound a client got (a client must never get two). */
function matchFounds(client: WireClient): Extract<ServerMessage, { type: 'matchFound' }>[] {
  return client.messages.filter((m): m is Extract<ServerMessage, { type: 'matchFound' }> => m.type === 'matchFound');
}

describe('shared queue: several servers, one Redis', () => {
  it('groups players of three hosts in global arrival order, tells positions across hosts, matches each once', async () => {
    const redis = await startRedisServer();
    const hosts = await Promise.all(['a', 'b', 'c'].map((id) => host(redis, { instanceId: `host-${id}` })));
    // Arrivals one after another (each told its place before the next says hello), over the hosts in an order that
    // is not round-robin, in two modes at once.
    const plan: [number, string][] = [
      [0, 'trio'],
      [0, 'duel'],
      [1, 'trio'],
      [2, 'duel'],
      [2, 'trio'], // trio group 1: a, b, c
      [1, 'trio'],
      [1, 'duel'], // duel group 2 would need a 4th duel player: this one waits with the duel player before it
      [0, 'trio'],
      [2, 'trio'], // trio group 2: b, a, c
    ];
    const players: { client: WireClient; mode: string; hostIndex: number; position: number }[] = [];
    for (const [i, [hostIndex, mode]] of plan.entries()) {
      const client = await join(hosts[hostIndex]!, `p${i}-${'abc'[hostIndex]}`, mode);
      const position = await firstPosition(client);
      players.push({ client, mode, hostIndex, position });
      // Once a group is complete, its match-found (sent after its claim was confirmed) comes before the next hello:
      // the positions told next are then those of a queue the group has left.
      if (i === 3) await Promise.all([1, 3].map((j) => players[j]!.client.next('matchFound', 20_000)));
      if (i === 4) await Promise.all([0, 2, 4].map((j) => players[j]!.client.next('matchFound', 20_000)));
    }
    // Positions count the players of every host: 1, 2, 3 in trio; 1, 2 then 1, 2 in duel (groups leave the queue).
    expect(players.filter((p) => p.mode === 'trio').map((p) => p.position)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(players.filter((p) => p.mode === 'duel').map((p) => p.position)).toEqual([1, 2, 1]);
    const matched = players.filter((_, i) => i !== 6);
    await Promise.all(matched.map((p) => p.client.next('matchFound', 20_000)));
    const gameOf = (i: number): string => matchFounds(players[i]!.client)[0]!.gameId;
    // Groups are consecutive arrivals of a mode, whichever host each player is on and whichever host claimed.
    expect(new Set([gameOf(0), gameOf(2), gameOf(4)]).size).toBe(1);
    expect(new Set([gameOf(5), gameOf(7), gameOf(8)]).size).toBe(1);
    expect(new Set([gameOf(1), gameOf(3)]).size).toBe(1);
    expect(new Set([gameOf(0), gameOf(5), gameOf(1)]).size).toBe(3);
    for (const p of matched) expect(matchFounds(p.client)).toHaveLength(1);
    // The duel player who arrived alone waits, still at the front.
    expect(matchFounds(players[6]!.client)).toHaveLength(0);
    expect(players[6]!.client.closed).toBe(false);
    // The game of a group spread over three hosts runs on one of them; the other two passed its match-found on.
    const trioGame = gameOf(0);
    const running = await Promise.all(hosts.map((h) => h.games()));
    expect(running.filter((games) => games.some((g) => g.id === trioGame))).toHaveLength(1);
    const remote = await Promise.all(hosts.map((h) => h.metric('proj_players_matched_remotely_total{mode="trio"}')));
    expect(remote.reduce<number>((sum, n) => sum + (n ?? 0), 0)).toBeGreaterThanOrEqual(4);

    // The monitor of each host lists the three hosts (itself marked), and the duel queue: its own waiting player, and
    // the one waiting on all hosts.
    const monitor = await waitUntil(async () => {
      const states = (await Promise.all(hosts.map(async (h) => (await h.get('/monitor/state')).json()))) as {
        hosts?: { instanceId: string; self: boolean; tickets: number }[];
        queues: { mode: string; waiting: number; sharedWaiting?: number }[];
      }[];
      return states.every((m) => m.hosts?.length === 3 && m.queues.some((q) => q.sharedWaiting === 1))
        ? states
        : undefined;
    }, 'the hosts and the shared queue on every monitor');
    for (const [i, state] of monitor.entries()) {
      expect(state.hosts!.map((h) => h.instanceId)).toEqual(['host-a', 'host-b', 'host-c']);
      expect(state.hosts!.filter((h) => h.self).map((h) => h.instanceId)).toEqual([`host-${'abc'[i]}`]);
      expect(state.hosts!.map((h) => h.tickets)).toEqual([0, 1, 0]);
      expect(state.queues.find((q) => q.mode === 'duel')).toMatchObject({ waiting: i === 1 ? 1 : 0, sharedWaiting: 1 });
    }
  });

  it('brings back the groups of a host killed while it holds them, and matches everyone else exactly once', async () => {
    const redis = await startRedisServer();
    // Hosts a and b run one game at a time (their players never join it: it ends after the empty-game timeout, 5 s).
    const oneGame = ['--max-games', '1', '--no-show-limit', '0'];
    const a = await host(redis, { instanceId: 'host-a', extra: oneGame });
    const b = await host(redis, { instanceId: 'host-b', extra: oneGame });
    // Host c claims groups but cannot start their games: its fork server is stopped (SIGSTOP), so its launches
    // hang until it is killed. No warm pool: nothing could start there anyway.
    const c = await host(redis, {
      instanceId: 'host-c',
      extra: ['--warm-pool', '0', '--log-level', 'debug', '--redis-lease', '12s'],
    });
    for (const pid of c.children()) process.kill(pid, 'SIGSTOP');
    // A player waiting on c, alone in its mode: it dies with c, and must leave the queue with it.
    expect(await firstPosition(await join(c, 'lonely-c', 'trio'))).toBe(1);
    // Four duels of players on a and b: a and b take one each, c the next ones (up to its starts in flight).
    const duels: WireClient[] = [];
    for (let i = 0; i < 8; i++) {
      const server = [a, b][i % 2]!;
      duels.push(await join(server, `d${i}-${server === a ? 'a' : 'b'}`, 'duel'));
    }
    await waitUntil(
      () => c.logs.some((l) => l.msg === 'game starting'),
      'host c to claim a group of players of hosts a and b',
      { timeoutMs: 15_000 },
    );
    const claimedByC = c.logs.filter((l) => l.msg === 'game starting').flatMap((l) => l['players'] as string[]);
    expect(claimedByC.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    c.destroy();
    // c's missed heartbeats (2 s) give its claims back, well within their lease (12 s).
    const recoveries = async (): Promise<number> => {
      const counts = await Promise.all([a, b].map((s) => s.metric('proj_queue_recoveries_total{kind="groups"}')));
      return counts.reduce<number>((sum, n) => sum + (n ?? 0), 0);
    };
    await waitUntil(async () => (await recoveries()) >= 1, "c's claims to come back", { timeoutMs: 12_000 });
    expect(Date.now() - killedAt).toBeLessThan(12_000);
    // c's waiting player is gone from the queue: the next trio player is first.
    expect(await firstPosition(await join(a, 'next-a', 'trio'))).toBe(1);
    // Every player of a and b gets exactly one match-found, those c held included (a and b start their games as
    // their first games end).
    await Promise.all(duels.map((d) => d.next('matchFound', 30_000)));
    for (const d of duels) expect(matchFounds(d)).toHaveLength(1);
    const games = new Map<string, number>();
    for (const d of duels) {
      const id = matchFounds(d)[0]!.gameId;
      games.set(id, (games.get(id) ?? 0) + 1);
    }
    expect([...games.values()].every((n) => n === 2)).toBe(true);
    expect(games.size).toBe(4);
  });

  for (const appendOnly of [true, false]) {
    it(`survives a Redis restart ${appendOnly ? 'with' : 'without'} its data: nobody lost or matched twice`, async () => {
      const redis = await startRedisServer({ appendOnly });
      const a = await host(redis, { instanceId: 'host-a' });
      const b = await host(redis, { instanceId: 'host-b' });
      const first = await join(a, 'first-a', 'trio');
      expect(await firstPosition(first)).toBe(1);
      const second = await join(b, 'second-b', 'trio');
      expect(await firstPosition(second)).toBe(2);

      await redis.kill();
      await waitUntil(async () => (await a.get('/readyz')).status === 503, 'host a to be unready', {
        timeoutMs: 10_000,
      });
      const refused = await join(b, 'while-down', 'trio');
      const error = await refused.next('error', 10_000);
      expect(error.code).toBe(QUEUE_UNAVAILABLE);
      // The players who were waiting are still connected and waiting.
      expect(first.closed || second.closed).toBe(false);

      await redis.restart();
      await Promise.all(
        [a, b].map((s) =>
          waitUntil(async () => (await s.get('/readyz')).status === 200, 'the hosts to be ready again', {
            timeoutMs: 15_000,
          }),
        ),
      );
      const third = await join(a, 'third-a', 'trio');
      await Promise.all([first, second, third].map((p) => p.next('matchFound', 20_000)));
      for (const p of [first, second, third]) expect(matchFounds(p)).toHaveLength(1);
      expect(new Set([first, second, third].map((p) => matchFounds(p)[0]!.gameId)).size).toBe(1);
    });
  }
});
