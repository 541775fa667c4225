import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HAS_PROC,
  REPO_ROOT,
  type ServerProcess,
  descendants,
  destroyAll,
  freeUdpPorts,
  isAlive,
  startServer,
  waitUntil,
} from '@proj/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR, ensureBuilt } from './helpers/build.js';
import { GameOverReason, UdpPlayer, UdpType, WireClient } from './helpers/wire-client.js';

// `pnpm start` puts pnpm -> sh -c -> pnpm -> sh -c between whoever stops the server and the server. A SIGKILL of pnpm
// reaches nobody else, and a SIGTERM of pnpm only its `sh -c`, which dies of it: without a watch on its launchers, the
// server and its games would run on, orphaned. Here the built bin runs under a real pnpm, through the package's
// `serve` script (`pnpm start` without its build step: pnpm -> sh -c -> node), and pnpm is SIGKILLed or SIGTERMed.

const dir = mkdtempSync(join(tmpdir(), 'proj-server-launcher-'));
const clients: (WireClient | UdpPlayer)[] = [];

beforeAll(() => ensureBuilt(), 240_000);
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  destroyAll();
});

/** Writes a config file of one duel mode (whose players may take their time to join) and returns its path. */
function duelConfig(name: string, warmPool: number): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({ modes: { duel: { playersPerGame: 2, gameOptions: { joinTimeoutMs: 60_000 } } }, warmPool }),
  );
  return path;
}

/** Two players matched in a duel, both connected to its child over UDP. */
async function playDuel(server: ServerProcess): Promise<{ gameId: string; udpPlayers: UdpPlayer[] }> {
  const players = await Promise.all(['ann', 'bob'].map((name) => WireClient.join(server.tcpPort, name, 'duel')));
  clients.push(...players);
  const matches = await Promise.all(players.map((p) => p.next('matchFound')));
  const udpPlayers = await Promise.all(matches.map((m) => UdpPlayer.connect(m.port, m.token)));
  clients.push(...udpPlayers);
  await waitUntil(
    () => udpPlayers.every((p) => p.received.includes(UdpType.accepted)),
    'both players accepted over UDP',
  );
  return { gameId: matches[0]!.gameId, udpPlayers };
}

describe('a wrapper that passes Ctrl-C on', () => {
  it('SIGTERM and SIGINT at once (pnpm exec turns Ctrl-C into a SIGTERM, the terminal sends SIGINT) are one drain, not "a second signal"', async () => {
    const udp = await freeUdpPorts(2);
    const server = await startServer(
      [
        '--port',
        '0',
        '--admin-port',
        '0',
        '--udp-ports',
        udp.join(','),
        '--drain-timeout',
        '1s',
        '--config',
        duelConfig('coalesce', 0),
      ],
      {
        PROJ_LOG_LEVEL: 'debug',
      },
    );
    const { gameId, udpPlayers } = await playDuel(server);
    server.proc.kill('SIGTERM');
    server.proc.kill('SIGINT');
    const ended = await server.waitForLog(
      (l) => l.msg === 'game ended' && l['gameId'] === gameId,
      'the game to be stopped after the drain',
    );
    expect(ended['reason']).toBe('SHUTDOWN');
    expect(await server.waitForExit()).toEqual({ code: 0, signal: null });
    expect(server.logs.some((l) => typeof l.msg === 'string' && l.msg.includes('again: killing'))).toBe(false);
    expect(
      server.logs.some(
        (l) => typeof l.msg === 'string' && l.msg.includes('right after the first signal: the same stop request'),
      ),
    ).toBe(true);
    await waitUntil(
      () => udpPlayers.every((p) => p.gameOverReasons.includes(GameOverReason.SERVER_SHUTDOWN)),
      'a game over for each player',
    );
  });
});

describe.runIf(HAS_PROC)('the server started through a wrapper', () => {
  it.each(['SIGKILL', 'SIGTERM'] as const)(
    '%s of pnpm stops the games at once, tells their players, and leaves no process behind',
    async (signal) => {
      const udp = await freeUdpPorts(3);
      const config = duelConfig(signal, 1);
      const server = await startServer(
        [
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
        ],
        { PROJ_LOG_LEVEL: 'debug' },
        {
          command: ['pnpm', '--silent', 'run', 'serve'],
          cwd: APP_DIR,
        },
      );
      expect(server.serverPid).not.toBe(server.pid);
      const watching = await server.waitForLog(
        (l) => l.msg === 'watching the wrappers this server was started by',
        'the launcher watch',
      );
      expect(watching['launchers']).toContain(server.pid);

      const { gameId, udpPlayers } = await playDuel(server);
      await waitUntil(async () => (await server.metric('proj_warm_children')) === 1, 'the warm pool to refill');
      const children = descendants(server.serverPid);
      server.children(); // remembered for the cleanup, whatever happens
      expect(children.length).toBeGreaterThanOrEqual(2); // the game's child and a warm one

      server.proc.kill(signal);
      await server.waitForLog(
        (l) => l.msg === 'the wrapper this server was started by is gone: stopping the games now',
        'the server to notice',
      );
      // A drain of 10 minutes was configured: the games are stopped at once all the same, and their players told why.
      await waitUntil(() => udpPlayers.every((p) => p.gameOverReasons.length > 0), 'a gameOver packet for each player');
      for (const p of udpPlayers) expect(new Set(p.gameOverReasons)).toEqual(new Set([GameOverReason.SERVER_SHUTDOWN]));
      const ended = await server.waitForLog((l) => l.msg === 'game ended' && l['gameId'] === gameId, 'the game to end');
      expect(ended['reason']).toBe('SHUTDOWN');
      await server.waitForLog((l) => l.msg === 'server stopped', 'the server to stop');
      await waitUntil(
        () => !isAlive(server.serverPid) && children.every((pid) => !isAlive(pid)),
        'the server and every child to be gone',
        10_000,
      );
    },
  );
});

describe('pnpm start, stopped by Ctrl-C', () => {
  // The terminal sends SIGINT to the whole job: pnpm, pnpm again and the server. The scripts exec rather than leave an
  // `sh -c` in between, which would die of the signal and make pnpm report `ELIFECYCLE Command failed` after a clean
  // drain.
  it('drains, exits 0 through both pnpm, and pnpm reports no failure', async () => {
    const udp = await freeUdpPorts(2);
    const server = await startServer(
      ['--port', '0', '--admin-port', '0', '--udp-ports', udp.join(','), '--warm-pool', '1'],
      {},
      // Builds first if turbo's cache misses (a source changed since the last build).
      { command: ['pnpm', 'start'], cwd: REPO_ROOT, processGroup: true, readyTimeoutMs: 240_000 },
    );
    process.kill(-server.pid, 'SIGINT');
    expect(await server.waitForExit()).toEqual({ code: 0, signal: null });
    expect(server.logs.some((l) => l.msg === 'server stopped' && l['signal'] === 'SIGINT')).toBe(true);
    expect(`${server.stdout}${server.stderr}`).not.toMatch(/ELIFECYCLE|ERR_PNPM|Command failed/);
  }, 300_000);
});
