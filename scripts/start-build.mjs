#!/usr/bin/env node
// Builds a workspace package and the workspace packages it depends on through turbo, for a start script (`pnpm
// start`). Silent when turbo's cache has everything (a warm start stays quiet and fast); otherwise one line saying
// that a build runs, then one line per task as turbo starts it, and the time it took, so that the first start after
// a clone (about a minute) does not look hung. On a failure, turbo's whole output, on stderr.
//
// Usage: node scripts/start-build.mjs <package> [<what it builds, for the first line>]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The package whose build turbo starts on `line` (one line of `turbo run build --output-logs=new-only`, e.g.
 * `@proj/protocol:build: cache miss, executing 840aae0d1aa22324`), or undefined for any other line (a cache hit, a
 * task's own output, turbo's banner).
 * @param {string} line
 * @returns {string | undefined}
 */
export function taskStarted(line) {
  const match = /^(\S+?):build: cache (?:miss|bypass), (?:force )?executing\b/.exec(line);
  return match?.[1];
}

/**
 * Runs turbo's build of `pkg` (and its dependencies) and reports as described above on `out` and `err`.
 * Resolves with turbo's exit code.
 * @param {{ pkg: string, what?: string, out?: NodeJS.WritableStream, err?: NodeJS.WritableStream }} options
 * @returns {Promise<number>}
 */
export function startBuild({ pkg, what = pkg, out = process.stdout, err = process.stderr }) {
  const local = join(ROOT, 'node_modules', '.bin', 'turbo');
  const turbo = existsSync(local) ? local : 'turbo';
  const started = performance.now();
  const proc = spawn(turbo, ['run', 'build', `--filter=${pkg}`, '--output-logs=new-only'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let partial = '';
  let building = false;
  proc.stdout.on('data', (chunk) => {
    const text = chunk.toString();
    output += text;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const task = taskStarted(line);
      if (task === undefined) continue;
      if (!building) out.write(`building ${what} (first run: about a minute)...\n`);
      building = true;
      out.write(`  ${task}\n`);
    }
  });
  proc.stderr.on('data', (chunk) => (output += chunk.toString()));
  return new Promise((resolve) => {
    proc.on('error', (error) => {
      err.write(`cannot run turbo (${turbo}): ${error.message}\n`);
      resolve(1);
    });
    proc.on('close', (code, signal) => {
      if (code === 0) {
        if (building) out.write(`built in ${Math.round((performance.now() - started) / 1000)} s\n`);
        resolve(0);
        return;
      }
      err.write(`${output}\nthe build of ${pkg} failed (turbo ${signal ?? `exit code ${code}`})\n`);
      resolve(code ?? 1);
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [pkg, what] = process.argv.slice(2);
  if (pkg === undefined) {
    console.error('usage: node scripts/start-build.mjs <package> [<what it builds>]');
    process.exit(2);
  }
  process.exitCode = await startBuild({ pkg, what });
}
