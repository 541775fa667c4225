import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HAS_PROC,
  type ServerProcess,
  destroyAll,
  freeUdpPorts,
  isAlive,
  startServer,
  waitUntil,
} from '@proj/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';
import { GameOverReason, UdpPlayer, UdpType, WireClient } from './helpers/wire-client.js';

// The built bin started as a user would (flags, environment, config file), on free ports, with real TCP and UDP
// players. Every wait is for an event or a condition, with generous deadlines: never for a fixed time.

const dir = mkdtempSync(join(tmpdir(), 'proj-server-it-'));
const clients: (WireClient | UdpPlayer)[] = [];

beforeAll(() => ensureBuilt(), 240_000);
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  destroyAll();
});

/** Writes a config file with the modes' game options and returns its path. */
function configFile(name: string, values: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(values));
  return path;
}

async function join2(server: ServerProcess, mode: string, names: [string, string]): Promise<WireClient[]> {
  const players = await Promise.all(names.map((n) => WireClient.join(server.tcpPort, n, mode)));
  clients.push(...players);
  return players;
}

describe('the built bin', () => {
  it('starts with flags and env, serves the admin endpoints and prints how to join', async () => {
    const udp = await freeUdpPorts(3);
    const server = await startServer(
      ['--port', '0', '--admin-port', '0', '--udp-ports', udp.join(','), '--warm-pool', '1'],
      {
        PROJ_MODES: 'duel:2,arena:4',
        PROJ_LOG_LEVEL: 'debug',
      },
    );
    const join = await server.waitForLog((l) => typeof l['join'] === 'string', 'the join hint');
    expect(join['join']).toBe(
      `pnpm --filter @proj/cli-client start play --host 127.0.0.1 --port ${server.tcpPort} --per-game 2`,
    );
    expect(join.msg).toContain('to join, run: pnpm --filter @proj/cli-client start play');
    // The default mode is duel (the first of PROJ_MODES): one bot completes a game.
    expect(join['bots']).toBe(
      `pnpm --filter @proj/cli-client start bots --host 127.0.0.1 --port ${server.tcpPort} --count 1`,
    );
    expect(join.msg).toContain(
      `duel games start with 2 players; to fill one with bots, also run: ${join['bots'] as string}`,
    );

    const health = await server.get('/healthz');
    expect(health.status).toBe(200);
    const ready = await server.get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'listening', ready: true });
    // hostCpu appears once the host was sampled twice (500 ms apart).
    expect(await (await server.get('/games')).json()).toMatchObject({
      count: 0,
      games: [],
      admission: { open: true, reason: 'open', startsInFlight: 0, worstTickLateMs: 0 },
    });

    expect(await server.metric('proj_ports_total')).toBe(3);
    expect(await server.metric('proj_games_max')).toBe(3);
    expect(await server.metric('proj_queue_length{mode="duel"}')).toBe(0);
    expect(await server.metric('proj_queue_length{mode="arena"}')).toBe(0);
    await waitUntil(async () => (await server.metric('proj_warm_children')) === 1, 'a warm child');
    expect(await server.metric('proj_child_processes')).toBe(1);
  });

  it('/metrics values move as clients queue, misbehave, match and play', async () => {
    const udp = await freeUdpPorts(2);
    // Short games: the arena ends after 1 s of play.
    const config = configFile('play.json', {
      modes: { duel: { playersPerGame: 2, gameOptions: { timeLimitMs: 1000, joinTimeoutMs: 10_000 } } },
      warmPool: 0,
      logLevel: 'debug',
    });
    const server = await startServer(['--port', '0', '--admin-port', '0', '--udp-ports', udp.join(',')], {
      PROJ_CONFIG: config,
    });

    const ann = await WireClient.join(server.tcpPort, 'ann', 'duel');
    clients.push(ann);
    expect((await ann.next('queued')).position).toBe(1);
    expect(await server.metric('proj_queue_length{mode="duel"}')).toBe(1);
    expect(await server.metric('proj_clients_connected')).toBe(1);
    expect(await server.metric('proj_players_queued_total{mode="duel"}')).toBe(1);

    // A client that sends garbage is closed with an error frame and counted.
    const rogue = await WireClient.connect(server.tcpPort);
    clients.push(rogue);
    rogue.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 1]));
    await rogue.next('error');
    await rogue.whenClosed();
    await waitUntil(
      async () => ((await server.metric('proj_frames_rejected_total{reason="FRAME_TOO_LARGE"}')) ?? 0) >= 1,
      'a rejected frame',
    );

    const bob = await WireClient.join(server.tcpPort, 'bob', 'duel');
    clients.push(bob);
    const [a, b] = await Promise.all([ann.next('matchFound'), bob.next('matchFound')]);
    expect(a.gameId).toBe(b.gameId);
    expect(udp).toContain(a.port);
    expect(new Set([a.slot, b.slot])).toEqual(new Set([0, 1]));

    expect(await server.metric('proj_games_started_total{mode="duel"}')).toBe(1);
    expect(await server.metric('proj_time_to_match_seconds_count{mode="duel"}')).toBe(1);
    expect(await server.metric('proj_spawn_seconds_count{warm="false"}')).toBe(1);
    expect(await server.metric('proj_queue_length{mode="duel"}')).toBe(0);
    expect(await server.metric('proj_games_running')).toBe(1);
    expect(await server.metric('proj_ports_free')).toBe(1);
    const games = (await (await server.get('/games')).json()) as {
      count: number;
      games: { id: string; port: number; players: string[]; ageMs: number; pid: number; state: string }[];
    };
    expect(games.count).toBe(1);
    expect(games.games[0]).toMatchObject({ id: a.gameId, port: a.port, players: ['ann', 'bob'], state: 'running' });
    expect(games.games[0]!.ageMs).toBeGreaterThanOrEqual(0);
    expect(games.games[0]!.pid).toBeGreaterThan(0);

    // Both players join the child over UDP; the game plays its second and ends.
    const players = await Promise.all([UdpPlayer.connect(a.port, a.token), UdpPlayer.connect(b.port, b.token)]);
    clients.push(...players);
    await waitUntil(() => players.every((p) => p.received.includes(UdpType.accepted)), 'both players accepted');
    await waitUntil(() => players.every((p) => p.received.includes(UdpType.snapshot)), 'snapshots');
    await server.waitForLog((l) => l.msg === 'game ended' && l['gameId'] === a.gameId, 'the game to end');
    await waitUntil(
      async () =>
        (await server.metric('proj_child_exits_total{reason="GAME_OVER"}')) === 1 &&
        (await server.metric('proj_games_running')) === 0 &&
        (await server.metric('proj_ports_free')) === 2,
      'the child exit to be counted and its port to be free again',
    );
    expect(await server.metric('proj_game_duration_seconds_count{mode="duel"}')).toBe(1);
    // hostCpu appears once the host was sampled twice (500 ms apart).
    expect(await (await server.get('/games')).json()).toMatchObject({
      count: 0,
      games: [],
      admission: { open: true, reason: 'open', startsInFlight: 0, worstTickLateMs: 0 },
    });

    const ended = server.logs.find((l) => l.msg === 'game ended')!;
    expect(ended).toMatchObject({ gameId: a.gameId, mode: 'duel', port: a.port, reason: 'GAME_OVER', exitCode: 0 });
  });

  it('/metrics show a port that cannot be bound quarantined, its players requeued, then matched once it is back', async () => {
    const [port] = await freeUdpPorts(1);
    const holder = createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(port, '127.0.0.1', resolve));
    try {
      const server = await startServer([
        '--port',
        '0',
        '--admin-port',
        '0',
        '--udp-ports',
        String(port),
        '--modes',
        'duel:2',
        '--warm-pool',
        '0',
        '--quarantine',
        '300ms',
      ]);
      const [ann, bob] = await join2(server, 'duel', ['ann', 'bob']);
      await server.waitForLog(
        (l) => l.msg === 'port quarantined: the child could not bind it',
        'the port to be quarantined',
      );
      expect(await server.metric('proj_ports_quarantined_total')).toBeGreaterThanOrEqual(1);
      expect(await server.metric('proj_game_launch_failures_total{reason="bindFailed"}')).toBeGreaterThanOrEqual(1);
      await waitUntil(
        async () => ((await server.metric('proj_child_exits_total{reason="BIND_FAILED"}')) ?? 0) >= 1,
        'the child exit to be counted',
      );
      expect(await server.metric('proj_games_started_total{mode="duel"}')).toBeUndefined();
      expect(ann!.messages.some((m) => m.type === 'matchFound')).toBe(false);
      await new Promise<void>((resolve) => holder.close(() => resolve()));
      const [a, b] = await Promise.all([ann!.next('matchFound'), bob!.next('matchFound')]);
      expect([a.port, b.port]).toEqual([port, port]);
      expect(await server.metric('proj_games_started_total{mode="duel"}')).toBe(1);
      expect(await server.metric('proj_ports_quarantined')).toBe(0);
      expect(await server.metric('proj_ports_free')).toBe(0);
    } finally {
      try {
        holder.close();
      } catch {
        // Closed above.
      }
    }
  });

  it('SIGTERM with games running: queued players are told, games are stopped after the drain with a game over to their players, exit 0', async () => {
    const udp = await freeUdpPorts(2);
    const config = configFile('drain.json', {
      modes: { duel: { playersPerGame: 2, gameOptions: { joinTimeoutMs: 60_000 } } },
    });
    const server = await startServer(
      [
        '--port',
        '0',
        '--admin-port',
        '0',
        '--udp-ports',
        udp.join(','),
        '--drain-timeout',
        '1500ms',
        '--config',
        config,
      ],
      {
        PROJ_WARM_POOL: '1',
      },
    );
    const [ann, bob] = await join2(server, 'duel', ['ann', 'bob']);
    const match = await ann!.next('matchFound');
    const bobMatch = await bob!.next('matchFound');
    const waiting = await WireClient.join(server.tcpPort, 'cat', 'duel');
    clients.push(waiting);
    await waiting.next('queued');
    const gamePid = ((await (await server.get('/games')).json()) as { games: { pid: number }[] }).games[0]!.pid;
    const children = HAS_PROC ? server.children() : [];
    const players = await Promise.all([
      UdpPlayer.connect(match.port, match.token),
      UdpPlayer.connect(bobMatch.port, bobMatch.token),
    ]);
    clients.push(...players);
    await waitUntil(
      () => players.every((p) => p.received.includes(UdpType.accepted)),
      'both players accepted over UDP',
    );

    server.proc.kill('SIGTERM');
    const shuttingDown = await waiting.next('error');
    expect(shuttingDown.code).toBe(9); // SHUTTING_DOWN
    await server.waitForLog((l) => l.msg === 'shutdown: draining', 'the drain to begin');
    await server.waitForLog((l) => l.msg === 'shutdown: stopping', 'the drain deadline');
    const ended = await server.waitForLog(
      (l) => l.msg === 'game ended' && l['gameId'] === match.gameId,
      'the game to be stopped',
    );
    expect(ended['reason']).toBe('SHUTDOWN');
    // Each player was told why the game ended, over UDP.
    await waitUntil(() => players.every((p) => p.gameOverReasons.length > 0), 'a gameOver packet for each player');
    for (const p of players) expect(new Set(p.gameOverReasons)).toEqual(new Set([GameOverReason.SERVER_SHUTDOWN]));
    const exit = await server.waitForExit();
    expect(exit).toEqual({ code: 0, signal: null });
    const phases = server.logs
      .filter((l) => typeof l.msg === 'string' && l.msg.startsWith('shutdown: '))
      .map((l) => l['phase']);
    expect(phases).toEqual(['draining', 'stopping', 'closed']);
    expect(server.logs.some((l) => l.msg === 'server stopped')).toBe(true);
    if (HAS_PROC) {
      expect(children).toContain(gamePid);
      await waitUntil(() => children.every((pid) => !isAlive(pid)), 'every child to be gone', 10_000);
    }
  });

  it.runIf(HAS_PROC)('SIGKILL of the server leaves no child game process running a few seconds later', async () => {
    const udp = await freeUdpPorts(3);
    const config = configFile('kill.json', {
      modes: { duel: { playersPerGame: 2, gameOptions: { joinTimeoutMs: 60_000 } } },
    });
    const server = await startServer([
      '--port',
      '0',
      '--admin-port',
      '0',
      '--udp-ports',
      udp.join(','),
      '--warm-pool',
      '2',
      '--config',
      config,
    ]);
    const [ann, bob] = await join2(server, 'duel', ['ann', 'bob']);
    const match = await ann!.next('matchFound');
    await bob!.next('matchFound');
    // One game running, plus the warm pool refilled: every kind of child is alive.
    await waitUntil(async () => (await server.metric('proj_warm_children')) === 2, 'the warm pool to refill');
    const gamePid = ((await (await server.get('/games')).json()) as { games: { pid: number }[] }).games[0]!.pid;
    const children = server.children();
    expect(children).toContain(gamePid);
    expect(children.length).toBeGreaterThanOrEqual(3);
    const players = await Promise.all([UdpPlayer.connect(match.port, match.token)]);
    clients.push(...players);

    server.proc.kill('SIGKILL');
    await server.waitForExit();
    await waitUntil(
      () => children.every((pid) => !isAlive(pid)),
      'every child to exit after the server was killed',
      10_000,
    );
  });

  it('Ctrl-C in a terminal (SIGINT to the whole process group) drains: games are not killed by the signal', async () => {
    const udp = await freeUdpPorts(2);
    const config = configFile('ctrl-c.json', {
      modes: { duel: { playersPerGame: 2, gameOptions: { joinTimeoutMs: 60_000 } } },
      warmPool: 1,
    });
    const server = await startServer(
      ['--port', '0', '--admin-port', '0', '--udp-ports', udp.join(','), '--drain-timeout', '1s', '--config', config],
      { PROJ_LOG_LEVEL: 'debug' },
      { processGroup: true },
    );
    const [ann, bob] = await join2(server, 'duel', ['ann', 'bob']);
    const match = await ann!.next('matchFound');
    await bob!.next('matchFound');
    process.kill(-server.pid, 'SIGINT');
    const ended = await server.waitForLog(
      (l) => l.msg === 'game ended' && l['gameId'] === match.gameId,
      'the game to be stopped',
    );
    expect(ended['reason']).toBe('SHUTDOWN');
    expect(await server.waitForExit()).toEqual({ code: 0, signal: null });
    const exits = server.logs.filter((l) => l.msg === 'child process exited');
    expect(exits.length).toBeGreaterThanOrEqual(1);
    expect(exits.filter((l) => l['signal'] === 'SIGINT')).toEqual([]);
  });

  it('a second SIGINT during the drain kills the games and exits at once', async () => {
    const udp = await freeUdpPorts(2);
    const config = configFile('twice.json', {
      modes: { duel: { playersPerGame: 2, gameOptions: { joinTimeoutMs: 60_000 } } },
      warmPool: 0,
    });
    const server = await startServer([
      '--port',
      '0',
      '--admin-port',
      '0',
      '--udp-ports',
      udp.join(','),
      '--drain-timeout',
      '10m',
      '--config',
      config,
    ]);
    const [ann, bob] = await join2(server, 'duel', ['ann', 'bob']);
    await ann!.next('matchFound');
    await bob!.next('matchFound');
    const children = HAS_PROC ? server.children() : [];
    server.proc.kill('SIGINT');
    await server.waitForLog((l) => l.msg === 'shutdown: draining', 'the drain to begin');
    expect((await server.get('/readyz')).status).toBe(503);
    // Signals right after the first are the same request (see wrappers.test.ts); the server says when that is over.
    await server.waitForLog((l) => l.msg === 'send the signal again (Ctrl-C) to stop the games at once', 'the hint');
    server.proc.kill('SIGINT');
    const exit = await server.waitForExit();
    expect(exit.code).toBe(1);
    expect(server.logs.some((l) => l.msg === 'SIGINT again: killing the remaining games and exiting now')).toBe(true);
    if (HAS_PROC) await waitUntil(() => children.every((pid) => !isAlive(pid)), 'every child to be gone', 10_000);
  });
});
