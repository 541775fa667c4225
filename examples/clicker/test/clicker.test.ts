// The clicker race end to end, as a user runs it: the built server loads the built game module (by --game, and by
// a mode's "game" in a config file), headless bots play it to its end and read the winner from the game over, and a
// Ctrl-C (SIGINT to the server's process group) drains: the bots get a game over with the result, not a timeout.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT, freeUdpPorts, startServer, stopAll, waitUntil } from '@proj/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickerBotReport, NO_WINNER, playClicker } from '../src/index.js';

const GAME = join(REPO_ROOT, 'examples', 'clicker', 'dist', 'clicker-game.js');

beforeAll(() => {
  // The server and this example as a user runs them: built (turbo skips what is up to date).
  execFileSync(
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=@proj/server',
      '--filter=@proj/example-clicker',
      '--output-logs=errors-only',
    ],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
}, 240_000);
afterAll(() => stopAll());

describe('the clicker example on the built server', () => {
  it('runs by --game: two bots play to the end, the faster one wins and both read it from the game over', async () => {
    const udp = await freeUdpPorts(2);
    const server = await startServer(
      ['--port', '0', '--admin-port', '0', '--udp-ports', udp.join(','), '--modes', 'clicker:2', '--game', GAME],
      {},
      { cwd: REPO_ROOT },
    );
    expect(server.logs.find((l) => l.msg === 'game module checked')).toMatchObject({
      mode: 'clicker',
      gameModule: GAME,
    });
    const bot = (name: string, pace: number): Promise<ClickerBotReport> =>
      playClicker({ host: '127.0.0.1', port: server.tcpPort, name, pace });
    const [fast, slow] = await Promise.all([bot('fast', 1), bot('slow', 3)]);
    expect(fast).toMatchObject({
      reasonName: 'COMPLETED',
      won: true,
      rules: { pressesToWin: 30, timeLimitMs: 60_000 },
    });
    expect(slow).toMatchObject({ reasonName: 'COMPLETED', won: false });
    expect(slow.outcome).toEqual(fast.outcome);
    const { winner, standings } = fast.outcome!;
    expect(winner).toBe(fast.slot);
    expect(standings[0]).toEqual({ slot: fast.slot, score: 30 });
    expect(standings[1]!.slot).toBe(slow.slot);
    expect(standings[1]!.score).toBeGreaterThan(0);
    expect(standings[1]!.score).toBeLessThan(20);
    const ended = await server.waitForLog((l) => l.msg === 'game ended', 'the game to end');
    expect(ended['reason']).toBe('GAME_OVER');
  });

  it('runs by a mode\'s "game" in a config file; Ctrl-C drains: the bots get a game over with the scores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clicker-e2e-'));
    const config = join(dir, 'server.json');
    writeFileSync(
      config,
      JSON.stringify({
        modes: { race: { playersPerGame: 2, game: relative(dir, GAME), gameOptions: { pressesToWin: 65_535 } } },
        warmPool: 1,
      }),
    );
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
        '500ms',
        '--config',
        config,
      ],
      {},
      { processGroup: true, ownedDir: dir },
    );
    let scores: readonly number[] = [];
    const bots = ['ann', 'bob'].map((name) =>
      playClicker({
        host: '127.0.0.1',
        port: server.tcpPort,
        name,
        mode: 'race',
        onState: (state) => (scores = state.scores.map((s) => s.score)),
      }),
    );
    // Playing: both bots scored.
    await waitUntil(() => scores.length === 2 && scores.every((s) => s > 0), 'both bots to score', 20_000);
    process.kill(-server.pid, 'SIGINT');
    const [ann, bob] = await Promise.all(bots); // a E_SERVER_TIMEOUT would reject here
    for (const report of [ann!, bob!]) {
      expect(report).toMatchObject({ reasonName: 'SERVER_SHUTDOWN', rules: { pressesToWin: 65_535 } });
      expect(report.outcome!.standings).toHaveLength(2);
      expect(report.outcome!.standings[0]!.score).toBeGreaterThan(0);
    }
    expect(ann!.outcome).toEqual(bob!.outcome);
    const [first, second] = ann!.outcome!.standings;
    expect(ann!.outcome!.winner).toBe(first!.score === second!.score ? NO_WINNER : first!.slot);
    expect(await server.waitForExit()).toEqual({ code: 0, signal: null });
    const exits = server.logs.filter((l) => l.msg === 'child process exited');
    expect(exits.filter((l) => l['signal'] === 'SIGINT')).toEqual([]);
  });
});
