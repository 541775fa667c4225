// Soak: thousands of short games through a small port ring with a warm pool, while children are SIGKILLed at random
// (before and after ready) and players leave at random (while queued, and between match and match-found). After each
// run it checks: every port is back in the ring, no process is left but the warm pool, nobody is queued, no player
// was lost (every player who did not leave got exactly one match-found), nobody was matched twice, every game got K
// players with slots 0..K-1, and no match-found names a game that did not start.
//
// Run: node_modules/.bin/tsx --conditions=@proj/source packages/orchestrator/bench/soak.bench.ts
// BENCH_SMOKE=1: one small run. The invariants are checked in both modes; the script fails if one breaks.
import { performance } from 'node:perf_hooks';
import { ForkSpawner, type Orchestrator, type OrchestratorEvents, createOrchestrator } from '../src/index.js';
import { BenchClient, FIXTURE, freeUdpPortRange, note, report, smoke } from './support.js';

const N = 6;
const K = 2;
const WARM = 2;
const RUNS = smoke ? 1 : 2;
const GAMES_PER_RUN = smoke ? 40 : 1_000;
const LANES = 4 * N * K;
const KILL_BEFORE_READY = 0.05;
const KILL_AFTER_READY = 0.1;
const LEAVE_WHILE_QUEUED = 0.02;
const LEAVE_WHILE_MATCHED = 0.03;

function until(
  o: Orchestrator,
  names: (keyof OrchestratorEvents)[],
  check: () => boolean,
  timeoutMs = 60_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const timer = setInterval(() => tryIt(), 100);
    const deadline = setTimeout(() => {
      done();
      reject(new Error(`soak: condition not reached in ${timeoutMs} ms: ${JSON.stringify(o.stats())}`));
    }, timeoutMs);
    const done = (): void => {
      clearInterval(timer);
      clearTimeout(deadline);
      for (const off of offs) off();
    };
    const tryIt = (): void => {
      if (!check()) return;
      done();
      resolve();
    };
    for (const name of names) offs.push(o.on(name, tryIt));
    tryIt();
  });
}

