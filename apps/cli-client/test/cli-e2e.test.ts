// End-to-end: the proj-play bin (from source) against the real server (apps/server's bin, a separate process):
// `play` in a real terminal (tmux), `bots` and `loadtest`.
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT, SOURCE_ARGS, type ServerProcess, cleanEnv, stopAll, waitUntil } from '@proj/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI_MAIN, runCli, startTestServer } from './helpers/test-server.js';
import { TmuxSession } from './helpers/tmux.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startTestServer({
    modes: {
      // play: a long game, so there is time to look at the board and move.
      tmuxduel: { playersPerGame: 2, gameOptions: { timeLimitMs: 120_000, scoreToWin: 1000 } },
      duel: { playersPerGame: 2, gameOptions: { timeLimitMs: 3000 } },
      // play at 80x24 to the game over screen.
      shortduel: { playersPerGame: 2, gameOptions: { timeLimitMs: 3000 } },
    },
    udpPorts: 8,
    args: ['--warm-pool', '2'],
  });
}, 90_000);

afterAll(async () => {
  await stopAll();
}, 60_000);

/** The '@' of the board: [row, column] in the pane, or undefined when no board is shown. */
function myPosition(screen: string): [number, number] | undefined {
  const lines = screen.split('\n');
  for (let row = 0; row < lines.length; row++) {
    const line = lines[row]!;
    if (!line.startsWith(' |')) continue;
    // Only the board, not the side panel at its right (which lists '@ <name>' with the scores).
    const col = line.slice(0, line.indexOf('|', 2) + 1).indexOf('@');
    if (col >= 0) return [row, col];
  }
  return undefined;
}

/**
 * `play` as a shell command that, after play exits, prints its exit code and the terminal modes (raw mode undone:
 * icanon and echo back).
 */
function playCommand(name: string, mode: string, extra: readonly string[] = []): string {
  const play = [
    'node',
    ...SOURCE_ARGS,
    CLI_MAIN,
    'play',
    '--host',
    '127.0.0.1',
    '--port',
    String(server.tcpPort),
    '--name',
    name,
    '--mode',
    mode,
    ...extra,
  ].join(' ');
  return `${play}; echo EXITED:$?; stty -a | tr ' ;' '\\n\\n' | grep -x -e -icanon -e icanon -e -echo -e echo; sleep 600`;
}

/** Waits for play's exit line and checks the terminal is as it was: main screen, cursor on, cooked mode. */
async function expectRestored(t: TmuxSession, exitCode: number): Promise<string> {
  const after = await waitUntil(
    () => {
      const screen = t.capture();
      return screen.includes('EXITED:') && screen.includes('echo') ? screen : undefined;
    },
    'play to exit',
    30_000,
  );
  expect(after).toContain(`EXITED:${exitCode}`);
  expect(after).not.toContain(' +---');
  expect(after.split('\n').map((l) => l.trim())).toEqual(expect.arrayContaining(['icanon', 'echo']));
  expect(t.flags()).toEqual({ alternate: false, cursor: true });
  return after;
}

