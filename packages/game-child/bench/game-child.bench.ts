// Benchmark of @proj/game-child: how many players one child serves at 30 and 60 Hz with tick p99 under a
// quarter of the tick budget and no snapshot lost on loopback; packets per second in and out; snapshot size;
// RSS of an idle forked child against a bare Node process that binds one UDP socket (same run, same loader).
//
// Run: node_modules/.bin/tsx --conditions=@proj/source packages/game-child/bench/game-child.bench.ts
// (or `pnpm bench game-child`). BENCH_SMOKE=1: tiny counts, a few seconds, no thresholds enforced.
// BENCH_RATES and BENCH_LADDER (comma-separated) narrow a run to some tick rates and player counts.
//
// Topology: the game runs in a forked process (bench-server.mjs, the same startGame a game child runs);
// the simulated players (one UDP socket each, inputs at the tick rate, acks, loss counting) live here, so
// the two sides use the two cores. When the builds of game-child and protocol are fresh the forked
// processes run them on bare Node (as in production); otherwise they run the source through tsx, and the
// RSS baseline runs through tsx too, so the ratio stays like for like.
import { join } from 'node:path';
import { generateGameSecret, IPC_VERSION, signConnectToken, type GameAssignment } from '@proj/protocol';
import type { ChildProcess } from 'node:child_process';
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
  rssMiB,
  runtime,
  SimPlayer,
  sleep,
  smoke,
  useDist,
} from './bench-support.js';

/** A comma-separated list of positive integers from the environment (for reduced runs), else `fallback`. */
function envList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const list = raw.split(',').map(Number);
  if (!list.every((n) => Number.isInteger(n) && n > 0))
    throw new Error(`${name} must be a comma-separated list of positive integers`);
  return list;
}
// BENCH_RATES=60 BENCH_LADDER=128 (for example) runs a reduced benchmark; the defaults are the full one.
const RATES = envList('BENCH_RATES', smoke ? [30] : [30, 60]);
const LADDER = envList('BENCH_LADDER', smoke ? [4, 8] : [32, 64, 96, 128, 144, 160, 192, 224, 255]);
const WARM_MS = smoke ? 300 : 1000;
const MEASURE_MS = smoke ? 700 : 3000;
const RSS_SAMPLES = smoke ? 1 : 3;

interface Report {
  stats: { packetsIn: number; packetsOut: number; skippedTicks: number; snapshotsSent: number; droppedTotal: number };
  tickTimes: { samples: number; p50: number; p99: number; max: number };
  connected: number;
  rssMiB: number;
  hwmMiB: number | undefined;
}

interface StepResult {
  players: number;
  pass: boolean;
  /** Measurement windows taken (a second one after a p99-only miss). */
  windows: number;
  tickP50Ms: number;
  tickP99Ms: number;
  tickMaxMs: number;
  snapshotsLost: number;
  /** Players still connected at the end of the window. */
  connected: number;
  skippedTicks: number;
  snapshotBytesMax: number;
  ppsIn: number;
  ppsOut: number;
  serverRssMiB: number;
  serverHwmMiB: number | undefined;
}

async function measureWindow(server: ChildProcess, players: SimPlayer[], hz: number, n: number): Promise<StepResult> {
  server.send({ type: 'reset' });
  const before = (await nextMessage<Report>(server, 'reset')).stats;
  for (const p of players) p.startMeasuring();
  const t0 = performance.now();
  await sleep(MEASURE_MS);
  for (const p of players) p.measuring = false;
  server.send({ type: 'report' });
  const after = await nextMessage<Report>(server, 'report');
  const seconds = (performance.now() - t0) / 1000;
  const lost = players.reduce((sum, p) => sum + p.lost(), 0);
  const skipped = after.stats.skippedTicks - before.skippedTicks;
  const budget = 1000 / hz;
  const t = after.tickTimes;
  const snapshotBytesMax = Math.max(...players.map((p) => p.maxDatagram));
  return {
    players: n,
    // Skipped ticks (event-loop stalls, reported) lose no snapshot: tick numbers only count ticks that ran.
    pass: t.p99 < budget / 4 && lost === 0 && after.connected === n && snapshotBytesMax <= 1200,
    windows: 1,
    tickP50Ms: round(t.p50),
    tickP99Ms: round(t.p99),
    tickMaxMs: round(t.max),
    snapshotsLost: lost,
    connected: after.connected,
    skippedTicks: skipped,
    snapshotBytesMax,
    ppsIn: Math.round((after.stats.packetsIn - before.packetsIn) / seconds),
    ppsOut: Math.round((after.stats.packetsOut - before.packetsOut) / seconds),
    serverRssMiB: round(after.rssMiB, 1),
    serverHwmMiB: after.hwmMiB === undefined ? undefined : round(after.hwmMiB, 1),
  };
}

