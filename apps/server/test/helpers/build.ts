import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/server. */
export const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
const ROOT = join(APP_DIR, '..', '..');

/** The workspace packages the built bin runs: this app and its `workspace:` dependencies, transitively. */
function workspacePackages(dir: string, seen = new Set<string>()): Set<string> {
  if (seen.has(dir)) return seen;
  seen.add(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (!range.startsWith('workspace:')) continue;
    workspacePackages(realpathSync(join(dir, 'node_modules', name)), seen);
  }
  return seen;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function oldestOutput(dir: string): number {
  const dist = join(dir, 'dist');
  if (!existsSync(dist)) return 0;
  const files = readdirSync(dist).filter((f) => f.endsWith('.js') || f.endsWith('.cjs'));
  if (files.length === 0) return 0;
  return Math.min(...files.map((f) => statSync(join(dist, f)).mtimeMs));
}

/**
 * True when some package the bin runs has no build or sources newer than its build, or when this app's build is older
 * than the sources of any of them (its dist/game-child-entry.cjs has the game child and the protocol bundled in).
 */
function isStale(): boolean {
  const app = oldestOutput(APP_DIR);
  for (const dir of workspacePackages(APP_DIR)) {
    const built = oldestOutput(dir);
    const source = Math.max(
      newestMtime(join(dir, 'src')),
      // The monitor page's sources (apps/server/monitor), built into dist/monitor.
      newestMtime(join(dir, 'monitor')),
      newestMtime(join(dir, 'package.json')),
      newestMtime(join(dir, 'tsup.config.ts')),
    );
    if (built === 0 || source > built || source > app) return true;
  }
  return false;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Makes sure the `proj-server` bin is built and up to date with the sources of every package it runs (CI builds
 * first; a developer running the tests alone gets a build here). Builds through turbo (`^build` first), under a
 * cross-process lock so concurrent test files and test runs never build over each other.
 */
export function ensureBuilt(): void {
  if (!isStale()) return;
  const lock = join(APP_DIR, 'node_modules', '.cache', 'build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // The holder is between mkdir and writing its pid.
      }
      if (Number.isInteger(holder) && !pidAlive(holder)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      else sleepSync(250);
    }
  }
  try {
    if (isStale()) {
      execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@proj/server', '--output-logs=errors-only'], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, FORCE_COLOR: '0' },
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