describe('proj-play play in a real terminal (tmux)', { timeout: 90_000 }, () => {
  let tmux: TmuxSession | undefined;
  let bot: ChildProcess | undefined;

  afterEach(() => {
    tmux?.kill();
    tmux = undefined;
    bot?.kill('SIGKILL');
    bot = undefined;
  });

  it('q while queued leaves the queue, exits 0 and restores the terminal', async () => {
    tmux = new TmuxSession(playCommand('quitter', 'tmuxduel'), { cwd: REPO_ROOT, columns: 100, rows: 40 });
    const t = tmux;
    await waitUntil(() => t.capture().includes('Queued for tmuxduel: position 1'), 'the queue screen', 60_000);
    expect(await server.metric('proj_queue_length{mode="tmuxduel"}')).toBe(1);
    t.sendKeys('q');
    await expectRestored(t, 0);
    await waitUntil(
      async () => (await server.metric('proj_queue_length{mode="tmuxduel"}')) === 0,
      'the queue to empty',
    );
  });

  it('the game child killed mid-game: the end screen says E_SERVER_TIMEOUT, a key exits 1, the terminal is restored', async () => {
    tmux = new TmuxSession(playCommand('orphan', 'tmuxduel'), { cwd: REPO_ROOT, columns: 100, rows: 40 });
    const t = tmux;
    await waitUntil(() => t.capture().includes('Queued for tmuxduel: position 1'), 'the queue screen', 60_000);
    bot = spawn(
      process.execPath,
      [...SOURCE_ARGS, CLI_MAIN, 'bots', '--port', String(server.tcpPort), '--count', '1', '--mode', 'tmuxduel'],
      {
        cwd: REPO_ROOT,
        env: cleanEnv(),
        stdio: 'ignore',
      },
    );
    await waitUntil(() => myPosition(t.capture()), 'the board with my @', 60_000);
    const game = await waitUntil(
      async () => (await server.games()).find((g) => g.players.includes('orphan')),
      'the game in /games',
    );
    process.kill(game.pid, 'SIGKILL');
    const end = await waitUntil(
      () => (t.capture().includes('press any key') ? t.capture() : undefined),
      'the end screen',
      30_000,
    );
    expect(end).toContain('GAME OVER');
    expect(end.replace(/\s+/g, ' ')).toMatch(
      /nothing heard from the game server at 127\.0\.0\.1:\d+ .*\(E_SERVER_TIMEOUT\)/,
    );
    expect(t.flags()).toEqual({ alternate: true, cursor: false });
    t.sendKeys('Enter');
    await expectRestored(t, 1);
  });

  it('shows the queue, then the board, moves on an arrow key, and restores the terminal on Ctrl-C', async () => {
    tmux = new TmuxSession(playCommand('ada', 'tmuxduel'), { cwd: REPO_ROOT, columns: 100, rows: 40 });
    const t = tmux;

    await waitUntil(() => t.capture().includes('Queued for tmuxduel: position 1'), 'the queue screen', 60_000);
    expect(t.flags()).toEqual({ alternate: true, cursor: false });

    // Fill the game with a bot.
    bot = spawn(
      process.execPath,
      [...SOURCE_ARGS, CLI_MAIN, 'bots', '--port', String(server.tcpPort), '--count', '1', '--mode', 'tmuxduel'],
      {
        cwd: REPO_ROOT,
        env: cleanEnv(),
        stdio: 'ignore',
      },
    );

    const start = await waitUntil(
      () => {
        const screen = t.capture();
        return screen.includes(' +---') && screen.includes('playing') ? myPosition(screen) : undefined;
      },
      'the board with my @',
      60_000,
    );
    const board = t.capture();
    expect(board).toContain('game ');
    // Scores in the side panel at the right of the board.
    expect(board).toMatch(/^ \+-+\+ {2}scores \(to 1000\)$/m);
    expect(board).toMatch(/\| {2}@ ada \d+$/m);
    // The link line shows figures once the first acknowledgements measured a round trip (a tick or two later).
    await waitUntil(
      () => /RTT [\d.]+ ms$/m.test(t.capture()) && /loss up [\d.]+% down [\d.]+%$/m.test(t.capture()),
      'the RTT and loss figures',
      10_000,
    );
    expect(myPosition(t.capture())).toEqual(start); // nothing held: standing still

    let moved = false;
    for (const key of ['Right', 'Down', 'Left', 'Up']) {
      t.sendKeys(key);
      try {
        await waitUntil(
          () => {
            const p = myPosition(t.capture());
            return p !== undefined && (p[0] !== start[0] || p[1] !== start[1]);
          },
          `a move after ${key}`,
          5000,
        );
        moved = true;
        break;
      } catch {
        // A wall or the other player that way: try the next direction.
      }
    }
    expect(moved).toBe(true);

    t.sendKeys('C-c');
    await expectRestored(t, 0);
  });
});

