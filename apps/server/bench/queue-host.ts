// One orchestrator host of shared-queue.bench.ts, in its own process (forked by the bench with its tsx flags): on
// `open` it creates an orchestrator with simulated children (see in-process-children.ts) and, when given a Redis
// URL, the shared queue of @proj/matchmaker-redis; it tells the bench its TCP port, records every Redis round trip
// (`hooks.roundTrip`) and a few counters, and on `close` closes the orchestrator and sends them back. `exit` ends
// the process. Not a benchmark by itself (no .bench.ts suffix).
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createRedisQueue } from '@proj/matchmaker-redis';
import { type Orchestrator, type QueueBackend, createOrchestrator } from '@proj/orchestrator';
import { InProcessSpawner, takeListenerExceptions } from './in-process-children.js';

/** What the bench asks a host to run. */
export interface HostConfig {
  readonly instanceId: string;
  /** The shared queue's Redis; undefined: the orchestrator's own in-memory queue. */
  readonly redisUrl: string | undefined;
  readonly keyPrefix: string;
  readonly mode: string;
  readonly playersPerGame: number;
  /** Port numbers handed to games (never bound: the children are simulated). */
  readonly ports: { readonly first: number; readonly last: number };
  /** How long a simulated game lasts after ready, ms. */
  readonly gameMs: number;
}

/** Messages from the bench. */
export type HostCommand =
  { type: 'open'; config: HostConfig } | { type: 'reset' } | { type: 'close' } | { type: 'exit' };

/** What a host sends back on `close`: everything since the last `reset` (or `open`). */
export interface HostReport {
  readonly instanceId: string;
  /** Round trips to Redis by operation ('join', 'claim', 'confirm', ...), ms. */
  readonly roundTrips: Record<string, number[]>;
  /**
   * Exceptions the orchestrator threw into its (simulated) children's message or exit callbacks, by "during:
   * message": with real children each would have been an uncaught exception, the end of the host process.
   */
  readonly listenerExceptions: Record<string, number>;
  /** Counters: games started, launch failures by reason, remote matches, requeues by why, claimed groups... */
  readonly counts: Record<string, number>;
  /** This process's CPU time (user + system), ms. */
  readonly cpuMs: number;
  /** Event-loop delay p99 and max, ms. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  readonly elapsedMs: number;
}

/** Messages to the bench. */
export type HostMessage =
  { type: 'listening'; port: number } | { type: 'closed'; report: HostReport } | { type: 'failed'; message: string };

let orchestrator: Orchestrator | undefined;
let instanceId = '';
let roundTrips: Record<string, number[]> = {};
let counts: Record<string, number> = {};
let cpuAt = process.cpuUsage();
let since = performance.now();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function count(name: string, by = 1): void {
  counts[name] = (counts[name] ?? 0) + by;
}

function reset(): void {
  roundTrips = {};
  counts = {};
  cpuAt = process.cpuUsage();
  since = performance.now();
  loopDelay.reset();
  takeListenerExceptions();
}

function send(message: HostMessage): void {
  process.send!(message);
}

/**
 * Counts the backend's rejected operations (`failed.<op>: <message>`) and the confirms' results (`confirm.<result>`),
 * wrapping its methods in place: the orchestrator sees the same backend.
 */
function countOutcomes(backend: QueueBackend): void {
  const target = backend as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const op of ['join', 'leave', 'claim', 'confirm', 'requeue', 'positions', 'restore', 'sizes']) {
    const method = target[op]!.bind(backend);
    target[op] = (...args) =>
      method(...args).then(
        (result) => {
          if (op === 'confirm') {
            const r = result as Awaited<ReturnType<QueueBackend['confirm']>>;
            count(`confirm.${r.ok ? 'ok' : r.reason}`);
          }
          return result;
        },
        (error: unknown) => {
          count(
            `failed.${op}: ${error instanceof Error ? error.message.replace(/[0-9a-f-]{36}/g, '<id>') : String(error)}`,
          );
          throw error;
        },
      );
  }
}

async function open(config: HostConfig): Promise<void> {
  instanceId = config.instanceId;
  const modes = { [config.mode]: { playersPerGame: config.playersPerGame } };
  const queueBackend =
    config.redisUrl === undefined
      ? undefined
      : createRedisQueue({
          url: config.redisUrl,
          instanceId: config.instanceId,
          modes,
          keyPrefix: config.keyPrefix,
          hooks: {
            roundTrip: (operation, ms) => (roundTrips[operation] ??= []).push(Math.round(ms * 1000) / 1000),
            claimed: (groups) => {
              count('claimedGroups', groups);
              count('claimsWithGroups');
            },
            requeued: (tickets, why) => count(`requeued.${why}`, tickets),
            recovered: (result) => count('recoveredInstances', result.instances),
          },
        });
  if (queueBackend !== undefined) countOutcomes(queueBackend);
  const o = createOrchestrator({
    spawner: new InProcessSpawner(config.gameMs),
    ...(queueBackend === undefined ? {} : { queueBackend }),
    ports: config.ports,
    modes,
    // Every simulated player comes from 127.0.0.1, hundreds per second: the per-address caps would refuse them.
    maxConnections: 100_000,
    maxConnectionsPerIp: 100_000,
    maxQueuedPerIp: 100_000,
    noShowLimit: 0,
    backlog: 8_192,
    // Simulated children cost no fork: the start bound and the CPU check (the whole machine is busy with the bench
    // itself) would only measure themselves.
    maxConcurrentStarts: 10_000,
    admissionCpuThreshold: 0,
    admissionMaxTickLate: 0,
  });
  orchestrator = o;
  o.on('gameStarted', () => count('gamesStarted'));
  o.on('gameLaunchFailed', (e) => count(`launchFailed.${e.reason}`));
  o.on('playerMatchedRemotely', () => count('matchedRemotely'));
  o.on('clientRejected', (e) => count(`clientRejected.${e.reason}`));
  o.on('frameRejected', () => count('frameRejected'));
  o.on('playerLeft', (e) => count(`playerLeft.${e.reason}`));
  o.on('queueAvailability', (e) => count(e.available ? 'queueAvailable' : 'queueUnavailable'));
  o.on('queueBackendFailed', () => count('queueBackendFailed'));
  const { port } = await o.listen();
  loopDelay.enable();
  reset();
  send({ type: 'listening', port });
}

async function close(): Promise<void> {
  const o = orchestrator;
  orchestrator = undefined;
  const cpu = process.cpuUsage(cpuAt);
  const elapsedMs = performance.now() - since;
  const report: HostReport = {
    instanceId,
    roundTrips,
    listenerExceptions: takeListenerExceptions(),
    counts,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    elapsedMs,
  };
  loopDelay.disable();
  await o?.close({ drainMs: 2_000 });
  send({ type: 'closed', report });
}

process.on('message', (command: HostCommand) => {
  const run = async (): Promise<void> => {
    if (command.type === 'open') await open(command.config);
    else if (command.type === 'reset') reset();
    else if (command.type === 'close') await close();
    else process.exit(0);
  };
  run().catch((error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  });
});
// The bench going away (crash, kill) closes the IPC channel: do not outlive it.
process.on('disconnect', () => process.exit(0));
