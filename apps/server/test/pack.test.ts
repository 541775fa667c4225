import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { REPO_ROOT, type RunResult, freeUdpPorts, runProcess, startServer, stopAll } from '@proj/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';

// The published packages as a user gets them: `pnpm pack` of each (workspace: and catalog: ranges replaced,
// only their "files"), the tarballs installed with npm into a scratch project outside the workspace, every export
// loaded from there, and the client SDK's README example run from there against a real server (the repository's
// build). Catches broken "exports", missing dist files, dependencies used but not declared.

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly exports?: Record<string, unknown>;
}

/** The packages under packages/ that are published (not `"private": true`), with their directory. */
function publishedPackages(): { dir: string; manifest: Manifest }[] {
  const packages = join(REPO_ROOT, 'packages');
  return readdirSync(packages)
    .map((name) => join(packages, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** Runs node in `cwd` with nothing of this test run's environment: only PATH and `env`. */
function runNode(args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): Promise<RunResult> {
  const vars = Object.entries({ PATH: '/usr/bin:/bin', ...env }).map(([k, v]) => `${k}=${v}`);
  return runProcess(['/usr/bin/env', '-i', ...vars, process.execPath, ...args], { cwd, timeoutMs: 60_000 });
}

/**
 * Loads every export of the packages named on the command line (JSON: [[name, [subpath...]]...]) and prints, per
 * specifier, where it resolved and how many named exports it has. `./main` (a process entry: importing it would
 * run it) and `./package.json` are only resolved, their file checked.
 */
const CHECK_EXPORTS = `import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const out = [];
for (const [name, subpaths] of JSON.parse(process.argv[2])) {
  for (const subpath of subpaths) {
    const specifier = subpath === '.' ? name : name + subpath.slice(1);
    const file = fileURLToPath(import.meta.resolve(specifier));
    if (!existsSync(file)) throw new Error(specifier + ' resolves to a missing file ' + file);
    const load = subpath !== './main' && subpath !== './package.json';
    const exports = load ? Object.keys(await import(specifier)).length : -1;
    out.push({ specifier, file, exports });
  }
}
console.log(JSON.stringify(out));
`;

let root = '';

beforeAll(async () => {
  ensureBuilt();
  const filters = publishedPackages().map(({ manifest }) => `--filter=${manifest.name}`);
  const build = await runProcess(['pnpm', 'exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], {
    cwd: REPO_ROOT,
    timeoutMs: 240_000,
  });
  expect(build.code, build.stderr).toBe(0);
  root = realpathSync(mkdtempSync(join(tmpdir(), 'proj-pack-')));
}, 300_000);
afterAll(async () => {
  await stopAll();
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe('pack: the published packages work installed from their tarballs', () => {
  it('pnpm pack, npm install outside the workspace, every export loads, the SDK README example plays', async () => {
    const timings: string[] = [];
    const time = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await run();
      timings.push(`${what} ${Math.round(performance.now() - started)} ms`);
      return result;
    };
    const packages = publishedPackages();
    expect(packages.map((p) => p.manifest.name)).toContain('@proj/client-sdk');

    // 1. A tarball per published package.
    const tarballs = join(root, 'tarballs');
    await time('pnpm pack', async () => {
      for (const { dir, manifest } of packages) {
        const packed = await runProcess(['pnpm', 'pack', '--pack-destination', tarballs], {
          cwd: dir,
          timeoutMs: 60_000,
        });
        expect(packed.code, `${manifest.name}: ${packed.stderr}`).toBe(0);
      }
    });
    const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
    expect(files).toHaveLength(packages.length);

    // 2. A scratch project outside the workspace installs them with npm (third-party dependencies from the registry).
    const app = join(root, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    expect(app.startsWith(REPO_ROOT)).toBe(false);
    for (let d = dirname(app); d !== dirname(d); d = dirname(d))
      expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
    const install = await time('npm install', () =>
      runProcess(
        ['npm', 'install', '--no-audit', '--no-fund', '--prefer-offline', ...files.map((f) => join(tarballs, f))],
        { cwd: app, timeoutMs: 180_000, what: 'npm install of the tarballs' },
      ),
    );
    expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);

    // 3. Every export of every package loads from the scratch project's node_modules.
    writeFileSync(join(app, 'check-exports.mjs'), CHECK_EXPORTS);
    const wanted = packages.map(({ manifest }): [string, string[]] => [
      manifest.name,
      Object.keys(manifest.exports ?? { '.': '' }),
    ]);
    const checked = await time('imports', () => runNode(['check-exports.mjs', JSON.stringify(wanted)], app));
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    const loaded = JSON.parse(checked.stdout) as { specifier: string; file: string; exports: number }[];
    expect(loaded.length).toBe(wanted.reduce((n, [, subpaths]) => n + subpaths.length, 0));
    for (const { specifier, file, exports } of loaded) {
      expect(file.startsWith(join(app, 'node_modules') + sep), `${specifier}: ${file}`).toBe(true);
      expect(file, specifier).not.toMatch(/[/\\]src[/\\]/);
      if (exports !== -1) expect(exports, specifier).toBeGreaterThan(0);
    }

    // 4. The client SDK's README example, verbatim (plain JavaScript as written), as two players of one duel.
    const readme = readFileSync(join(REPO_ROOT, 'packages', 'client-sdk', 'README.md'), 'utf8');
    const example = /```ts\n([\s\S]*?)```\n/.exec(readme)?.[1];
    expect(example).toContain("from '@proj/client-sdk'");
    writeFileSync(join(app, 'arena-bot.mjs'), example!);
    const config = join(root, 'server.json');
    writeFileSync(
      config,
      JSON.stringify({ modes: { duel: { playersPerGame: 2, gameOptions: { timeLimitMs: 3000, scoreToWin: 1000 } } } }),
    );
    const server = await startServer([
      '--config',
      config,
      '--port',
      '0',
      '--admin-port',
      '0',
      '--udp-ports',
      (await freeUdpPorts(2)).join(','),
    ]);
    const results = await time('README example', () =>
      Promise.all(
        ['pack-a', 'pack-b'].map((name) =>
          runNode(['arena-bot.mjs'], app, { GAME_PORT: String(server.tcpPort), GAME_MODE: 'duel', GAME_NAME: name }),
        ),
      ),
    );
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^board \d+x\d+$/m);
      expect(r.stdout).toMatch(/^game over \(COMPLETED\), standings/m);
      expect(r.stdout).toMatch(/^rtt [\d.]+ ms, loss [\d.]+% up, [\d.]+% down$/m);
    }
    await server.waitForLog((l) => l.msg === 'game ended', 'game ended');
    console.log(`pack test: ${timings.join(', ')}`);
  }, 300_000);
});
