// Benchmark of @proj/game-child: the CPU one game costs. A real game child (dist/main.js, forked and started over
// IPC as the orchestrator does) serves a 4-player arena game while four simulated players (the real join handshake,
// then an input every tick) play it; beside it, in the same run and alternating with it, the bare loop
// (bare-loop.mjs: one UDP socket, a timer at the tick rate, one datagram of the real snapshot's size to each of the
// four peers per tick, their inputs received). CPU is read from /proc/<pid>/task/*/schedstat (ns on CPU, every
// thread of the process: V8 compiles and collects garbage on helper threads) over a window after a warm-up.
//
// Run: pnpm bench child-cpu   (BENCH_SMOKE=1: one short round at 30 Hz, no thresholds).
// BENCH_RATES=20,30 picks tick rates, BENCH_WINDOW_MS the measuring window; BENCH_CPU_PROF=<dir> writes a V8 CPU
// profile of each real child there; BENCH_CHILD_FLAGS adds Node options to the real child (to try V8 flags).
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateGameSecret, IPC_VERSION, ShutdownReason, signConnectToken, type GameAssignment } from '@proj/protocol';
import {
  forkProcess,
  here,
  killAndWait,
  median,
  nextMessage,
  pkgDir,
  result,
  round,
  runtime,
  SimPlayer,
  sleep,
  smoke,
  useDist,
} from './bench-support.js';

const RATES = (process.env.BENCH_RATES ?? (smoke ? '30' : '20,30')).split(',').map(Number);
const ROUNDS = smoke ? 1 : 3;
const WARM_MS = smoke ? 500 : 2_000;
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS) || (smoke ? 1_500 : 10_000);
const PLAYERS = 4;
/** The target: a game child costs at most this times the bare loop's CPU. */
const TARGET_RATIO = 1.25;
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
/** Extra Node options for the game child only (to try V8 flags: BENCH_CHILD_FLAGS='--max-opt=1'). */
const CHILD_FLAGS = (process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter((f) => f !== '');

/** ns on CPU of every thread of `pid` (the first field of each task's schedstat). */
function cpuNs(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return total;
}

/** User and kernel CPU of `pid` in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
function userSystemTicks(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Sample {
  /** CPU of the process over the window, ms per second. */
  cpuMsPerS: number;
  /** Share of that CPU spent in the kernel (from clock ticks: coarse). */
  systemShare: number;
  /** Datagrams each player received per second (median of the players). */
  perPlayerPps: number;
  /** Largest datagram a player received. */
  datagramBytesMax: number;
}

/** Plays inputs at `hz` for the warm-up, then measures `child`'s CPU over the window. */
async function measure(child: ChildProcess, players: SimPlayer[], port: number, hz: number): Promise<Sample> {
  const timer = setInterval(() => {
    for (const p of players) p.input(port);
  }, 1000 / hz);
  try {
    await sleep(WARM_MS);
    const pid = child.pid!;
    const before = { ns: cpuNs(pid), ticks: userSystemTicks(pid), packets: players.map((p) => p.packetsIn) };
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const seconds = (performance.now() - t0) / 1000;
    const ns = cpuNs(pid) - before.ns;
    const ticks = userSystemTicks(pid);
    const user = ticks.user - before.ticks.user;
    const system = ticks.system - before.ticks.system;
    return {
      cpuMsPerS: ns / 1e6 / seconds,
      systemShare: user + system === 0 ? 0 : system / (user + system),
      perPlayerPps: median(players.map((p, i) => (p.packetsIn - before.packets[i]!) / seconds)),
      datagramBytesMax: Math.max(...players.map((p) => p.maxDatagram)),
    };
  } finally {
    clearInterval(timer);
  }
}

