import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  REPO_ROOT,
  type ServerProcess,
  cleanEnv,
  destroyAll,
  freeUdpPorts,
  startServer,
  waitUntil,
} from '@proj/test-utils';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchBrowser } from './helpers/browser.js';
import { ensureBuilt } from './helpers/build.js';

// The monitor page in a real headless Chromium, against the built server with real game children, and real bots (the
// built cli-client's `bots` command) as players. Every wait is for a condition on the page or the server.

const CLI_BIN = join(REPO_ROOT, 'apps', 'cli-client', 'dist', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'proj-monitor-it-'));
const bots: ChildProcess[] = [];
let browser: TestBrowser;

beforeAll(async () => {
  ensureBuilt();
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run pnpm build`);
  browser = await launchBrowser();
}, 240_000);
afterEach(() => {
  for (const bot of bots.splice(0)) bot.kill('SIGKILL');
  destroyAll();
});
afterAll(() => browser?.close());

/** Starts `count` bots (one process) that queue for `mode` on the server and play one game each. */
function runBots(server: ServerProcess, mode: string, count: number, prefix: string): ChildProcess {
  const bot = spawn(
    process.execPath,
    [
      CLI_BIN,
      'bots',
      '--port',
      String(server.tcpPort),
      '--mode',
      mode,
      '--count',
      String(count),
      '--name-prefix',
      prefix,
    ],
    { env: cleanEnv({}), stdio: 'ignore' },
  );
  bots.push(bot);
  return bot;
}

/** The server, with a config file: a 2-player mode whose games last 3 s, and one whose games last 2 minutes. */
async function startMonitoredServer(extraArgs: readonly string[] = []): Promise<ServerProcess> {
  const udp = await freeUdpPorts(4);
  const config = join(dir, `config-${udp[0]}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      modes: {
        quick: { playersPerGame: 2, gameOptions: { timeLimitMs: 3_000 } },
        long: { playersPerGame: 2, gameOptions: { timeLimitMs: 120_000, scoreToWin: 60_000 } },
      },
    }),
  );
  return startServer([
    '--config',
    config,
    '--port',
    '0',
    '--admin-port',
    '0',
    '--udp-ports',
    udp.join(','),
    '--warm-pool',
    '0',
    ...extraArgs,
  ]);
}

const waiting = (page: Page, mode: string): Promise<string | null> =>
  page.locator(`#queues [data-mode="${mode}"] [data-field="waiting"]`).textContent();

/** The games the server lists (its JSON endpoint), to compare the page with. */
async function serverGames(server: ServerProcess): Promise<{ id: string; mode: string; port: number }[]> {
  return ((await (await server.get('/games')).json()) as { games: { id: string; mode: string; port: number }[] }).games;
}

