// End-to-end: @proj/client-sdk against the real server (apps/server's bin, run as a separate process from
// source: orchestrator + real game children over real TCP and UDP). These tests live here, not in
// packages/client-sdk, because the SDK's tests may not reach apps/server (boundary rule) and this app may.
import {
  type ArenaDirection,
  ArenaEventType,
  ClientError,
  GameOverReason,
  connect,
  decodeArenaEvent,
  encodeArenaInput,
  findMatch,
  type GameSession,
  type MatchFound,
} from '@proj/client-sdk';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  type RunResult,
  SOURCE_ARGS,
  type ServerProcess,
  runProcess,
  stopAll,
  waitUntil,
} from '@proj/test-utils';
import { startTestServer } from './helpers/test-server.js';

const sessions: GameSession[] = [];
let server: ServerProcess;

beforeAll(async () => {
  server = await startTestServer({
    modes: {
      duel: { playersPerGame: 2, gameOptions: { timeLimitMs: 3000, scoreToWin: 1000 } },
      long: { playersPerGame: 2, gameOptions: { timeLimitMs: 120_000, scoreToWin: 1000 } },
      quad: { playersPerGame: 4 },
    },
    args: ['--warm-pool', '2'],
  });
}, 90_000);

afterAll(async () => {
  for (const s of sessions) await s.close();
  await stopAll();
}, 60_000);

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientError);
  return error as ClientError;
}

async function pair(mode: string): Promise<[MatchFound, MatchFound]> {
  const [a, b] = await Promise.all([
    findMatch({ host: '127.0.0.1', port: server.tcpPort, name: `${mode}-a`, mode }),
    findMatch({ host: '127.0.0.1', port: server.tcpPort, name: `${mode}-b`, mode }),
  ]);
  return [a, b];
}

