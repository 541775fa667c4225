// Warm pool: what an idle warm child costs (issue 14, item 3). The built server with a fixed warm pool of N children
// and no player; once all N said idle (and start-up garbage settled), over WINDOW_MS:
// - idle CPU per warm child, in ms of CPU per second: the ns each child's threads spent on a CPU
//   (/proc/<pid>/task/*/schedstat, first field), before and after the window, which starts SETTLE_MS after the
//   pool is idle; and apart, the CPU each used while settling (one late GC of V8's memory reducer);
// - memory per warm child: PSS (Pss of /proc/<pid>/smaps_rollup: shared pages divided among the processes sharing
//   them) and USS (Private_Clean + Private_Dirty: what stopping the child would give back). Not RSS: most of a
//   child's RSS is Node's text and heap pages shared with the others;
// beside the same for a bare Node child (bench/bare-child.mjs forked with an IPC channel and no start: idle, like a
// warm child), measured over the same window. Also the CPU each had used before the window (its boot), which shows
// the readings are live.
//
// Run: pnpm bench warm-pool   (BENCH_SMOKE=1: 2 warm children, a 2 s window)
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  BARE_CHILD,
  freeUdpRange,
  median,
  note,
  ratio,
  report,
  requireBuilds,
  round,
  sleep,
  smoke,
  startServer,
  threadsCpuMs,
} from './support.mjs';

const WARM = smoke ? 2 : 8;
const WINDOW_MS = smoke ? 2_000 : 10_000;
/**
 * How long after the last idle the window starts. V8 runs one full GC (its memory reducer) in an idle child some
 * 7-8 s after it started, about 15-30 ms of CPU once; the settling period's CPU is reported on its own.
 */
const SETTLE_MS = smoke ? 500 : 12_000;

/** CPU time of every thread of `pid` so far, in ns (schedstat), or undefined when it is gone. */
const cpuNs = (pid) => {
  const ms = threadsCpuMs(pid);
  return ms === undefined ? undefined : ms * 1e6;
};

/** PSS and USS of `pid` in MiB (smaps_rollup), or undefined when it is gone. */
function memory(pid) {
  try {
    const kb = {};
    for (const line of readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n')) {
      const m = /^(\w+):\s+(\d+) kB/.exec(line);
      if (m !== null) kb[m[1]] = Number(m[2]);
    }
    return { pss: kb.Pss / 1024, uss: ((kb.Private_Clean ?? 0) + (kb.Private_Dirty ?? 0)) / 1024 };
  } catch {
    return undefined;
  }
}

/** Polls /games until the warm pool reports `n` idle children. */
async function untilIdle(server, n) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const body = await (await fetch(`${server.adminUrl}/games`)).json();
    if (body.warmPool?.idle === n && body.warmPool?.booting === 0) return;
    if (Date.now() > deadline) throw new Error(`the warm pool did not reach ${n} idle: ${JSON.stringify(body)}`);
    await sleep(100);
  }
}

/** Forks the bare child with an IPC channel; resolves once it runs (its pid answers /proc). */
function forkBare() {
  const child = fork(BARE_CHILD, [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child));
    child.once('error', reject);
  });
}

async function main() {
  requireBuilds();
  const udpPorts = await freeUdpRange(WARM + 2);
  const server = await startServer({
    udpPorts,
    warmPool: WARM,
    modes: { arena: 4 },
    extraArgs: ['--max-concurrent-starts', '2'],
  });
  const bare = await forkBare();
  try {
    await untilIdle(server, WARM);
    const warmPids = server.tree().gameChildren;
    if (warmPids.length !== WARM) throw new Error(`expected ${WARM} warm children, found ${warmPids.length}`);
    const pids = [...warmPids, bare.pid];
    const atIdle = pids.map(cpuNs);
    await sleep(SETTLE_MS);
    const before = pids.map(cpuNs);
    const t0 = process.hrtime.bigint();
    await sleep(WINDOW_MS);
    const after = pids.map(cpuNs);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const mem = pids.map(memory);
    const cpuMsPerS = pids.map((_, i) => (after[i] - before[i]) / 1e6 / seconds);
    const warmCpu = cpuMsPerS.slice(0, WARM);
    const warmMem = mem.slice(0, WARM);
    const bareCpu = cpuMsPerS[WARM];
    const bareMem = mem[WARM];
    const figures = {
      // CPU each used up to idle (shows the readings are live, and what a warm child costs to start), then while
      // settling.
      warmBootCpuMs: round(median(atIdle.slice(0, WARM)) / 1e6, 1),
      bareBootCpuMs: round(atIdle[WARM] / 1e6, 1),
      settleS: SETTLE_MS / 1000,
      warmSettleCpuMs: round(median(pids.slice(0, WARM).map((_, i) => (before[i] - atIdle[i]) / 1e6)), 1),
      bareSettleCpuMs: round((before[WARM] - atIdle[WARM]) / 1e6, 1),
      warmCpuMsPerS: round(median(warmCpu), 3),
      warmCpuMsPerSMax: round(Math.max(...warmCpu), 3),
      bareCpuMsPerS: round(bareCpu, 3),
      warmPssMiB: round(median(warmMem.map((m) => m.pss)), 1),
      warmUssMiB: round(median(warmMem.map((m) => m.uss)), 1),
      barePssMiB: round(bareMem.pss, 1),
      bareUssMiB: round(bareMem.uss, 1),
    };
    note(`CPU to idle: warm child ${figures.warmBootCpuMs} ms, bare ${figures.bareBootCpuMs} ms`);
    note(
      `CPU in the ${figures.settleS} s after idle: warm child ${figures.warmSettleCpuMs} ms, bare ` +
        `${figures.bareSettleCpuMs} ms`,
    );
    note(
      `${WARM} idle warm children over ${round(seconds, 1)} s: CPU ${figures.warmCpuMsPerS} ms/s each (max ` +
        `${figures.warmCpuMsPerSMax}), bare ${figures.bareCpuMsPerS} ms/s; PSS ${figures.warmPssMiB} MiB, USS ` +
        `${figures.warmUssMiB} MiB each, bare PSS ${figures.barePssMiB} MiB, USS ${figures.bareUssMiB} MiB`,
    );
    report({
      bench: 'system/warm-pool-idle',
      warmChildren: WARM,
      windowS: round(seconds, 1),
      ...figures,
      cpuRatioVsBare: ratio(figures.warmCpuMsPerS, figures.bareCpuMsPerS),
      ussRatioVsBare: ratio(figures.warmUssMiB, figures.bareUssMiB),
    });
  } finally {
    bare.kill('SIGKILL');
    await server.stop();
  }
}

await main();
