// Games started per second: first at offered loads below saturation (groups of players arriving at a fixed rate),
// then at saturation (the queue always full), beside bare forks per second of the same minimal child at the same
// concurrency (N processes in flight), measured in the same run and interleaved with the saturated windows.
//
// Run: node_modules/.bin/tsx --conditions=@proj/source packages/orchestrator/bench/games-per-second.bench.ts
// BENCH_SMOKE=1: short windows, no thresholds.
import { performance } from 'node:perf_hooks';
import { ForkSpawner, createOrchestrator } from '../src/index.js';
import { BenchClient, FIXTURE, bareForksPerSecond, freeUdpPortRange, note, ratio, report, smoke } from './support.js';

const N = 8;
const K = 2;
const WINDOW_MS = smoke ? 1_000 : 3_000;
const ROUNDS = smoke ? 1 : 4;
const RAMP = smoke ? [0.5] : [0.25, 0.5, 0.75, 1.25];
const RAMP_WINDOW_MS = smoke ? 1_000 : 3_000;

/** One player: connect, hello, wait for match-found, leave. */
async function onePlayer(port: number, name: string): Promise<void> {
  const client = await BenchClient.connect(port);
  const found = client.waitFor('matchFound');
  client.hello(name);
  try {
    await found;
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  const range = await freeUdpPortRange(2 * N);
  const orchestratorPorts = { first: range.first, last: range.first + N - 1 };
  const barePorts = Array.from({ length: N }, (_, i) => range.first + N + i);
  const orchestrator = createOrchestrator({
    spawner: new ForkSpawner({ entry: FIXTURE }),
    ports: orchestratorPorts,
    modes: { duel: { playersPerGame: K, gameOptions: { fake: { lingerMs: 0 } } } },
    maxConnectionsPerIp: 100_000,
    maxQueuedPerIp: 100_000, // every simulated player comes from 127.0.0.1
  });
  const { port } = await orchestrator.listen();
  let started = 0;
  orchestrator.on('gameStarted', () => started++);
  let seq = 0;

  /** Games started per second over `ms` while `lanes` players keep the queue full. */
  const saturated = async (ms: number): Promise<number> => {
    let running = true;
    const lanes = Array.from({ length: 4 * N * K }, async () => {
      while (running) await onePlayer(port, `s${seq++}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // reach the steady state
    const before = started;
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const rate = (started - before) / ((performance.now() - t0) / 1000);
    running = false;
    await Promise.all(lanes);
    return rate;
  };

  /** Games started per second over `ms` when a group of K arrives every 1000/rate ms. */
  const offered = async (rate: number, ms: number): Promise<number> => {
    const before = started;
    const players: Promise<void>[] = [];
    const t0 = performance.now();
    const timer = setInterval(() => {
      for (let i = 0; i < K; i++) players.push(onePlayer(port, `o${seq++}`));
    }, 1000 / rate);
    await new Promise((resolve) => setTimeout(resolve, ms));
    clearInterval(timer);
    const achieved = (started - before) / ((performance.now() - t0) / 1000);
    await Promise.all(players);
    return achieved;
  };

  // Warm-up, not counted: JIT, disk caches, the first connections.
  await bareForksPerSecond(barePorts, smoke ? 300 : 1_000);
  await saturated(smoke ? 300 : 1_000);
  const bareRates: number[] = [];
  const gameRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bareRates.push(await bareForksPerSecond(barePorts, WINDOW_MS));
    gameRates.push(await saturated(WINDOW_MS));
    note(`round ${round}: bare ${bareRates.at(-1)!.toFixed(1)}/s, orchestrator ${gameRates.at(-1)!.toFixed(1)}/s`);
  }
  // Interleaved rounds, averaged: a burst of load from elsewhere on the machine hits both sides alike.
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const bare = mean(bareRates);
  const games = mean(gameRates);

  const ramp: { offeredPerSec: number; achievedPerSec: number }[] = [];
  for (const fraction of RAMP) {
    const rate = Math.max(1, fraction * bare);
    const achieved = await offered(rate, RAMP_WINDOW_MS);
    ramp.push({ offeredPerSec: Math.round(rate * 10) / 10, achievedPerSec: Math.round(achieved * 10) / 10 });
    note(`offered ${rate.toFixed(1)}/s -> ${achieved.toFixed(1)}/s`);
  }
  await orchestrator.close({ drainMs: 2_000 });
  report({
    bench: 'orchestrator/games-per-second',
    concurrency: N,
    playersPerGame: K,
    gamesPerSecSaturated: Math.round(games * 10) / 10,
    bareForksPerSec: Math.round(bare * 10) / 10,
    ratioVsBare: ratio(games, bare),
    ramp,
    target: 'ratioVsBare >= 0.9',
  });
}

await main();
