// hello -> queued latency with 10,000 clients connected: the clients run in a separate process (each side needs
// its own 10,000 file descriptors); most say hello in waves of 1,000, then probes say hello one at a time while
// everyone else waits in the queues. Also checks that all 10,000 end up queued without a single error.
//
// Run: node_modules/.bin/tsx --conditions=@proj/source packages/orchestrator/bench/hello-queued.bench.ts
// BENCH_SMOKE=1: 500 clients, no thresholds.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ForkSpawner, createOrchestrator } from '../src/index.js';
import { FIXTURE, freeUdpPortRange, note, report, smoke, summary } from './support.js';

const CLIENTS = smoke ? 500 : 10_000;
const PROBES = smoke ? 50 : 500;
const WAVE = smoke ? 100 : 1_000;
// Many modes of 255 players each, so that no group ever fills: everyone stays queued.
const MODES = Math.ceil(CLIENTS / 250);

interface LoadResult {
  connectMs: number;
  burst: number[];
  probes: number[];
  errors: number;
  closed: number;
}

async function main(): Promise<void> {
  const modes: Record<string, { playersPerGame: number }> = {};
  for (let i = 0; i < MODES; i++) modes[`m${i}`] = { playersPerGame: 255 };
  const orchestrator = createOrchestrator({
    spawner: new ForkSpawner({ entry: FIXTURE }),
    ports: await freeUdpPortRange(1),
    modes,
    maxConnections: CLIENTS + 1_000,
    maxConnectionsPerIp: CLIENTS + 1_000,
    maxQueuedPerIp: CLIENTS + 1_000, // every simulated player comes from 127.0.0.1
    helloTimeoutMs: 120_000,
  });
  const { port } = await orchestrator.listen();
  let rejected = 0;
  orchestrator.on('clientRejected', () => rejected++);
  orchestrator.on('frameRejected', () => rejected++);
  const rssBefore = process.memoryUsage().rss;

  // The load process inherits this process's tsx loader flags, so it can import @proj/protocol's source.
  const load = fork(fileURLToPath(new URL('./load-clients.ts', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = await new Promise<LoadResult>((resolve, reject) => {
    load.once('message', (m) => resolve(m as LoadResult));
    load.once('exit', (code) => reject(new Error(`load process exited with ${code}`)));
    load.send({ port, count: CLIENTS, probes: PROBES, wave: WAVE, modes: MODES });
  });
  const stats = orchestrator.stats();
  const rssPerClient = (process.memoryUsage().rss - rssBefore) / CLIENTS;
  load.send('done');
  await new Promise((resolve) => load.once('exit', resolve));
  await orchestrator.close({ drainMs: 0 });

  const burst = summary(result.burst);
  const probes = summary(result.probes);
  note(
    `connect ${CLIENTS}: ${result.connectMs.toFixed(0)} ms; burst ${JSON.stringify(burst)}; probes ${JSON.stringify(probes)}`,
  );
  report({
    bench: 'orchestrator/hello-queued',
    unit: 'ms',
    clients: CLIENTS,
    queuedAtEnd: stats.queued,
    connectedAtEnd: stats.connectedClients,
    errors: result.errors + rejected + (result.closed > 0 ? result.closed : 0),
    probeP50: probes.p50,
    probeP99: probes.p99,
    burstWave: WAVE,
    burstP50: burst.p50,
    burstP99: burst.p99,
    connectAllMs: Math.round(result.connectMs),
    serverRssBytesPerClient: Math.round(rssPerClient),
  });
  if (!smoke && (stats.queued !== CLIENTS || result.errors > 0))
    throw new Error(`expected ${CLIENTS} queued without errors, got ${stats.queued} and ${result.errors} errors`);
}

await main();
