import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import {
  HAS_PROC,
  REPO_ROOT,
  type ServerProcess,
  destroyAll,
  freeUdpPortRange,
  runProcess,
  startServer,
  waitUntil,
} from '@proj/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';
import { GameOverReason, UdpPlayer, UdpType, WireClient } from './helpers/wire-client.js';

// The production bundle of apps/README.md's "Deploy notes", as an operator makes it: `pnpm deploy` of the built
// server into a directory outside the repository, then the server run from that directory alone (a clean
// environment, its cwd the bundle, a config file beside it as /etc/proj-server.json would be) and one duel played
// on it over real TCP and UDP.

/** The documented command, minus the target directory (see apps/server/README.md, "Deploy notes"). */
const DEPLOY_COMMAND = [
  'pnpm',
  '--config.inject-workspace-packages=true',
  '--filter',
  '@proj/server',
  'deploy',
  '--prod',
] as const;

let root = '';
const clients: (WireClient | UdpPlayer)[] = [];

beforeAll(() => {
  ensureBuilt();
  root = realpathSync(mkdtempSync(join(tmpdir(), 'proj-deploy-')));
}, 240_000);
afterAll(() => {
  for (const c of clients.splice(0)) c.close();
  destroyAll();
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

/** Every symlink under `dir` whose target (resolved) lies outside `dir`, as "link -> target". */
function linksLeaving(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) {
        const target = existsSync(p) ? realpathSync(p) : '(dangling)';
        if (!target.startsWith(dir + sep)) out.push(`${p} -> ${target}`);
      } else if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** The absolute paths on a process's command line, its executable (node) left out. */
function pathsOnCommandLine(pid: number): string[] {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  return argv.slice(1).filter((a) => a.startsWith('/'));
}

describe('deploy: the production bundle runs on its own', () => {
  it('pnpm deploy --prod builds a bundle outside the repository that serves a game from it alone', async () => {
    const bundle = join(root, 'proj-server');
    const started = performance.now();
    const deploy = await runProcess([...DEPLOY_COMMAND, '--offline', bundle], {
      cwd: REPO_ROOT,
      timeoutMs: 120_000,
      what: 'pnpm deploy',
    });
    const deployMs = performance.now() - started;
    expect(deploy.code, `${deploy.stdout}\n${deploy.stderr}`).toBe(0);
    console.log(`pnpm deploy of the server bundle: ${Math.round(deployMs)} ms`);

    // What the bundle holds: the server's build and its workspace dependencies with their build, no dev tools, no
    // sources, and nothing that points back into the repository.
    expect(bundle.startsWith(REPO_ROOT)).toBe(false);
    const monitorFiles = ['dist/monitor/index.html', 'dist/monitor/monitor.js', 'dist/monitor/monitor.css'];
    for (const file of ['dist/main.js', 'dist/game-child-entry.cjs', 'package.json', ...monitorFiles])
      expect(existsSync(join(bundle, file)), file).toBe(true);
    for (const name of ['orchestrator', 'game-child', 'matchmaker-redis'])
      expect(existsSync(join(bundle, 'node_modules', '@proj', name, 'dist', 'index.js')), name).toBe(true);
    for (const name of ['@proj/test-utils', 'vitest', 'typescript', 'tsup'])
      expect(existsSync(join(bundle, 'node_modules', name)), name).toBe(false);
    expect(existsSync(join(bundle, 'src'))).toBe(false);
    expect(linksLeaving(bundle)).toEqual([]);
    // Node looks for packages in every node_modules above the bundle too: none may be there to help it.
    for (let d = dirname(bundle); d !== dirname(d); d = dirname(d))
      expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);

    // A --redis-url server needs the shared queue's client and ioredis: in the bundle, and loadable from it.
    const redis = await runProcess(
      [
        '/usr/bin/env',
        '-i',
        'PATH=/usr/bin:/bin',
        process.execPath,
        '--input-type=module',
        '-e',
        [
          "import { createRequire } from 'node:module';",
          "import { fileURLToPath } from 'node:url';",
          "const m = await import('@proj/matchmaker-redis');",
          "const url = import.meta.resolve('@proj/matchmaker-redis');",
          "console.log(fileURLToPath(url), Object.keys(m).length, createRequire(url).resolve('ioredis'));",
        ].join('\n'),
      ],
      { cwd: bundle },
    );
    expect(redis.stderr).toBe('');
    const [client, exportCount, ioredis] = redis.stdout.trim().split(' ');
    expect(client?.startsWith(join(bundle, 'node_modules') + sep), client).toBe(true);
    expect(client?.endsWith(join('@proj', 'matchmaker-redis', 'dist', 'index.js')), client).toBe(true);
    expect(Number(exportCount)).toBeGreaterThan(0);
    expect(ioredis?.startsWith(join(bundle, 'node_modules') + sep), ioredis).toBe(true);

    // The config file an operator writes (outside the bundle, as /etc/proj-server.json): short duels.
    const config = join(root, 'proj-server.json');
    writeFileSync(
      config,
      JSON.stringify({ modes: { duel: { playersPerGame: 2, gameOptions: { timeLimitMs: 2000 } } } }, null, 2),
    );
    const { first, last } = await freeUdpPortRange(4);
    // `env -i` execs node in its place (same pid): the server sees only PATH, none of this test run's variables.
    const server: ServerProcess = await startServer(
      [
        '--config',
        config,
        '--port',
        '0',
        '--admin-port',
        '0',
        '--udp-ports',
        `${first}-${last}`,
        '--log-format',
        'json',
      ],
      {},
      {
        command: ['/usr/bin/env', '-i', `PATH=/usr/bin:/bin`, process.execPath, join(bundle, 'dist', 'main.js')],
        cwd: bundle,
      },
    );
    expect(server.serverPid).toBe(server.pid);
    if (HAS_PROC) {
      expect(realpathSync(`/proc/${server.pid}/cwd`)).toBe(bundle);
      expect(pathsOnCommandLine(server.pid)).toEqual([join(bundle, 'dist', 'main.js'), config]);
      expect(readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0').filter(Boolean)).toEqual([
        'PATH=/usr/bin:/bin',
      ]);
    }

    // The monitor page, served from the bundle's own files.
    const page = await fetch(`${server.adminUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('monitor/monitor.js');
    expect((await fetch(`${server.adminUrl}/monitor/monitor.js`)).status).toBe(200);

    // One duel, both players over the wire: matched, accepted over UDP, then told the game is over.
    const players = await Promise.all(
      ['deploy-a', 'deploy-b'].map((name) => WireClient.join(server.tcpPort, name, 'duel')),
    );
    clients.push(...players);
    const matches = await Promise.all(players.map((p) => p.next('matchFound', 25_000)));
    expect(matches[0]!.gameId).toBe(matches[1]!.gameId);
    const udp = await Promise.all(matches.map((m) => UdpPlayer.connect(m.port, m.token)));
    clients.push(...udp);
    await waitUntil(() => udp.every((p) => p.received.includes(UdpType.accepted)), 'both players accepted');
    const gameStarted = await server.waitForLog((l) => l.msg === 'game started', 'game started');
    expect(gameStarted['gameId']).toBe(matches[0]!.gameId);
    if (HAS_PROC) {
      // The game child runs the bundle's own entry, not the repository's.
      const childPid = gameStarted['childPid'] as number;
      expect(pathsOnCommandLine(childPid)).toContain(join(bundle, 'dist', 'game-child-entry.cjs'));
      for (const pid of server.children())
        for (const path of pathsOnCommandLine(pid)) expect(path.startsWith(REPO_ROOT), path).toBe(false);
    }
    await waitUntil(() => udp.every((p) => p.received.includes(UdpType.gameOver)), 'game over for both', {
      timeoutMs: 20_000,
    });
    for (const p of udp) expect([GameOverReason.COMPLETED, GameOverReason.TIME_LIMIT]).toContain(p.gameOverReasons[0]);
    const ended = await server.waitForLog((l) => l.msg === 'game ended', 'game ended');
    expect(ended['gameId']).toBe(matches[0]!.gameId);

    // And it drains and stops on SIGTERM, as systemd stops it.
    server.terminate();
    expect(await server.waitForExit()).toEqual({ code: 0, signal: null });
    expect(server.stderr).toBe('');
  }, 180_000);
});