async function runStep(server: ChildProcess, hz: number, n: number): Promise<StepResult> {
  const secret = generateGameSecret();
  const assignment: GameAssignment = {
    gameId: `bench-${hz}-${n}`,
    mode: 'arena',
    bindHost: '127.0.0.1',
    port: 0,
    players: Array.from({ length: n }, (_, slot) => ({ slot, name: `bot${slot}` })),
    secretBase64: Buffer.from(secret).toString('base64'),
    tokenExpiresAt: Date.now() + 600_000,
    options: { scoreToWin: 65535, timeLimitMs: 3_600_000, seed: 7 },
  };
  server.send({ type: 'start', assignment, tickRateHz: hz });
  const { port } = await nextMessage<{ port: number }>(server, 'started');
  const players = await Promise.all(Array.from({ length: n }, () => SimPlayer.open()));
  try {
    const tokens = players.map((_, slot) =>
      signConnectToken({ gameId: assignment.gameId, slot, expiresAt: Date.now() + 600_000 }, secret),
    );
    for (let attempt = 0; players.some((p) => !p.accepted); attempt++) {
      if (attempt > 40) throw new Error(`only ${players.filter((p) => p.accepted).length}/${n} players were accepted`);
      // The stranger rate limit allows a burst of 500 connects a second in all; pace ourselves below it.
      for (const [slot, p] of players.entries()) if (!p.accepted) p.connect(port, tokens[slot]!);
      await sleep(250);
    }
    const timer = setInterval(() => {
      for (const p of players) p.input(port);
    }, 1000 / hz);
    try {
      await sleep(WARM_MS);
      // This machine is shared (2 cores, other jobs): a step that only misses on tick p99 gets one more window.
      let step = await measureWindow(server, players, hz, n);
      if (!step.pass && step.snapshotsLost === 0)
        step = { ...(await measureWindow(server, players, hz, n)), windows: 2 };
      return step;
    } finally {
      clearInterval(timer);
    }
  } finally {
    server.send({ type: 'stop' });
    await nextMessage(server, 'stopped');
    await Promise.all(players.map((p) => p.close()));
  }
}

