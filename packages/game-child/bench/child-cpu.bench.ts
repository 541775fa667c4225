// Benchmark of @proj/game-child: the CPU one game costs. A real game child (dist/main.js, forked and started over
// IPC as the orchestrator does) serves a 4-player arena game while four simulated players (the real join handshake,
// then an input every tick) play it; beside it, at the same time (same window), the bare loop
// (bare-loop.mjs: one UDP socket, a timer at the tick rate, one datagram of the real snapshot's size to each of the
// four peers per tick, their inputs received). CPU is read from /proc/<pid>/task/*/schedstat (ns on CPU, every
// thread of the process: V8 compiles and collects garbage on helper threads) over two windows of each game: early
// (2-12 s after the players joined: most of a short game, V8 still compiling its hot paths) and steady (30-45 s: what
// a game costs once warm). The headline is the steady window's typical second: the median of its one-second slices,
// for each process (on this shared machine the bare loop's kernel time jumps now and then, which a total over the
// window would count against it).
//
// Run: pnpm bench child-cpu   (BENCH_SMOKE=1: one short round at 30 Hz, no thresholds). BENCH_RATES=20,30 picks tick
// rates; BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each real child there; BENCH_CHILD_FLAGS adds Node options
// to the real child (to try V8 flags).
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateGameSecret, IPC_VERSION, ShutdownReason, signConnectToken, type GameAssignment } from '@proj/protocol';
import {
  forkProcess,
  freePort,
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
/**
 * The windows measured in each game, ms after its players joined: the early one covers most of a short game (V8 still
 * compiles the hot paths then), the steady one what a game costs once warm (the bare loop has nothing to warm up).
 */
const WINDOWS = {
  early: { from: 2_000, to: 12_000 },
  steady: { from: 30_000, to: 45_000 },
} as const;
const SMOKE_WINDOWS = { early: { from: 500, to: 2_000 }, steady: { from: 2_000, to: 3_000 } } as const;
/** The slices of a window whose median is a subject's typical second. */
const SLICE_MS = smoke ? 500 : 1_000;
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

interface Sample {
  /** CPU of the process over the window, ms per second. */
  cpuMsPerS: number;
  /**
   * The median of its one-second slices of the window, ms per second: a typical second, which a rare spike (a major
   * GC, a burst of kernel time on the shared machine) does not move.
   */
  typicalMsPerS: number;
  /** Share of that CPU spent in the kernel (from clock ticks: coarse). */
  systemShare: number;
  /** Datagrams each player received per second (median of the players). */
  perPlayerPps: number;
  /** Largest datagram a player received. */
  datagramBytesMax: number;
}

/** A process under measurement with its players. */
interface Subject {
  readonly child: ChildProcess;
  readonly players: SimPlayer[];
  readonly port: number;
  close(): Promise<void>;
}

type WindowName = keyof typeof WINDOWS;

/**
 * Plays inputs at `hz` to every subject and measures the CPU of all of them over each window (side by side, so that
 * what the shared machine does meanwhile weighs on both alike).
 */
async function measure(subjects: readonly Subject[], hz: number): Promise<Record<WindowName, Sample[]>> {
  const windows = smoke ? SMOKE_WINDOWS : WINDOWS;
  const timer = setInterval(() => {
    for (const s of subjects) for (const p of s.players) p.input(s.port);
  }, 1000 / hz);
  const t0 = performance.now();
  const at = (ms: number): Promise<void> => sleep(Math.max(0, t0 + ms - performance.now()));
  const read = () => ({
    t: performance.now(),
    readings: subjects.map((s) => ({
      ns: cpuNs(s.child.pid!),
      ticks: userSystemTicks(s.child.pid!),
      packets: s.players.map((p) => p.packetsIn),
    })),
  });
  try {
    const out = {} as Record<WindowName, Sample[]>;
    for (const name of Object.keys(windows) as WindowName[]) {
      const { from, to } = windows[name];
      await at(from);
      const before = read();
      const slices: ReturnType<typeof read>[] = [before];
      for (let t = from + SLICE_MS; t <= to; t += SLICE_MS) {
        await at(t);
        slices.push(read());
      }
      const after = slices.at(-1)!;
      const seconds = (after.t - before.t) / 1000;
      out[name] = subjects.map((s, i) => {
        const b = before.readings[i]!;
        const e = after.readings[i]!;
        const user = e.ticks.user - b.ticks.user;
        const system = e.ticks.system - b.ticks.system;
        const sliceRates = slices
          .slice(1)
          .map((r, k) => (r.readings[i]!.ns - slices[k]!.readings[i]!.ns) / 1e6 / ((r.t - slices[k]!.t) / 1000));
        return {
          cpuMsPerS: (e.ns - b.ns) / 1e6 / seconds,
          typicalMsPerS: median(sliceRates),
          systemShare: user + system === 0 ? 0 : system / (user + system),
          perPlayerPps: median(s.players.map((_, j) => (e.packets[j]! - b.packets[j]!) / seconds)),
          datagramBytesMax: Math.max(...s.players.map((p) => p.maxDatagram)),
        };
      });
    }
    return out;
  } finally {
    clearInterval(timer);
  }
}

/** A real game child, started over IPC with a 4-player arena game at `hz`, its players joined. */
async function openRealChild(hz: number, round: number): Promise<Subject> {
  const entry = useDist ? join(pkgDir, 'dist', 'main.js') : join(pkgDir, 'src', 'main.ts');
  const profile = CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`];
  const child = forkProcess(entry, {}, [...profile, ...CHILD_FLAGS]);
  const players = await Promise.all(Array.from({ length: PLAYERS }, () => SimPlayer.open()));
  const close = async (): Promise<void> => {
    await stopChild(child);
    await Promise.all(players.map((p) => p.close()));
  };
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
    for (let attempt = 0; players.some((p) => !p.accepted || p.maxDatagram === 0); attempt++) {
      if (attempt > 40) throw new Error(`only ${players.filter((p) => p.accepted).length}/${PLAYERS} joined`);
      for (const [slot, p] of players.entries()) if (!p.accepted) p.connect(port, tokens[slot]!);
      await sleep(100);
    }
    return { child, players, port, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The bare loop with its players, sending datagrams of `snapshotBytes` at `hz`. */
async function openBareLoop(hz: number, snapshotBytes: number): Promise<Subject> {
  const child = forkProcess(join(here, 'bare-loop.mjs'), {}, [], true);
  const players = await Promise.all(Array.from({ length: PLAYERS }, () => SimPlayer.open()));
  const close = async (): Promise<void> => {
    child.send({ type: 'exit' });
    await killAndWait(child);
    await Promise.all(players.map((p) => p.close()));
  };
  try {
    const port = await freePort();
    child.send({ type: 'start', port, tickRateHz: hz, snapshotBytes });
    await nextMessage(child, 'ready');
    return { child, players, port, close };
  } catch (error) {
    await close();
    throw error;
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
  const real = { early: [] as Sample[], steady: [] as Sample[] };
  const bare = { early: [] as Sample[], steady: [] as Sample[] };
  for (let i = 0; i < ROUNDS; i++) {
    // A fresh pair each round: the game child (the bare loop sends datagrams of its snapshot's size) and the bare loop,
    // measured over the same windows.
    const game = await openRealChild(hz, i);
    try {
      const loop = await openBareLoop(hz, Math.max(...game.players.map((p) => p.maxDatagram)));
      try {
        const samples = await measure([game, loop], hz);
        for (const name of ['early', 'steady'] as const) {
          real[name].push(samples[name][0]!);
          bare[name].push(samples[name][1]!);
        }
      } finally {
        await loop.close();
      }
    } finally {
      await game.close();
    }
    const line = (name: WindowName): string => {
      const r = real[name].at(-1)!;
      const b = bare[name].at(-1)!;
      return (
        `${name} game child ${round(r.cpuMsPerS, 1)} ms/s (typical ${round(r.typicalMsPerS, 1)}), ` +
        `bare loop ${round(b.cpuMsPerS, 1)} (typical ${round(b.typicalMsPerS, 1)})`
      );
    };
    process.stderr.write(`  ${hz} Hz round ${i + 1}: ${line('early')}; ${line('steady')}\n`);
  }
  const figures = (name: WindowName) => {
    const r = real[name];
    const b = bare[name];
    const ratios = r.map((x, i) => x.cpuMsPerS / b[i]!.cpuMsPerS);
    const typicalRatios = r.map((x, i) => x.typicalMsPerS / b[i]!.typicalMsPerS);
    const w = (smoke ? SMOKE_WINDOWS : WINDOWS)[name];
    return {
      windowS: [w.from / 1000, w.to / 1000],
      gameChildMsPerS: round(median(r.map((s) => s.cpuMsPerS)), 2),
      bareLoopMsPerS: round(median(b.map((s) => s.cpuMsPerS)), 2),
      // The median of the rounds' ratios (each round measures both over the same window).
      ratio: round(median(ratios)),
      ratios: ratios.map((x) => round(x)),
      // The same from each subject's typical second (median of one-second slices).
      gameChildTypicalMsPerS: round(median(r.map((s) => s.typicalMsPerS)), 2),
      bareLoopTypicalMsPerS: round(median(b.map((s) => s.typicalMsPerS)), 2),
      typicalRatio: round(median(typicalRatios)),
      typicalRatios: typicalRatios.map((x) => round(x)),
      gameChildSystemShare: round(median(r.map((s) => s.systemShare)), 2),
      bareLoopSystemShare: round(median(b.map((s) => s.systemShare)), 2),
      perPlayerDatagramsPerS: round(median(r.map((s) => s.perPlayerPps)), 1),
      bareLoopPerPlayerDatagramsPerS: round(median(b.map((s) => s.perPlayerPps)), 1),
    };
  };
  const early = figures('early');
  const steady = figures('steady');
  result(`cpu-per-game-${hz}hz`, {
    runtime,
    tickRateHz: hz,
    players: PLAYERS,
    rounds: ROUNDS,
    snapshotBytes: real.early[0]!.datagramBytesMax,
    // The headline: a warm game's typical second (once V8 has compiled its hot paths), the measure.
    gameChildMsPerS: steady.gameChildTypicalMsPerS,
    bareLoopMsPerS: steady.bareLoopTypicalMsPerS,
    ratio: steady.typicalRatio,
    target: TARGET_RATIO,
    targetMet: smoke ? undefined : steady.typicalRatio <= TARGET_RATIO,
    cpuMsPerPlayerSecond: round(steady.gameChildTypicalMsPerS / PLAYERS, 2),
    early,
    steady,
  });
}

process.stderr.write(`child-cpu bench: game children run ${runtime}${smoke ? ' (smoke)' : ''}\n`);
for (const hz of RATES) await rate(hz);