describe('the SDK against the real server', { timeout: 90_000 }, () => {
  it('two clients find a match and play a whole game to game over', async () => {
    const positions: number[] = [];
    const [a, b] = await Promise.all([
      findMatch({
        host: '127.0.0.1',
        port: server.tcpPort,
        name: 'ada',
        mode: 'duel',
        onQueued: (q) => positions.push(q.position),
      }),
      findMatch({ host: '127.0.0.1', port: server.tcpPort, name: 'bob', mode: 'duel' }),
    ]);
    expect(a.gameId).toBe(b.gameId);
    expect(new Set([a.slot, b.slot]).size).toBe(2);
    expect(a.port).toBe(b.port);
    expect(a.host).toBe('127.0.0.1');
    expect(a.mode).toBe('duel');
    expect(positions.every((p) => p === 1 || p === 2)).toBe(true);
    const [sa, sb] = await Promise.all([connect(a), connect(b)]);
    sessions.push(sa, sb);
    const welcomes: number[] = [];
    for (const s of [sa, sb]) {
      s.on('event', (e) => {
        const event = decodeArenaEvent(e.data);
        if (event.type === ArenaEventType.WELCOME) welcomes.push(event.yourSlot);
      });
      // Walk around: the game must take the input (any direction, every snapshot or so).
      s.on('snapshot', (snap) => {
        if (snap.tick % 10 === 0)
          s.sendInput(encodeArenaInput({ direction: (((snap.tick / 10) % 4) + 1) as ArenaDirection, dashCounter: 0 }));
      });
    }
    const [ga, gb] = await Promise.all([sa.waitForGameOver(), sb.waitForGameOver()]);
    for (const g of [ga, gb]) {
      expect(g.reason).toBe(GameOverReason.COMPLETED);
      const results = decodeArenaEvent(g.data);
      expect(results.type).toBe(ArenaEventType.GAME_OVER);
      if (results.type === ArenaEventType.GAME_OVER)
        expect(results.standings.map((s) => s.slot).sort()).toEqual([0, 1]);
    }
    expect(welcomes.sort()).toEqual([a.slot, b.slot].sort());
    for (const s of [sa, sb]) {
      const stats = s.stats();
      expect(stats.snapshotsReceived).toBeGreaterThan(20);
      expect(stats.rttMs).toBeGreaterThanOrEqual(0);
      expect(stats.lossDown).toBeLessThan(0.5);
      expect(s.ended?.kind).toBe('gameOver');
    }
  });

  it("the README's complete example (examples/arena-bot.ts) runs: two copies find a match and play it to game over", async () => {
    const example = join(REPO_ROOT, 'packages', 'client-sdk', 'examples', 'arena-bot.ts');
    const run = (name: string): Promise<RunResult> =>
      runProcess([process.execPath, ...SOURCE_ARGS, example], {
        cwd: REPO_ROOT,
        env: { GAME_PORT: String(server.tcpPort), GAME_MODE: 'duel', GAME_NAME: name },
        timeoutMs: 60_000,
        what: `examples/arena-bot.ts as ${name}`,
      });
    const results = await Promise.all([run('readme-a'), run('readme-b')]);
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^board \d+x\d+$/m);
      expect(r.stdout).toMatch(/^game over \(COMPLETED\), standings/m);
      expect(r.stdout).toMatch(/^rtt [\d.]+ ms, loss [\d.]+% up, [\d.]+% down$/m);
    }
    expect(results.some((r) => /^in queue, position 1$/m.test(r.stdout))).toBe(true);
  });

  it('cancels while queued: E_ABORTED, and the server drops the player from its queue', async () => {
    const controller = new AbortController();
    let queued = false;
    const pending = findMatch({
      host: '127.0.0.1',
      port: server.tcpPort,
      name: 'lonely',
      mode: 'quad',
      signal: controller.signal,
      onQueued: () => (queued = true),
    });
    await waitUntil(() => queued, 'the queued message');
    expect(await server.metric('proj_queue_length{mode="quad"}')).toBe(1);
    controller.abort();
    expect((await failure(pending)).code).toBe('E_ABORTED');
    await waitUntil(async () => (await server.metric('proj_queue_length{mode="quad"}')) === 0, 'the queue to empty');
  });

  it('reports queue positions, and updates them when a player ahead leaves', async () => {
    const seen = new Map<string, number[]>();
    const controllers = new Map<string, AbortController>();
    const pending: Promise<unknown>[] = [];
    const join = async (name: string): Promise<void> => {
      const controller = new AbortController();
      controllers.set(name, controller);
      seen.set(name, []);
      const onQueued = (q: { position: number }): void => void seen.get(name)!.push(q.position);
      pending.push(
        findMatch({
          host: '127.0.0.1',
          port: server.tcpPort,
          name,
          mode: 'quad',
          signal: controller.signal,
          onQueued,
        }).catch((e: unknown) => e),
      );
      await waitUntil(() => seen.get(name)!.length > 0, `${name} queued`);
    };
    try {
      for (const name of ['q-1', 'q-2', 'q-3']) await join(name);
      expect([...seen.values()]).toEqual([[1], [2], [3]]);
      controllers.get('q-1')!.abort();
      await waitUntil(() => seen.get('q-2')!.at(-1) === 1 && seen.get('q-3')!.at(-1) === 2, 'the positions to move up');
      expect(seen.get('q-2')).toEqual([2, 1]);
      expect(seen.get('q-3')).toEqual([3, 2]);
    } finally {
      for (const c of controllers.values()) c.abort();
      const results = await Promise.all(pending);
      for (const r of results) expect(r).toMatchObject({ code: 'E_ABORTED' });
      await waitUntil(async () => (await server.metric('proj_queue_length{mode="quad"}')) === 0, 'the queue to empty');
    }
  });

  it('reconnects within the token lifetime from a new socket and keeps playing', async () => {
    const [a, b] = await pair('long');
    const [sa, sb] = await Promise.all([connect(a), connect(b)]);
    sessions.push(sa, sb);
    await waitUntil(() => sa.stats().snapshotsReceived > 5, 'snapshots');
    const welcomes: number[] = [];
    sa.on('event', (e) => {
      const event = decodeArenaEvent(e.data);
      if (event.type === ArenaEventType.WELCOME) welcomes.push(event.yourSlot);
    });
    const port = sa.localPort;
    await sa.reconnect();
    expect(sa.localPort).not.toBe(port);
    expect(sa.state).toBe('open');
    const before = sa.stats().snapshotsReceived;
    await waitUntil(() => sa.stats().snapshotsReceived > before + 10, 'snapshots after the reconnect');
    await waitUntil(() => welcomes.length > 0, 'the welcome again');
    expect(welcomes).toEqual([a.slot]);
    expect(sb.state).toBe('open');
    await Promise.all([sa.close(), sb.close()]);
  });

  it('reports a clear E_SERVER_TIMEOUT when the game child is killed mid-game', async () => {
    const [a, b] = await pair('long');
    const [sa, sb] = await Promise.all([connect(a, { timeoutMs: 1500 }), connect(b, { timeoutMs: 1500 })]);
    sessions.push(sa, sb);
    await waitUntil(() => sa.stats().snapshotsReceived > 5 && sb.stats().snapshotsReceived > 5, 'snapshots');
    const game = await waitUntil(
      async () => (await server.games()).find((g) => g.id === a.gameId),
      'the game in /games',
    );
    process.kill(game.pid, 'SIGKILL');
    for (const s of [sa, sb]) {
      const error = await failure(s.waitForGameOver());
      expect(error.code).toBe('E_SERVER_TIMEOUT');
      expect(error.message).toMatch(/nothing heard from the game server at 127\.0\.0\.1:\d+ .*gone or unreachable/);
    }
  });
});