async function maxPlayers(hz: number): Promise<void> {
  const server = forkProcess(join(here, 'bench-server.mjs'), useDist ? { BENCH_USE_DIST: '1' } : {});
  try {
    await nextMessage(server, 'hello');
    const steps: StepResult[] = [];
    for (const n of LADDER) {
      const step = await runStep(server, hz, n);
      steps.push(step);
      process.stderr.write(
        `  ${hz} Hz, ${n} players: p50 ${step.tickP50Ms} ms, p99 ${step.tickP99Ms} ms, lost ${step.snapshotsLost}, ${step.pass ? 'pass' : 'FAIL'}\n`,
      );
      if (!step.pass) break;
    }
    const passing = steps.filter((s) => s.pass);
    const best = passing.at(-1);
    let at128 = steps.find((s) => s.players === 128);
    if (hz === 60 && at128 === undefined) {
      // The ladder stopped below 128: measure the target anyway, so the target result is always reported.
      at128 = await runStep(server, hz, 128);
      process.stderr.write(
        `  ${hz} Hz, 128 players (target): p50 ${at128.tickP50Ms} ms, p99 ${at128.tickP99Ms} ms, lost ${at128.snapshotsLost}, ${at128.pass ? 'pass' : 'FAIL'}\n`,
      );
    }
    result(`max-players-${hz}hz`, {
      runtime,
      tickRateHz: hz,
      budgetQuarterMs: round(1000 / hz / 4),
      maxPlayers: best?.players ?? 0,
      limitedBySlots: best?.players === 255, // every seat a game can have
      ...(best !== undefined
        ? {
            tickP50Ms: best.tickP50Ms,
            tickP99Ms: best.tickP99Ms,
            tickMaxMs: best.tickMaxMs,
            snapshotsLost: best.snapshotsLost,
            snapshotBytesMax: best.snapshotBytesMax,
            ppsIn: best.ppsIn,
            ppsOut: best.ppsOut,
            serverRssMiB: best.serverRssMiB,
            serverPeakRssMiB: best.serverHwmMiB,
          }
        : {}),
      ...(at128 !== undefined
        ? {
            at128: {
              tickP99Ms: at128.tickP99Ms,
              snapshotsLost: at128.snapshotsLost,
              snapshotBytesMax: at128.snapshotBytesMax,
              pass: at128.pass,
            },
          }
        : {}),
      steps: steps.map((s) => ({
        players: s.players,
        p50: s.tickP50Ms,
        p99: s.tickP99Ms,
        lost: s.snapshotsLost,
        skipped: s.skippedTicks,
        windows: s.windows,
        pass: s.pass,
      })),
      measureSeconds: MEASURE_MS / 1000,
    });
    if (hz === 60 && at128 !== undefined) {
      result('target-128-players-60hz', {
        runtime,
        met:
          at128.tickP99Ms < 4 && at128.snapshotsLost === 0 && at128.connected === 128 && at128.snapshotBytesMax <= 1200,
        tickP50Ms: at128.tickP50Ms,
        tickP99Ms: at128.tickP99Ms,
        limitMs: 4,
        snapshotsLost: at128.snapshotsLost,
        snapshotBytesMax: at128.snapshotBytesMax,
        ppsIn: at128.ppsIn,
        ppsOut: at128.ppsOut,
      });
    }
  } finally {
    server.send({ type: 'exit' });
    await killAndWait(server);
  }
}

// ---- RSS: an idle forked game child vs a bare Node process with one UDP socket ------------------------

async function childRss(): Promise<{ warm: number; idle: number }> {
  const entry = useDist ? join(pkgDir, 'dist', 'main.js') : join(pkgDir, 'src', 'main.ts');
  const child = forkProcess(entry);
  try {
    await nextMessage(child, 'idle');
    await sleep(500);
    const warm = rssMiB(child.pid!);
    const assignment: GameAssignment = {
      gameId: 'bench-rss',
      mode: 'arena',
      bindHost: '127.0.0.1',
      port: await freePort(),
      players: [
        { slot: 0, name: 'a' },
        { slot: 1, name: 'b' },
      ],
      secretBase64: Buffer.from(generateGameSecret()).toString('base64'),
      tokenExpiresAt: Date.now() + 60_000,
      options: { joinTimeoutMs: 60_000 },
    };
    child.send({ type: 'start', ipcVersion: IPC_VERSION, game: assignment });
    await nextMessage(child, 'ready');
    await sleep(1000);
    return { warm, idle: rssMiB(child.pid!) };
  } finally {
    await killAndWait(child);
  }
}

async function bareRss(): Promise<number> {
  const child = forkProcess(join(here, 'bare-udp.mjs'));
  try {
    await nextMessage(child, 'ready');
    await sleep(1000);
    return rssMiB(child.pid!);
  } finally {
    await killAndWait(child);
  }
}

async function rss(): Promise<void> {
  const idle: number[] = [];
  const warm: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RSS_SAMPLES; i++) {
    const c = await childRss();
    idle.push(c.idle);
    warm.push(c.warm);
    bare.push(await bareRss());
  }
  const idleMiB = median(idle);
  const bareMiB = median(bare);
  result('rss', {
    runtime,
    samples: RSS_SAMPLES,
    idleChildMiB: round(idleMiB, 1),
    warmChildMiB: round(median(warm), 1),
    bareNodeUdpMiB: round(bareMiB, 1),
    idleRatio: round(idleMiB / bareMiB),
    // The target: an idle child within 1.1x of bare Node with one UDP socket.
    idleTargetMet: idleMiB / bareMiB <= 1.1,
  });
}

process.stderr.write(`game-child bench: forked processes run ${runtime}${smoke ? ' (smoke)' : ''}\n`);
await rss();
for (const hz of RATES) await maxPlayers(hz);
