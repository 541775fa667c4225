#!/usr/bin/env node
// Runs every benchmark of the workspace (packages/*/bench/*.bench.ts, apps/*/bench/*.bench.ts),
// one at a time so they do not compete for the 2 cores, and collects what they report.
//
// Contract for a bench file: a standalone script (run with tsx) that prints, for each figure,
// one line `BENCH_RESULT {json}` where json has at least { "bench": "<pkg>/<name>" } and its
// figures (medians, percentiles, ratios). With BENCH_SMOKE=1 it must finish in seconds with tiny
// counts and assert no absolute times, so CI can run it and the suite never rots.
//
// Usage: pnpm bench [--smoke] [filter...]   (a filter matches a substring of the file's path)
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke') || process.env.BENCH_SMOKE === '1';
const filters = args.filter((a) => !a.startsWith('--'));

function benchFiles() {
  const files = [];
  for (const top of ['packages', 'apps']) {
    const topDir = join(root, top);
    if (!existsSync(topDir)) continue;
    for (const pkg of readdirSync(topDir)) {
      const dir = join(topDir, pkg, 'bench');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) if (f.endsWith('.bench.ts')) files.push(join(dir, f));
    }
  }
  return files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
}

function gitRevision() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const results = [];
const failures = [];
const tsx = join(root, 'node_modules', '.bin', 'tsx');
for (const file of benchFiles()) {
  const rel = relative(root, file);
  process.stdout.write(`\n=== ${rel}${smoke ? ' (smoke)' : ''}\n`);
  const run = spawnSync(tsx, ['--conditions=@proj/source', file], {
    cwd: root,
    env: { ...process.env, BENCH_SMOKE: smoke ? '1' : '0' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of (run.stdout ?? '').split('\n')) {
    if (line.startsWith('BENCH_RESULT ')) {
      try {
        results.push({ file: rel, ...JSON.parse(line.slice('BENCH_RESULT '.length)) });
      } catch {
        failures.push(`${rel}: unparsable BENCH_RESULT line`);
      }
    } else if (line.length > 0) {
      process.stdout.write(`${line}\n`);
    }
  }
  if (run.status !== 0) failures.push(`${rel}: exited with ${run.status ?? run.signal}`);
}

const machine = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  gitRevision: gitRevision(),
  date: new Date().toISOString(),
  smoke,
};
const outDir = join(root, 'bench-results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, smoke ? 'latest-smoke.json' : 'latest.json');
writeFileSync(outFile, JSON.stringify({ machine, results, failures }, null, 2) + '\n');

console.log(`\n=== summary (${machine.cores} cores, Node ${machine.node}, rev ${machine.gitRevision})`);
console.table(results.map(({ file, ...r }) => r));
console.log(`JSON written to ${relative(root, outFile)}`);
if (results.length === 0) failures.push('no benchmark reported any result');
if (failures.length > 0) {
  console.error(`benchmark failures:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