describe('the monitor page', () => {
  it('shows the queue, the port ring and the games live, and ends a game with its button', async () => {
    const server = await startMonitoredServer();
    const { page } = await browser.open();
    await page.goto(`${server.adminUrl}/`);

    // The ring: one cell per UDP port, all free; the queues of both modes, empty; no game.
    await waitUntil(async () => (await page.locator('#ring [data-port]').count()) === 4, 'four ring cells');
    expect(await page.locator('#ring [data-state="free"]').count()).toBe(4);
    await waitUntil(async () => (await waiting(page, 'long')) === '0', 'the long queue, empty');
    expect(await waiting(page, 'quick')).toBe('0');
    expect(await page.locator('#games [data-game-id]').count()).toBe(0);

    // One bot waits: the page shows it in the queue of its mode.
    runBots(server, 'long', 1, 'first');
    await waitUntil(async () => (await waiting(page, 'long')) === '1', 'one player waiting in long', 30_000);

    // A second one: a game starts. Its row and its port's cell appear, with the game's id.
    runBots(server, 'long', 1, 'second');
    const game = await waitUntil(async () => (await serverGames(server))[0], 'a game on the server', 30_000);
    const row = page.locator(`#games [data-game-id="${game.id}"]`);
    await waitUntil(async () => (await row.count()) === 1, 'the game in the games table', 30_000);
    const cell = page.locator(`#ring [data-port="${game.port}"]`);
    await waitUntil(async () => (await cell.getAttribute('data-state')) === 'in-use', 'its port cell in use');
    expect(await cell.getAttribute('data-game-id')).toBe(game.id);
    expect(await page.locator('#ring [data-state="free"]').count()).toBe(3);
    await waitUntil(async () => (await waiting(page, 'long')) === '0', 'the queue empty again');
    expect(await row.textContent()).toContain('long');
    expect(await row.textContent()).toContain(String(game.port));

    // End it from the page, with a reason: the server ends the game, the row and the cell go back.
    await row.locator('[data-action="end-game"]').click();
    const confirm = page.locator(`#games [data-confirm-for="${game.id}"]`);
    await confirm.locator('input[name="reason"]').fill('ended by the browser test');
    await confirm.locator('[data-action="confirm-end"]').click();
    await waitUntil(async () => (await row.getAttribute('data-state')) === 'ending', 'the row shown as ending');
    const ended = await server.waitForLog(
      (l) => l.msg === 'game ended' && l['gameId'] === game.id,
      'the game ended by the page',
      30_000,
    );
    expect(ended['endRequest']).toBe('ended by the browser test');
    await waitUntil(async () => (await row.count()) === 0, 'the row gone', 30_000);
    await waitUntil(async () => (await cell.getAttribute('data-state')) === 'free', 'its port free again');

    // A quick game comes and goes by itself, and the charts count it.
    runBots(server, 'quick', 2, 'quick');
    const quick = await waitUntil(
      async () => (await serverGames(server)).find((g) => g.mode === 'quick'),
      'a quick game',
      30_000,
    );
    const quickRow = page.locator(`#games [data-game-id="${quick.id}"]`);
    await waitUntil(async () => (await quickRow.count()) === 1, 'the quick game on the page', 30_000);
    await waitUntil(async () => (await quickRow.count()) === 0, 'the quick game gone at its end', 30_000);
    expect(await page.locator('#charts svg').count()).toBeGreaterThanOrEqual(2);

    expect(browser.errors).toEqual([]);
  }, 180_000);

  it('with --admin-token: the browser needs the token at its login prompt, then the page works', async () => {
    const token = 'monitor-test-token-0123456789';
    const server = await startMonitoredServer(['--admin-token', token]);

    // No credentials: 401 with a Basic challenge (the browser's login prompt), and no page.
    const denied = await fetch(`${server.adminUrl}/`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toContain('Basic');

    const { page } = await browser.open({ httpCredentials: { username: 'ops', password: token } });
    const answer = await page.goto(`${server.adminUrl}/`);
    expect(answer?.status()).toBe(200);
    await waitUntil(async () => (await page.locator('#ring [data-port]').count()) === 4, 'the ring, live');
    runBots(server, 'long', 2, 'token');
    const game = await waitUntil(async () => {
      const res = await fetch(`${server.adminUrl}/games`, { headers: { authorization: `Bearer ${token}` } });
      return ((await res.json()) as { games: { id: string }[] }).games[0];
    }, 'a game');
    const row = page.locator(`#games [data-game-id="${game.id}"]`);
    await waitUntil(async () => (await row.count()) === 1, 'the game on the page', 30_000);
    // Its button waits for the game to run (a starting game cannot be ended yet); the click waits for the button.
    await row.locator('[data-action="end-game"]').click();
    await page.locator(`#games [data-confirm-for="${game.id}"] [data-action="confirm-end"]`).click();
    await server.waitForLog((l) => l.msg === 'game ended' && l['gameId'] === game.id, 'the game ended', 30_000);

    // A wrong password gets nothing.
    const { page: intruder } = await browser.open({ httpCredentials: { username: 'ops', password: `${token}x` } });
    expect((await intruder.goto(`${server.adminUrl}/`))?.status()).toBe(401);
  }, 120_000);
});
