// Time-to-match: from the hello of a game's last player to match-found received by every player, measured by the
// clients, below saturation (one game at a time), cold (a process forked per game) and with a warm pool; beside it,
// in the same run and interleaved with the cold rounds, a bare fork-to-ready of the same minimal child.
//
// Run: node_modules/.bin/tsx --conditions=@proj/source packages/orchestrator/bench/time-to-match.bench.ts
// BENCH_SMOKE=1: a few rounds, no thresholds. BENCH_SETTLE_MS (default 20): the pause between warm rounds once the
// pool is full again (a longer one lets the replacement child finish settling after its boot).
import { performance } from 'node:perf_hooks';
import { ForkSpawner, type Orchestrator, type OrchestratorEvents, createOrchestrator } from '../src/index.js';
import {
  BenchClient,
  FIXTURE,
  bareForkToReady,
  exited,
  freeUdpPortRange,
  note,
  ratio,
  report,
  smoke,
  summary,
} from './support.js';

const COLD_ROUNDS = smoke ? 4 : 60;
const WARM_ROUNDS = smoke ? 8 : 400;
const WARM_POOL = 2;

/** Resolves once `check()` holds, re-checked on every orchestrator event of `names`. */
function until(o: Orchestrator, names: (keyof OrchestratorEvents)[], check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const offs: (() => void)[] = [];
    for (const name of names) {
      offs.push(
        o.on(name, () => {
          if (!check()) return;
          for (const off of offs) off();
          resolve();
        }),
      );
    }
  });
}

/** One match of two players; returns the client-measured time-to-match in ms. */
async function oneMatch(port: number, round: number): Promise<number> {
  const [a, b] = await Promise.all([BenchClient.connect(port), BenchClient.connect(port)]);
  const queued = a.waitFor('queued');
  a.hello(`a${round}`);
  await queued;
  let last = 0;
  const found = [a, b].map((c) => c.waitFor('matchFound').then(() => (last = Math.max(last, performance.now()))));
  const t0 = performance.now();
  b.hello(`b${round}`);
  await Promise.all(found);
  a.destroy();
  b.destroy();
  return last - t0;
}

async function main(): Promise<void> {
  const range = await freeUdpPortRange(6);
  const ports = { first: range.first, last: range.first + 3 };
  const barePort = range.first + 5;
  const spawner = new ForkSpawner({ entry: FIXTURE });
  const modes = { duel: { playersPerGame: 2, gameOptions: { fake: { lingerMs: 0 } } } };

  // Cold, interleaved with bare forks.
  const cold = createOrchestrator({ spawner, ports, modes });
  const { port: coldPort } = await cold.listen();
  const coldTimes: number[] = [];
  const bareTimes: number[] = [];
  const spawnTimes: number[] = [];
  cold.on('gameStarted', (e) => spawnTimes.push(e.spawnMs));
  // One warm-up of each (first fork pays for disk caches).
  await exited((await bareForkToReady(barePort)).child);
  await oneMatch(coldPort, -1);
  await until(cold, ['childExited'], () => cold.stats().processes === 0);
  spawnTimes.length = 0;
  for (let round = 0; round < COLD_ROUNDS; round++) {
    const bare = await bareForkToReady(barePort);
    bareTimes.push(bare.ms);
    await exited(bare.child);
    coldTimes.push(await oneMatch(coldPort, round));
    await until(cold, ['childExited'], () => cold.stats().processes === 0);
  }
  await cold.close({ drainMs: 1_000 });
  const coldS = summary(coldTimes);
  const bareS = summary(bareTimes);
  note(`cold: ${JSON.stringify(coldS)}; bare fork-to-ready: ${JSON.stringify(bareS)}`);
  report({ bench: 'orchestrator/bare-fork-to-ready', unit: 'ms', ...bareS });
  report({
    bench: 'orchestrator/time-to-match-cold',
    unit: 'ms',
    ...coldS,
    serverSpawnP50: summary(spawnTimes).p50,
    bareForkToReadyP50: bareS.p50,
    bareForkToReadyP99: bareS.p99,
    ratioP50VsBare: ratio(coldS.p50, bareS.p50),
    ratioP99VsBare: ratio(coldS.p99, bareS.p99),
    target: 'ratioP50VsBare <= 1.2',
  });

  // Warm pool.
  const warm = createOrchestrator({ spawner, ports, modes, warmPoolSize: WARM_POOL });
  const { port: warmPort } = await warm.listen();
  const ready = (): boolean => {
    const s = warm.stats();
    return s.warmIdle === WARM_POOL && s.processes === WARM_POOL;
  };
  await until(warm, ['warmChildReady', 'childExited'], ready);
  const warmTimes: number[] = [];
  let warmStarts = 0;
  const warmSpawn: number[] = [];
  const warmServer: number[] = [];
  warm.on('gameStarted', (e) => {
    warmStarts += e.warm ? 1 : 0;
    warmSpawn.push(e.spawnMs);
    warmServer.push(e.timeToMatchMs);
  });
  await oneMatch(warmPort, -1);
  await until(warm, ['warmChildReady', 'childExited'], ready);
  for (let round = 0; round < WARM_ROUNDS; round++) {
    warmTimes.push(await oneMatch(warmPort, round));
    // Below saturation: the next match comes once the pool is full again, the game is over, and the new warm
    // child had a moment to settle after its start-up.
    await until(warm, ['warmChildReady', 'childExited'], ready);
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_SETTLE_MS ?? 20)));
  }
  await warm.close({ drainMs: 1_000 });
  const warmS = summary(warmTimes);
  note(`warm: ${JSON.stringify(warmS)}`);
  report({
    bench: 'orchestrator/time-to-match-warm',
    unit: 'ms',
    ...warmS,
    warmStarts: warmStarts - 1,
    serverTimeToMatchP50: summary(warmServer).p50,
    serverStartToReadyP50: summary(warmSpawn).p50,
    serverStartToReadyP99: summary(warmSpawn).p99,
    ratioP50VsBare: ratio(warmS.p50, bareS.p50),
    target: 'p99 < 5 ms',
  });
}

await main();