/** One real game child, started over IPC with a 4-player arena game at `hz`, measured while the players play. */
async function realChild(hz: number, round: number): Promise<Sample> {
  const entry = useDist ? join(pkgDir, 'dist', 'main.js') : join(pkgDir, 'src', 'main.ts');
  const profile = CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`];
  const child = forkProcess(entry, {}, [...profile, ...CHILD_FLAGS]);
  const players = await Promise.all(Array.from({ length: PLAYERS }, () => SimPlayer.open()));
  try {
    const secret = generateGameSecret();
    const port = await freePort();
    const assignment: GameAssignment = {
      gameId: `cpu-${hz}-${round}`,
      mode: 'arena',
      bindHost: '127.0.0.1',
      port,
      players: players.map((_, slot) => ({ slot, name: `bot${slot}` })),
      secretBase64: Buffer.from(secret).toString('base64'),
      tokenExpiresAt: Date.now() + 600_000,
      options: { tickRateHz: hz, scoreToWin: 65535, timeLimitMs: 3_600_000, joinTimeoutMs: 60_000, seed: 7 },
    };
    child.send({ type: 'start', ipcVersion: IPC_VERSION, game: assignment });
    await nextMessage(child, 'ready');
    const tokens = players.map((_, slot) =>
      signConnectToken({ gameId: assignment.gameId, slot, expiresAt: Date.now() + 600_000 }, secret),
    );
    for (let attempt = 0; players.some((p) => !p.accepted); attempt++) {
      if (attempt > 40) throw new Error(`only ${players.filter((p) => p.accepted).length}/${PLAYERS} joined`);
      for (const [slot, p] of players.entries()) if (!p.accepted) p.connect(port, tokens[slot]!);
      await sleep(100);
    }
    return await measure(child, players, port, hz);
  } finally {
    await stopChild(child);
    await Promise.all(players.map((p) => p.close()));
  }
}

/** The bare loop with the same players, sending datagrams of `snapshotBytes` at `hz`. */
async function bareLoop(hz: number, snapshotBytes: number): Promise<Sample> {
  const child = forkProcess(join(here, 'bare-loop.mjs'), {}, [], true);
  const players = await Promise.all(Array.from({ length: PLAYERS }, () => SimPlayer.open()));
  try {
    const port = await freePort();
    child.send({ type: 'start', port, tickRateHz: hz, snapshotBytes });
    await nextMessage(child, 'ready');
    return await measure(child, players, port, hz);
  } finally {
    child.send({ type: 'exit' });
    await killAndWait(child);
    await Promise.all(players.map((p) => p.close()));
  }
}

/** Asks a game child to shut down (so a CPU profile gets written), SIGKILL after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.send({ type: 'shutdown', reason: ShutdownReason.ORCHESTRATOR_STOPPING, graceMs: 0 });
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function rate(hz: number): Promise<void> {
  const real: Sample[] = [];
  const bare: Sample[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Real first in even rounds (the first tells the bare loop the snapshot size), bare first in odd ones.
    const order = i % 2 === 0 ? ['real', 'bare'] : ['bare', 'real'];
    for (const which of order) {
      if (which === 'real') real.push(await realChild(hz, i));
      else bare.push(await bareLoop(hz, real[0]!.datagramBytesMax));
    }
    const r = real.at(-1)!;
    const b = bare.at(-1)!;
    process.stderr.write(
      `  ${hz} Hz round ${i + 1}: game child ${round(r.cpuMsPerS, 1)} ms/s (${round(r.perPlayerPps, 1)} datagrams/s ` +
        `per player), bare loop ${round(b.cpuMsPerS, 1)} ms/s (${round(b.perPlayerPps, 1)}/s)\n`,
    );
  }
  const realMs = median(real.map((s) => s.cpuMsPerS));
  const bareMs = median(bare.map((s) => s.cpuMsPerS));
  result(`cpu-per-game-${hz}hz`, {
    runtime,
    tickRateHz: hz,
    players: PLAYERS,
    rounds: ROUNDS,
    windowSeconds: WINDOW_MS / 1000,
    gameChildMsPerS: round(realMs, 2),
    bareLoopMsPerS: round(bareMs, 2),
    ratio: round(realMs / bareMs),
    target: TARGET_RATIO,
    targetMet: smoke ? undefined : realMs / bareMs <= TARGET_RATIO,
    gameChildSystemShare: round(median(real.map((s) => s.systemShare)), 2),
    bareLoopSystemShare: round(median(bare.map((s) => s.systemShare)), 2),
    perPlayerDatagramsPerS: round(median(real.map((s) => s.perPlayerPps)), 1),
    bareLoopPerPlayerDatagramsPerS: round(median(bare.map((s) => s.perPlayerPps)), 1),
    snapshotBytes: real[0]!.datagramBytesMax,
    cpuMsPerPlayerSecond: round(realMs / PLAYERS, 2),
  });
}

process.stderr.write(`child-cpu bench: game children run ${runtime}${smoke ? ' (smoke)' : ''}\n`);
for (const hz of RATES) await rate(hz);