function kill(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function main(): Promise<void> {
  const orchestrator = createOrchestrator({
    spawner: new ForkSpawner({ entry: FIXTURE }),
    ports: await freeUdpPortRange(N),
    modes: { duel: { playersPerGame: K, gameOptions: { fake: { lingerMs: 20 } } } },
    warmPoolSize: WARM,
    maxConnectionsPerIp: 100_000,
    maxQueuedPerIp: 100_000, // every simulated player comes from 127.0.0.1
    readyTimeoutMs: 20_000,
  });
  const { port } = await orchestrator.listen();
  const clients = new Map<string, BenchClient>();
  /** Players the soak disconnected on purpose. */
  const hungUp = new Set<string>();
  const hangUp = (name: string): void => {
    const client = clients.get(name);
    if (client === undefined) return;
    hungUp.add(name);
    client.destroy();
  };
  /** gameId -> player names by slot, as the orchestrator started it. */
  const started = new Map<string, readonly string[]>();
  const failed: Record<string, number> = {};
  let killsBefore = 0;
  let killsAfter = 0;
  let leftMatched = 0;
  orchestrator.on('gameStarting', (e) => {
    if (Math.random() < KILL_BEFORE_READY) {
      killsBefore++;
      setTimeout(() => kill(e.pid), Math.random() * 40);
    } else if (Math.random() < LEAVE_WHILE_MATCHED) {
      const name = e.players[Math.floor(Math.random() * e.players.length)]!;
      if (clients.has(name)) {
        leftMatched++;
        hangUp(name);
      }
    }
  });
  orchestrator.on('gameStarted', (e) => {
    started.set(e.gameId, e.players);
    if (Math.random() < KILL_AFTER_READY) {
      killsAfter++;
      setTimeout(() => kill(e.pid), Math.random() * 30);
    }
  });
  orchestrator.on('gameLaunchFailed', (e) => (failed[e.reason] = (failed[e.reason] ?? 0) + 1));

  const problems: string[] = [];
  let totalGames = 0;
  let totalPlayers = 0;
  let totalLeft = 0;
  let totalLeftover = 0;
  const t0 = performance.now();
  for (let run = 0; run < RUNS; run++) {
    const players = GAMES_PER_RUN * K;
    let created = 0;
    let leftQueued = 0;
    const found = new Map<string, { gameId: string; slot: number }[]>();
    const left = new Set<string>();
    const startedBefore = new Set(started.keys());
    const lane = async (): Promise<void> => {
      while (created < players) {
        const name = `r${run}p${created++}`;
        const client = await BenchClient.connect(port);
        clients.set(name, client);
        client.onMessage((message) => {
          if (message.type === 'error')
            problems.push(`run ${run}: ${name} got error ${message.code}: ${message.message}`);
          if (message.type === 'matchFound') {
            const list = found.get(name) ?? [];
            list.push({ gameId: message.gameId, slot: message.slot });
            found.set(name, list);
          }
        });
        client.hello(name);
        if (Math.random() < LEAVE_WHILE_QUEUED) {
          setTimeout(() => {
            if (!found.has(name)) hangUp(name);
          }, Math.random() * 20);
        }
        await client.closed;
        clients.delete(name);
        if (!found.has(name)) {
          left.add(name);
          leftQueued++;
        }
      }
    };
    // When every player was created, fewer than K may be left waiting for partners who will never come: once
    // nothing else moves, they leave (counted apart; they were not lost, just never completed a group).
    let leftover = 0;
    const sweeper = setInterval(() => {
      const s = orchestrator.stats();
      if (created < players || s.queued >= K || s.matched > 0 || s.gamesStarting > 0) return;
      for (const name of [...clients.keys()]) {
        if (!found.has(name)) {
          leftover++;
          hangUp(name);
        }
      }
    }, 200);
    await Promise.all(Array.from({ length: LANES }, lane));
    clearInterval(sweeper);
    leftQueued -= leftover;
    // Let the last games end, then every port must be back.
    await until(orchestrator, ['childExited', 'warmChildReady', 'portReleased'], () => {
      const s = orchestrator.stats();
      return s.gamesRunning === 0 && s.gamesStarting === 0 && s.ports.inUse === 0 && s.processes <= WARM;
    });
    const stats = orchestrator.stats();
    if (stats.ports.free + stats.ports.quarantined !== N || stats.ports.quarantined !== 0)
      problems.push(`run ${run}: ports not all back: ${JSON.stringify(stats.ports)}`);
    if (stats.queued !== 0 || stats.matched !== 0 || stats.connectedClients !== 0)
      problems.push(`run ${run}: clients left over: ${JSON.stringify(stats)}`);
    // Players: at most one match-found each, only for a started game, with the slot the game gave them.
    for (const [name, list] of found) {
      if (list.length !== 1) problems.push(`run ${run}: ${name} got ${list.length} match-found`);
      for (const { gameId, slot } of list) {
        const names = started.get(gameId);
        if (names === undefined)
          problems.push(`run ${run}: ${name} got a match-found for ${gameId}, which never started`);
        else if (names[slot] !== name)
          problems.push(`run ${run}: ${name} got slot ${slot} of ${gameId}, which is ${String(names[slot])}'s`);
      }
    }
    // Games: K players each; every one of them got its match-found, unless it had hung up itself by then (a client
    // that disconnects while the match-found is on its way cannot be told: no-shows are the child's business).
    let gamesThisRun = 0;
    for (const [gameId, names] of started) {
      if (startedBefore.has(gameId)) continue;
      gamesThisRun++;
      if (names.length !== K) problems.push(`run ${run}: game ${gameId} has ${names.length} players`);
      names.forEach((name, slot) => {
        const got = found.get(name)?.some((f) => f.gameId === gameId && f.slot === slot) ?? false;
        if (!got && !left.has(name))
          problems.push(`run ${run}: ${name} (slot ${slot} of ${gameId}) never got its match-found`);
      });
    }
    // Nobody lost: every player got a match-found or was hung up by the soak itself.
    for (const name of left)
      if (!hungUp.has(name)) problems.push(`run ${run}: ${name} was closed without a match-found`);
    if (found.size + left.size !== players)
      problems.push(`run ${run}: ${players - found.size - left.size} players unaccounted for`);
    totalGames += gamesThisRun;
    totalPlayers += players;
    totalLeft += leftQueued;
    totalLeftover += leftover;
    note(
      `run ${run}: ${gamesThisRun} games, ${found.size} players matched, ${left.size - leftover} left, ${leftover} leftover, problems so far ${problems.length}`,
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  await orchestrator.close({ drainMs: 1_000 });
  report({
    bench: 'orchestrator/soak',
    runs: RUNS,
    games: totalGames,
    players: totalPlayers,
    playersWhoLeft: totalLeft,
    playersWithoutPartnerAtEnd: totalLeftover,
    childrenKilledBeforeReady: killsBefore,
    childrenKilledAfterReady: killsAfter,
    playersLeftWhileMatched: leftMatched,
    launchFailures: failed,
    gamesPerSec: Math.round((totalGames / seconds) * 10) / 10,
    seconds: Math.round(seconds),
    problems: problems.length,
    ok: problems.length === 0,
  });
  if (problems.length > 0) {
    for (const p of problems.slice(0, 20)) process.stderr.write(`  PROBLEM ${p}\n`);
    process.exitCode = 1;
  }
}

await main();