/** Starts `bots` filling a game of `mode` with `count` bots (ended by the caller). */
function startBots(mode: string, count: number): ChildProcess {
  return spawn(
    process.execPath,
    [...SOURCE_ARGS, CLI_MAIN, 'bots', '--port', String(server.tcpPort), '--count', String(count), '--mode', mode],
    { cwd: REPO_ROOT, env: cleanEnv(), stdio: 'ignore' },
  );
}

/** The keys line, the last row of the play screen. */
const KEYS = ' arrows/WASD move   space dash   x stop   q quit';

/** The pane's lines, wrapped lines joined (so a line wider than the pane shows its real length). */
function joinedLines(t: TmuxSession): string[] {
  return t.capture({ joined: true }).replace(/\n$/, '').split('\n');
}

describe('proj-play play fits an 80x24 terminal (tmux)', { timeout: 90_000 }, () => {
  let tmux: TmuxSession | undefined;
  let bot: ChildProcess | undefined;

  afterEach(() => {
    tmux?.kill();
    tmux = undefined;
    bot?.kill('SIGKILL');
    bot = undefined;
  });

  it('queue screen, then header, board, RTT and keys on 24 rows; a resize notice at 60x20; back at 80x24', async () => {
    tmux = new TmuxSession(playCommand('ada', 'tmuxduel', ['--per-game', '2']), {
      cwd: REPO_ROOT,
      columns: 80,
      rows: 24,
    });
    const t = tmux;
    const queue = await waitUntil(
      () => (t.capture().includes('Queued for tmuxduel') ? t.capture() : undefined),
      'the queue screen',
      60_000,
    );
    expect(queue).toContain(' Queued for tmuxduel: position 1 of 2, waiting for up to 1 more player');
    expect(queue).toContain(' To fill the game with bots, run in another terminal:');
    expect(queue).toContain(`   pnpm bots --port ${server.tcpPort} --mode tmuxduel --count 1`);
    expect(joinedLines(t).every((l) => l.length <= 80)).toBe(true);

    bot = startBots('tmuxduel', 1);
    // A whole frame: the board with @, the RTT figure and the keys on the last row (tmux may show a frame half
    // drawn when it is captured mid-write).
    const lines = await waitUntil(
      () => {
        const pane = joinedLines(t);
        const whole = pane[23] === KEYS && myPosition(pane.join('\n')) !== undefined;
        return whole && pane.some((l) => /RTT [\d.]+ ms$/.test(l)) ? pane : undefined;
      },
      'the board with the RTT and the keys',
      60_000,
    );
    expect(lines).toHaveLength(24);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    // The header on the first row, with the game id cut to 8 characters.
    expect(lines[0]).toMatch(
      /^ proj arena {2}game \S{1,8} {2}(playing|waiting for players) {2}time \d+:\d\d {2}you: @ ada$/,
    );
    expect(lines[1]).toMatch(/^ \+-+\+ {2}scores \(to 1000\)$/);
    expect(lines.some((l) => /\| {2}RTT [\d.]+ ms$/.test(l))).toBe(true);
    expect(lines.some((l) => /\| {2}loss up [\d.]+% down [\d.]+%$/.test(l))).toBe(true);
    expect(lines[23]).toBe(KEYS);

    // Smaller than the board needs: a notice naming the size, nothing wrapped.
    t.resize(60, 20);
    const notice = await waitUntil(
      () => (t.capture().includes('Resize the terminal') ? t.capture() : undefined),
      'the resize notice',
      10_000,
    );
    expect(notice.replace(/\s+/g, ' ')).toMatch(/The terminal is 60x20; this \d+x\d+ board needs at least \d+x\d+\./);
    expect(notice).toMatch(/Resize the terminal to at least \d+x2[0-9]\./);
    expect(notice).not.toContain('+---');
    expect(joinedLines(t).every((l) => l.length <= 60)).toBe(true);

    // Back to 80x24: the board again (redrawn on the resize, not only on the next game event).
    t.resize(80, 24);
    await waitUntil(
      () => joinedLines(t)[23] === KEYS && myPosition(t.capture()) !== undefined,
      'the board and the keys after resizing back',
      10_000,
    );

    t.sendKeys('q');
    await expectRestored(t, 0);
  });

  it('the game over screen fits 80x24 and a key exits', async () => {
    tmux = new TmuxSession(playCommand('eve', 'shortduel'), { cwd: REPO_ROOT, columns: 80, rows: 24 });
    const t = tmux;
    const queue = await waitUntil(
      () => (t.capture().includes('Queued for shortduel') ? t.capture() : undefined),
      'the queue screen',
      60_000,
    );
    // Without --per-game the client does not know K: no count, but the command to fill in.
    expect(queue.replace(/\s+/g, ' ')).toContain(
      "A game of shortduel starts when enough players wait (the server's ready line says how many).",
    );
    expect(queue).toContain(`   pnpm bots --port ${server.tcpPort} --mode shortduel --count <players missing>`);
    bot = startBots('shortduel', 1);
    const end = await waitUntil(
      () => (t.capture().includes('press any key') ? t.capture() : undefined),
      'the end screen',
      60_000,
    );
    expect(end).toMatch(/^ GAME OVER {2}game \S{1,8}$/m);
    expect(end).toContain('time up (COMPLETED)');
    expect(end).toMatch(/^ [12]\. @ eve {2}\d+ {2}<- you$/m);
    expect(joinedLines(t).every((l) => l.length <= 80)).toBe(true);
    t.sendKeys('Enter');
    await expectRestored(t, 0);
  });
});