describe('the SDK against a server that stops mid-game', { timeout: 90_000 }, () => {
  it('server shutting down while playing: the game ends with game over SERVER_SHUTDOWN (the reason, not a timeout)', async () => {
    const stopping = await startTestServer({
      modes: { long: { playersPerGame: 2, gameOptions: { timeLimitMs: 120_000, scoreToWin: 1000 } } },
      args: ['--warm-pool', '0'],
    });
    const playing: GameSession[] = [];
    try {
      const [a, b] = await Promise.all(
        ['stay-a', 'stay-b'].map((name) =>
          findMatch({ host: '127.0.0.1', port: stopping.tcpPort, name, mode: 'long' }),
        ),
      );
      playing.push(...(await Promise.all([connect(a!), connect(b!)])));
      await waitUntil(() => playing.every((s) => s.stats().snapshotsReceived > 5), 'snapshots');
      stopping.terminate(); // drains for 1 s, then tells the child to stop: it sends gameOver SERVER_SHUTDOWN
      for (const s of playing) {
        const over = await s.waitForGameOver();
        expect(over.reason).toBe(GameOverReason.SERVER_SHUTDOWN);
        expect(over.reasonName).toBe('SERVER_SHUTDOWN');
        expect(decodeArenaEvent(over.data).type).toBe(ArenaEventType.GAME_OVER);
      }
    } finally {
      for (const s of playing) await s.close();
      await stopping.stop();
    }
  });
});

describe('the SDK against a server with short-lived tokens', { timeout: 90_000 }, () => {
  it('a reconnect after the token expired fails with E_TOKEN_EXPIRED and ends the session', async () => {
    const short = await startTestServer({
      modes: { long: { playersPerGame: 2, gameOptions: { timeLimitMs: 120_000, scoreToWin: 1000 } } },
      // Long enough for the match and the first connect on a loaded machine (a cold start there can take a second
      // or two); short enough to wait for.
      args: ['--warm-pool', '0', '--token-ttl', '5s'],
    });
    const playing: GameSession[] = [];
    try {
      const [a, b] = await Promise.all(
        ['late-a', 'late-b'].map((name) => findMatch({ host: '127.0.0.1', port: short.tcpPort, name, mode: 'long' })),
      );
      playing.push(...(await Promise.all([connect(a!), connect(b!)])));
      const [sa, sb] = playing as [GameSession, GameSession];
      await waitUntil(() => sa.stats().snapshotsReceived > 5, 'snapshots');
      await waitUntil(() => Date.now() > a!.tokenExpiresAt + 100, 'the token to expire', 10_000);
      expect(sa.state).toBe('open'); // an expired token does not end a running session
      const error = await failure(sa.reconnect());
      expect(error.code).toBe('E_TOKEN_EXPIRED');
      expect(error.denyReasonName).toBe('TOKEN_EXPIRED');
      expect(sa.ended).toMatchObject({ kind: 'failed', error: { code: 'E_TOKEN_EXPIRED' } });
      expect(sb.state).toBe('open');
    } finally {
      for (const s of playing) await s.close();
      await short.stop();
    }
  });
});

describe('the SDK against a server that refuses', { timeout: 90_000 }, () => {
  it('server full: E_SERVER_FULL with the wire code', async () => {
    const small = await startTestServer({
      modes: { quad: { playersPerGame: 4 } },
      args: ['--max-connections', '1', '--warm-pool', '0'],
    });
    try {
      const controller = new AbortController();
      let queued = false;
      const first = findMatch({
        host: '127.0.0.1',
        port: small.tcpPort,
        name: 'first',
        signal: controller.signal,
        onQueued: () => (queued = true),
      });
      await waitUntil(() => queued, 'the first player queued');
      const error = await failure(findMatch({ host: '127.0.0.1', port: small.tcpPort, name: 'second' }));
      expect(error.code).toBe('E_SERVER_FULL');
      expect(error.wireName).toBe('SERVER_FULL');
      controller.abort();
      await failure(first);
    } finally {
      await small.stop();
    }
  });

  it('server shutting down while queued: E_SHUTTING_DOWN', async () => {
    const doomed = await startTestServer({ modes: { quad: { playersPerGame: 4 } }, args: ['--warm-pool', '0'] });
    try {
      let queued = false;
      const pending = findMatch({
        host: '127.0.0.1',
        port: doomed.tcpPort,
        name: 'waiting',
        onQueued: () => (queued = true),
      });
      await waitUntil(() => queued, 'the player queued');
      doomed.terminate();
      const error = await failure(pending);
      expect(error.code).toBe('E_SHUTTING_DOWN');
      expect(error.wireName).toBe('SHUTTING_DOWN');
    } finally {
      await doomed.stop();
    }
  });
});
