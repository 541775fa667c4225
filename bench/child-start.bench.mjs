// Child start: fork-to-ready of the real game child (the very script apps/server forks for every game) beside a
// bare Node child that only boots, takes the IPC start and binds one UDP socket, interleaved round by round in the
// same run: the time from fork() to the `ready` message, the child's CPU from fork to `ready` (all its threads, read
// from /proc/<pid>/task/*/schedstat as the `ready` arrives), and its RSS and PSS once ready and idle (no player yet).
//
// Run: pnpm bench child-start   (BENCH_SMOKE=1: 3 rounds, no thresholds)
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  BARE_CHILD,
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
      }
      else if (m?.type === 'bindFailed') reject(new Error(`${entry} could not bind ${port}: ${m.message}`));
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
  const rss = rssMiB(child.pid);
  const pss = pssMiB(child.pid);
  await stop(child);
  return { ms, cpuMs, rss, pss };
}

async function main() {
  requireBuilds();
  const ports = await freeUdpRange(2);
  // One warm-up of each: the first fork pays for cold disk caches.
  await measure(GAME_CHILD_ENTRY, ports.first);
  await measure(BARE_CHILD, ports.last);
  const real = { ms: [], cpuMs: [], rss: [], pss: [] };
  const bare = { ms: [], cpuMs: [], rss: [], pss: [] };
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first so neither always runs right after the other's exit.
    const order = i % 2 === 0 ? ['real', 'bare'] : ['bare', 'real'];
    for (const which of order) {
      const r = which === 'real' ? await measure(GAME_CHILD_ENTRY, ports.first) : await measure(BARE_CHILD, ports.last);
      const into = which === 'real' ? real : bare;
      into.ms.push(r.ms);
      for (const key of ['cpuMs', 'rss', 'pss']) if (r[key] !== undefined) into[key].push(r[key]);
    }
  }
  const realS = summary(real.ms);
  const bareS = summary(bare.ms);
  const realCpu = summary(real.cpuMs);
  const bareCpu = summary(bare.cpuMs);
  const pss = round(median(real.pss), 1);
  const barePss = round(median(bare.pss), 1);
  note(`game child fork-to-ready ${JSON.stringify(realS)}; bare ${JSON.stringify(bareS)}`);
  note(`game child CPU fork-to-ready ms ${JSON.stringify(realCpu)}; bare ${JSON.stringify(bareCpu)}`);
  note(`idle RSS: game child ${median(real.rss)} MiB, bare ${median(bare.rss)} MiB`);
  note(`idle PSS: game child ${pss} MiB, bare ${barePss} MiB`);
  report({
    bench: 'system/child-fork-to-ready',
    unit: 'ms',
    rounds: ROUNDS,
    gameChild: realS,
    bareChild: bareS,
    ratioP50VsBare: ratio(realS.p50, bareS.p50),
    ratioP99VsBare: ratio(realS.p99, bareS.p99),
    idleRssMiB: median(real.rss),
    bareIdleRssMiB: median(bare.rss),
    idleRssRatioVsBare: ratio(median(real.rss), median(bare.rss)),
    idlePssMiB: pss,
    bareIdlePssMiB: barePss,
    idlePssRatioVsBare: ratio(pss, barePss),
  });
  report({
    bench: 'system/child-start-cpu',
    unit: 'ms',
    rounds: ROUNDS,
    gameChild: realCpu,
    bareChild: bareCpu,
    ratioP50VsBare: ratio(realCpu.p50, bareCpu.p50),
    ratioP99VsBare: ratio(realCpu.p99, bareCpu.p99),
  });
}

await main();
