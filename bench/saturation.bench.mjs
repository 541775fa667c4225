// Saturation: games started per second by the whole system when players always wait, with short games (1 s time
// limit) so ports recycle, beside bare Node fork-to-ready per second measured in the same run (before and after);
// the server's CPU and peak RSS meanwhile (the orchestrator plus its fork server). The built server and the built
// cli-client's loadtest, as processes.
//
// With PORTS ports and 1 s games the ports alone would allow about PORTS games a second, more than two cores can
// fork, so what is measured is how close the orchestrator gets to the machine's fork rate while it also runs every
// game's child and the load generator plays every game.
//
// Run: pnpm bench saturation   (BENCH_SMOKE=1: 40 clients, 1 s bare window, no thresholds)
import { fork } from 'node:child_process';
import {
  BARE_CHILD,
  freeUdpRange,
  note,
  ratio,
  report,
  requireBuilds,
  round,
  runLoadtest,
  smoke,
  startServer,
} from './support.mjs';

const K = 4;
const PORTS = 32;
const WARM_POOL = 2;
const CLIENTS = smoke ? 40 : 800;
const RATE = smoke ? 80 : 400;
const BARE_WINDOW_MS = smoke ? 1_000 : 5_000;
/** Bare forks kept in flight at once (the two cores are busy with that many booting Node processes). */
const BARE_CONCURRENCY = 4;
const modes = { arena: { playersPerGame: K, gameOptions: { timeLimitMs: 1000 } } };

/** Bare fork -> start -> ready -> exit, BARE_CONCURRENCY in flight, for `windowMs`; resolves with readies/s. */
async function bareForksPerSecond(windowMs) {
  const started = Date.now();
  let ready = 0;
  const lane = async () => {
    while (Date.now() - started < windowMs) {
      await new Promise((resolve, reject) => {
        const child = fork(BARE_CHILD, [], {
          execArgv: [],
          stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
          serialization: 'json',
        });
        child.once('error', reject);
        child.on('message', (m) => {
          if (m?.type !== 'ready') return;
          if (Date.now() - started < windowMs) ready++;
          child.kill('SIGKILL');
        });
        child.once('exit', resolve);
        child.send({ type: 'start', ipcVersion: 1, game: { gameId: 'bare', bindHost: '127.0.0.1', port: 0 } });
      });
    }
  };
  await Promise.all(Array.from({ length: BARE_CONCURRENCY }, lane));
  return ready / (windowMs / 1000);
}

/** Games started per second in the middle 80% of the starts (leaves out the ramp-up and the tail). */
function steadyRate(times) {
  if (times.length < 5) return undefined;
  const sorted = [...times].sort((a, b) => a - b);
  const lo = Math.floor(sorted.length * 0.1);
  const hi = Math.ceil(sorted.length * 0.9) - 1;
  const spanS = (sorted[hi] - sorted[lo]) / 1000;
  return spanS <= 0 ? undefined : (hi - lo) / spanS;
}

async function main() {
  requireBuilds();
  const bareBefore = await bareForksPerSecond(BARE_WINDOW_MS);
  const udpPorts = await freeUdpRange(PORTS);
  const server = await startServer({ udpPorts, warmPool: WARM_POOL, modes });
  const cpu0 = server.overheadCpuSeconds();
  const t0 = Date.now();
  const { report: lt } = await runLoadtest({
    port: server.tcpPort,
    clients: CLIENTS,
    rate: RATE,
    perGame: K,
    mode: 'arena',
  });
  const seconds = (Date.now() - t0) / 1000;
  const cpu = server.overheadCpuSeconds() - cpu0;
  const peak = server.overheadPeakRssMiB();
  const starts = server.gameStarts.map((g) => g.time);
  await server.stop();
  const bareAfter = await bareForksPerSecond(BARE_WINDOW_MS);
  const bare = (bareBefore + bareAfter) / 2;
  const gamesPerSec = steadyRate(starts);
  note(
    `games started ${starts.length} (${lt.gamesCompleted}/${lt.gamesExpected} completed), ${round(gamesPerSec)}/s steady; ` +
      `bare forks ${round(bareBefore)}/s before, ${round(bareAfter)}/s after; server CPU ${round(cpu)} s, peak RSS ${peak} MiB`,
  );
  report({
    bench: 'system/saturation',
    clients: CLIENTS,
    offeredClientsPerSec: RATE,
    playersPerGame: K,
    ports: PORTS,
    gameSeconds: 1,
    gamesStarted: starts.length,
    gamesCompleted: lt.gamesCompleted,
    gamesPerSecSaturated: round(gamesPerSec),
    bareForksPerSec: round(bare),
    bareForksPerSecBefore: round(bareBefore),
    bareForksPerSecAfter: round(bareAfter),
    ratioVsBare: ratio(gamesPerSec, bare),
    timeToMatchP50Ms: round(lt.timeToMatchMs.p50),
    timeToMatchP99Ms: round(lt.timeToMatchMs.p99),
    errors: lt.errors,
    serverCpuSeconds: round(cpu),
    serverCpuPercent: round((cpu / seconds) * 100, 1),
    serverPeakRssMiB: peak,
  });
  if (lt.gamesCompleted !== lt.gamesExpected || Object.keys(lt.errors).length > 0) {
    throw new Error(`${lt.gamesCompleted}/${lt.gamesExpected} games completed, errors ${JSON.stringify(lt.errors)}`);
  }
}

await main();
