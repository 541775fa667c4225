#!/usr/bin/env node
// Runs every benchmark of the workspace (packages/*/bench/*.bench.ts, apps/*/bench/*.bench.ts, and the system
// benchmarks bench/*.bench.mjs that drive the built server and cli-client as processes), one at a time so they do
// not compete for the 2 cores, and collects what they report. It builds first (turbo, cached), since several
// benchmarks fork the built programs.
//
// Contract for a bench file: a standalone script (run with tsx) that prints, for each figure,
// one line `BENCH_RESULT {json}` where json has at least { "bench": "<pkg>/<name>" } and its
// figures (medians, percentiles, ratios). With BENCH_SMOKE=1 it must finish in seconds with tiny
// counts and assert no absolute times, so CI can run it and the suite never rots.
//
// Usage: pnpm bench [--smoke] [filter...]   (a filter matches a substring of the file's path from the repository root)
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
  const systemDir = join(root, 'bench');
  if (existsSync(systemDir)) {
    for (const f of readdirSync(systemDir).sort()) if (/\.bench\.(ts|mjs)$/.test(f)) files.push(join(systemDir, f));
  }
  for (const top of ['packages', 'apps']) {
    const topDir = join(root, top);
    if (!existsSync(topDir)) continue;
    for (const pkg of readdirSync(topDir)) {
      const dir = join(topDir, pkg, 'bench');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) if (f.endsWith('.bench.ts')) files.push(join(dir, f));
    }
  }
  // Matched against the path from the root: a checkout's own path (say /work/burst/) must not match every file.
  return files.filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)));
}

function gitRevision() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

if (!args.includes('--no-build')) {
  process.stdout.write('=== build (turbo, cached)\n');
  const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) {
    console.error('build failed: benchmarks not run');
    process.exit(1);
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

console.log(`\n=== summary (${machine.cores} cores, ${machine.cpu}, Node ${machine.node}, rev ${machine.gitRevision})`);
console.log(formatSummary(results));
console.log(`JSON written to ${relative(root, outFile)}`);
if (results.length === 0) failures.push('no benchmark reported any result');
if (failures.length > 0) {
  console.error(`benchmark failures:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}

/**
 * One block per result: its name, then its figures as `key value` pairs wrapped to the terminal (no 3,000-column
 * table).
 */
function formatSummary(rows) {
  const width = Math.max(80, process.stdout.columns ?? 120);
  const flat = (value) => {
    if (value === null || value === undefined) return '-';
    if (Array.isArray(value)) return value.length > 6 ? `[${value.length} items]` : JSON.stringify(value);
    if (typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length === 0) return '{}';
      return entries.map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ');
    }
    return String(value);
  };
  const blocks = [];
  for (const { file, bench, smoke: _smoke, ...figures } of rows) {
    const lines = [`${bench ?? file}`];
    let line = '   ';
    for (const [key, value] of Object.entries(figures)) {
      const cell = ` ${key}: ${flat(value)};`;
      if (line.length + cell.length > width && line.trim().length > 0) {
        lines.push(line);
        line = '   ';
      }
      line += cell;
    }
    if (line.trim().length > 0) lines.push(line);
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n');
}
