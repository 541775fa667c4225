import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { taskStarted } from './start-build.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const script = join(repoRoot, 'scripts', 'start-build.mjs');

describe('taskStarted', () => {
  it("names the package of a task turbo starts, and nothing for the other lines (turbo 2's stream output)", () => {
    expect(taskStarted('@proj/protocol:build: cache miss, executing 840aae0d1aa22324')).toBe('@proj/protocol');
    expect(taskStarted('@proj/port-ring:build: cache bypass, force executing 5c14aa78a59eb325')).toBe(
      '@proj/port-ring',
    );
    for (const line of [
      '@proj/server:build: cache hit, suppressing logs 4384375c0cfacc65',
      '@proj/port-ring:build: ESM ⚡️ Build success in 75ms',
      '@proj/port-ring:build: > tsup',
      '   • Running build in 1 package',
      ' Tasks:    7 successful, 7 total',
    ])
      expect(taskStarted(line), line).toBeUndefined();
  });
});

describe('scripts/start-build.mjs', () => {
  it('is silent and quick when turbo has every task cached; says what it builds, task by task, otherwise', () => {
    // Whether turbo's cache has @proj/port-ring's build (CI builds before the tests; a source edited since then
    // misses): both ways are the script's job.
    const dry = spawnSync(
      join(repoRoot, 'node_modules', '.bin', 'turbo'),
      ['run', 'build', '--filter=@proj/port-ring', '--dry=json'],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    const tasks = (JSON.parse(dry.stdout) as { tasks: { command: string; cache: { status: string } }[] }).tasks;
    // A package without a build script (test-utils, a dev dependency) is listed as a miss but never runs.
    const cached = tasks.every((t) => t.command === '<NONEXISTENT>' || t.cache.status === 'HIT');
    const started = performance.now();
    const run = spawnSync(process.execPath, [script, '@proj/port-ring', 'the port ring'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    if (cached) {
      expect(run.stdout).toBe('');
      expect(performance.now() - started).toBeLessThan(10_000);
    } else {
      expect(run.stdout).toMatch(/^building the port ring \(first run: about a minute\)\.\.\.\n {2}@proj\/port-ring\n/);
      expect(run.stdout).toMatch(/\nbuilt in \d+ s\n$/);
    }
  });

  it("prints turbo's output and fails when the build fails", () => {
    const run = spawnSync(process.execPath, [script, '@proj/no-such-package'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("No package found with name '@proj/no-such-package'");
    expect(run.stderr).toContain('the build of @proj/no-such-package failed (turbo exit code 1)');
  });
});