describe('proj-play bots and loadtest', { timeout: 90_000 }, () => {
  it('bots complete their games', async () => {
    const { code, stdout, stderr } = await runCli([
      'bots',
      '--port',
      String(server.tcpPort),
      '--count',
      '4',
      '--mode',
      'duel',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.filter((l) => /^bot-\d {2}game .* COMPLETED/.test(l))).toHaveLength(4);
    expect(lines.at(-1)).toBe('bots: 4 bots, 4 games played (2 distinct games completed), 0 failed');
  });

  it('loadtest reports time-to-match and time-to-game percentiles, games completed and no errors (JSON)', async () => {
    const { code, stdout, stderr } = await runCli([
      'loadtest',
      '--port',
      String(server.tcpPort),
      '--mode',
      'duel',
      '--clients',
      '5',
      '--rate',
      '20',
      '--per-game',
      '2',
      '--json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown> & {
      timeToMatchMs: Record<string, number>;
      timeToGameMs: Record<string, number>;
      connectToQueuedMs: Record<string, number>;
    };
    expect(report).toMatchObject({
      clients: 5,
      perGame: 2,
      gamesExpected: 2,
      gamesCompleted: 2,
      playersCompleted: 4,
      unmatched: 1,
      errors: {},
    });
    for (const d of [report.timeToMatchMs, report.timeToGameMs]) {
      expect(d.count).toBe(4);
      expect(d.p50).toBeGreaterThan(0);
      expect(d.p50! <= d.p95! && d.p95! <= d.p99! && d.p99! <= d.max!).toBe(true);
    }
    expect(report.timeToGameMs.p50).toBeGreaterThanOrEqual(report.timeToMatchMs.p50!);
    // Every client was queued, the unmatched one too; being queued comes before the match.
    expect(report.connectToQueuedMs.count).toBe(5);
    expect(report.connectToQueuedMs.p50).toBeLessThanOrEqual(report.timeToMatchMs.max!);
    expect(report['snapshotsReceived']).toBeGreaterThan(0);
    expect(stderr).toMatch(/started 5\/5 .* done 5/);
  });

  it('loadtest prints a summary table', async () => {
    const { code, stdout } = await runCli([
      'loadtest',
      '--port',
      String(server.tcpPort),
      '--mode',
      'duel',
      '--clients',
      '2',
      '--rate',
      '50',
      '--per-game',
      '2',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^loadtest: 2 clients at 50\/s, 2 per game, mode duel/);
    expect(stdout).toMatch(/time to match +[\d.]+ m?s/);
    expect(stdout).toMatch(/time to game +[\d.]+ m?s/);
    expect(stdout).toContain('games completed');
    expect(stdout).toMatch(/errors +none/);
  });
});
