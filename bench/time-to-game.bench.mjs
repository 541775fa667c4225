// Time-to-match and time-to-game of the whole system, as players see them: the built server (real orchestrator,
// real game children playing the arena game) and the built cli-client's `loadtest` (bot players that find a match
// and play it to game over), for 100 and 1,000 clients, K = 4, cold (every game forks its child) and with a warm
// pool. Games are short (1 s time limit) so ports recycle; clients arrive at RATE per second, below saturation.
//
// time-to-match: a client's hello -> its match-found (so it includes the wait for the group to fill: at RATE
// clients a second, about (K - 1) / RATE for the first of a group). time-to-game: hello -> first snapshot.
// serverTimeToMatchLastPlayer: the orchestrator's figure per game (last player's hello -> match-found sent), which
// leaves the group's fill time out.
// Beside them: the server's CPU seconds and peak RSS (the orchestrator plus its fork server, whose game children are
// the orchestrator's grandchildren), and the RSS of game children while busy (in a game) and idle (warm), sampled
// from /proc every SAMPLE_MS.
//
// Run: pnpm bench time-to-game   (BENCH_SMOKE=1: 8 clients, no thresholds)
import {
  freeUdpRange,
  median,
  note,
  report,
  requireBuilds,
  round,
  rssMiB,
  runLoadtest,
  smoke,
  startServer,
  summary,
} from './support.mjs';

const K = 4;
const PORTS = 16;
const WARM_POOL = 4;
const RATE = smoke ? 20 : 40;
const CLIENT_COUNTS = smoke ? [8] : [100, 1000];
const SAMPLE_MS = 250;
const modes = { arena: { playersPerGame: K, gameOptions: { timeLimitMs: 1000 } } };

async function one(label, clients, warmPool) {
  const udpPorts = await freeUdpRange(PORTS);
  const server = await startServer({ udpPorts, warmPool, modes });
  const cpu0 = server.overheadCpuSeconds();
  const busy = [];
  const idle = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      try {
        const gamePids = new Set((await server.games()).map((g) => g.pid));
        for (const pid of server.tree().gameChildren) {
          const rss = rssMiB(pid);
          // 0 or none: a child exiting (or a zombie). A child in no game is a warm one (or one still starting).
          if (rss !== undefined && rss > 0) (gamePids.has(pid) ? busy : idle).push(rss);
        }
      } catch {
        // The admin endpoint did not answer this time: skip this sample, take the next one.
      }
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
  })();
  const t0 = Date.now();
  const { report: lt } = await runLoadtest({ port: server.tcpPort, clients, rate: RATE, perGame: K, mode: 'arena' });
  const seconds = (Date.now() - t0) / 1000;
  sampling = false;
  await sampler;
  const cpu = server.overheadCpuSeconds() - cpu0;
  const peak = server.overheadPeakRssMiB();
  const warmStarts = server.gameStarts.filter((g) => g.warm).length;
  await server.stop();
  const pick = (d) => ({ n: d.count, p50: round(d.p50), p95: round(d.p95), p99: round(d.p99), max: round(d.max) });
  const figures = {
    bench: `system/time-to-game-${label}-${clients}`,
    unit: 'ms',
    clients,
    playersPerGame: K,
    ratePerSec: RATE,
    warmPool,
    warmStarts,
    timeToMatch: pick(lt.timeToMatchMs),
    timeToGame: pick(lt.timeToGameMs),
    // The orchestrator's own figure per game: its last player's hello -> match-found sent (no wait for the group).
    serverTimeToMatchLastPlayer: summary(
      server.gameStarts.map((g) => g.timeToMatchMs).filter((v) => typeof v === 'number'),
    ),
    serverSpawnMs: summary(server.gameStarts.map((g) => g.spawnMs).filter((v) => typeof v === 'number')),
    gamesCompleted: lt.gamesCompleted,
    gamesExpected: lt.gamesExpected,
    snapshotsReceived: lt.snapshotsReceived,
    lossDown: round(lt.lossDown, 4),
    errors: lt.errors,
    serverCpuSeconds: round(cpu, 2),
    serverCpuPercent: round((cpu / seconds) * 100, 1),
    serverPeakRssMiB: peak,
    childBusyRssMiBMedian: median(busy),
    childBusyRssMiBMax: busy.length === 0 ? undefined : Math.max(...busy),
    childIdleRssMiBMedian: warmPool > 0 ? median(idle) : undefined,
  };
  note(
    `${label} ${clients}: match p50 ${figures.timeToMatch.p50} p99 ${figures.timeToMatch.p99} ms; game p50 ${figures.timeToGame.p50} ` +
      `p99 ${figures.timeToGame.p99} ms; ${lt.gamesCompleted}/${lt.gamesExpected} games; errors ${JSON.stringify(lt.errors)}`,
  );
  report(figures);
  if (lt.gamesCompleted !== lt.gamesExpected || Object.keys(lt.errors).length > 0) {
    throw new Error(
      `${label} ${clients}: ${lt.gamesCompleted}/${lt.gamesExpected} games completed, errors ${JSON.stringify(lt.errors)}`,
    );
  }
}

async function main() {
  requireBuilds();
  for (const clients of CLIENT_COUNTS) {
    await one('cold', clients, 0);
    await one('warm', clients, WARM_POOL);
  }
}

await main();
