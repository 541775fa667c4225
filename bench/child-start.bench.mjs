// Child start: fork-to-ready of the real game child (the very script apps/server forks for every game) beside a
// bare Node child that only boots, takes the IPC start and binds one UDP socket (as an ES module, and as CommonJS
// like the server's bundled entry), interleaved round by round in the same run: the time from fork() to the `ready`
// message, the child's CPU from fork to `ready` (all its threads, read from /proc/<pid>/task/*/schedstat as the
// `ready` arrives), and its RSS and PSS once ready and idle (no player yet). PSS shares a page's cost among the
// processes that map it, so it moves with whatever else runs Node on the machine: compare it within one run.
//
// Run: pnpm bench child-start   (BENCH_SMOKE=1: 3 rounds, no thresholds)
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  BARE_CHILD,
  BARE_CHILD_CJS,
  GAME_CHILD_ENTRY,
  freeUdpRange,
  median,
  note,
  pssMiB,
  ratio,
  report,
  requireBuilds,
  round,
  rssMiB,
  sleep,
  smoke,
  summary,
  threadsCpuMs,
} from './support.mjs';

const ROUNDS = smoke ? 3 : 40;
/** How long a ready child idles before its RSS is read (start-up garbage settles). */
const SETTLE_MS = smoke ? 100 : 300;

let gameNo = 0;

/**
 * Forks `entry` as ForkSpawner does, sends a start for `port`, resolves at `ready` with the time, the child's CPU
 * so far (ms, all threads) and the child.
 */
function forkToReady(entry, port) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = fork(entry, [], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'json',
    });
    const gameId = `bench-${++gameNo}`;
    child.on('message', (m) => {
      if (m?.type === 'ready') {
        const ms = performance.now() - started;
        resolve({ ms, cpuMs: threadsCpuMs(child.pid), child });
      } else if (m?.type === 'bindFailed') reject(new Error(`${entry} could not bind ${port}: ${m.message}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before ready`)));
    child.send({
      type: 'start',
      ipcVersion: 1,
      game: {
        gameId,
        mode: 'arena',
        bindHost: '127.0.0.1',
        port,
        players: [
          { slot: 0, name: 'p0' },
          { slot: 1, name: 'p1' },
          { slot: 2, name: 'p2' },
          { slot: 3, name: 'p3' },
        ],
        secretBase64: randomBytes(32).toString('base64'),
        tokenExpiresAt: Date.now() + 30_000,
        options: {},
      },
    });
  });
}

/** Asks a child to stop, then SIGKILLs it if it has not exited within 3 s; resolves once it is gone. */
function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      child.send({ type: 'shutdown', reason: 'poolShrink', graceMs: 0 });
    } catch {
      child.kill('SIGKILL');
    }
  });
}

async function measure(entry, port) {
  const { ms, cpuMs, child } = await forkToReady(entry, port);
  await sleep(SETTLE_MS);
  // The CPU of the whole start, up to the settled idle: with what a child does right after `ready` (the game child
  // loads node:crypto then, see prewarmTokens in @proj/game-child).
  const settledCpuMs = threadsCpuMs(child.pid);
  const rss = rssMiB(child.pid);
  const pss = pssMiB(child.pid);
  await stop(child);
  return { ms, cpuMs, settledCpuMs, rss, pss };
}

/** One start of each variant per round, in a rotating order so that none always runs right after another's exit. */
const VARIANTS = [
  { key: 'gameChild', entry: GAME_CHILD_ENTRY },
  { key: 'bareChild', entry: BARE_CHILD },
  { key: 'bareChildCjs', entry: BARE_CHILD_CJS },
];

async function main() {
  requireBuilds();
  const ports = await freeUdpRange(VARIANTS.length);
  const runs = VARIANTS.map((v, i) => ({
    ...v,
    port: ports.first + i,
    ms: [],
    cpuMs: [],
    settledCpuMs: [],
    rss: [],
    pss: [],
  }));
  // One warm-up of each: the first fork pays for cold disk caches.
  for (const run of runs) await measure(run.entry, run.port);
  for (let i = 0; i < ROUNDS; i++) {
    for (let j = 0; j < runs.length; j++) {
      const run = runs[(i + j) % runs.length];
      const r = await measure(run.entry, run.port);
      run.ms.push(r.ms);
      for (const key of ['cpuMs', 'settledCpuMs', 'rss', 'pss']) if (r[key] !== undefined) run[key].push(r[key]);
    }
  }
  const [game, bare, bareCjs] = runs.map((run) => ({
    time: summary(run.ms),
    cpu: summary(run.cpuMs),
    settledCpu: summary(run.settledCpuMs),
    rss: median(run.rss),
    pss: round(median(run.pss), 1),
  }));
  for (const [name, r] of [
    ['game child', game],
    ['bare child (ESM)', bare],
    ['bare child (CJS)', bareCjs],
  ]) {
    note(`${name}: fork-to-ready ms ${JSON.stringify(r.time)}`);
    note(`${name}: CPU fork-to-ready ms ${JSON.stringify(r.cpu)}; idle RSS ${r.rss} MiB, PSS ${r.pss} MiB`);
    note(`${name}: CPU fork to ${SETTLE_MS} ms after ready ${JSON.stringify(r.settledCpu)}`);
  }
  const versus = (pick) => ({
    ratioP50VsBare: ratio(pick(game).p50, pick(bare).p50),
    ratioP99VsBare: ratio(pick(game).p99, pick(bare).p99),
    ratioP50VsBareCjs: ratio(pick(game).p50, pick(bareCjs).p50),
    ratioP99VsBareCjs: ratio(pick(game).p99, pick(bareCjs).p99),
  });
  report({
    bench: 'system/child-fork-to-ready',
    unit: 'ms',
    rounds: ROUNDS,
    gameChild: game.time,
    bareChild: bare.time,
    bareChildCjs: bareCjs.time,
    ...versus((r) => r.time),
    idleRssMiB: game.rss,
    bareIdleRssMiB: bare.rss,
    idleRssRatioVsBare: ratio(game.rss, bare.rss),
    idlePssMiB: game.pss,
    bareIdlePssMiB: bare.pss,
    bareCjsIdlePssMiB: bareCjs.pss,
    idlePssRatioVsBare: ratio(game.pss, bare.pss),
  });
  report({
    bench: 'system/child-start-cpu',
    unit: 'ms',
    rounds: ROUNDS,
    gameChild: game.cpu,
    bareChild: bare.cpu,
    bareChildCjs: bareCjs.cpu,
    ...versus((r) => r.cpu),
  });
  report({
    bench: 'system/child-start-cpu-settled',
    unit: 'ms',
    rounds: ROUNDS,
    settleMs: SETTLE_MS,
    gameChild: game.settledCpu,
    bareChild: bare.settledCpu,
    bareChildCjs: bareCjs.settledCpu,
    ...versus((r) => r.settledCpu),
  });
}

await main();
