// What a TCP ping flood does to the server, and what the per-connection rate limits leave of it: the built server,
// once idle and then under 8 hostile connections (bench/tcp-flooder.mjs, in their own process, from 127.0.0.2) that
// never say hello, send pings back to back and reconnect as soon as they are closed. Meanwhile honest bots (the
// built cli-client's loadtest, from 127.0.0.1, K = 4, 1 s games) find matches and /healthz is polled every
// HEALTH_EVERY_MS. Figures per scenario: /healthz latency (p50, p99), the bots' time-to-match (hello ->
// match-found; it includes the wait for the group to fill), the server's CPU, and what the flooders saw
// (connections, pongs, RATE_LIMITED errors, each per second; their own CPU). Ratios are against the idle run.
// The flooder runs at nice 19: it stands for a machine elsewhere, not for a program competing for the server's
// cores (on a 2-core host, its own sending would otherwise slow the games and close admission).
//
// Scenarios: idle; flood (the default limits and penalty); flood-no-penalty (limits, --rate-limit-penalty 0: every
// reconnection gets a fresh connection); flood-unlimited (every limit off: the server as it was before them; full
// runs only).
//
// Run: pnpm bench tcp-flood   (BENCH_SMOKE=1: a few bots, short phases, no thresholds)
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  cpuSeconds,
  freeUdpRange,
  note,
  ratio,
  report,
  requireBuilds,
  round,
  runLoadtest,
  sleep,
  smoke,
  startServer,
  summary,
} from './support.mjs';

const FLOODER = fileURLToPath(new URL('./tcp-flooder.mjs', import.meta.url));
const FLOOD_CONNECTIONS = 8;
const FLOOD_ADDRESS = '127.0.0.2';
const K = 4;
const CLIENTS = smoke ? 8 : 60;
const RATE = 10;
const HEALTH_EVERY_MS = 20;
/** The flood runs this long before the bots start, so they meet it at its steady state. */
const FLOOD_LEAD_MS = smoke ? 300 : 2_000;
const modes = { arena: { playersPerGame: K, gameOptions: { timeLimitMs: 1000 } } };
const UNLIMITED = [
  '--messages-per-second',
  '0',
  '--pings-per-second',
  '0',
  '--before-hello-per-second',
  '0',
  '--rate-limit-penalty',
  '0',
];
const SCENARIOS = [
  { name: 'idle', flood: false, args: [] },
  { name: 'flood', flood: true, args: [] },
  { name: 'flood-no-penalty', flood: true, args: ['--rate-limit-penalty', '0'] },
  ...(smoke ? [] : [{ name: 'flood-unlimited', flood: true, args: UNLIMITED }]),
];

function startFlooder(port) {
  const child = spawn(process.execPath, [FLOODER, String(port), String(FLOOD_CONNECTIONS), FLOOD_ADDRESS], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The flooder stands for a machine elsewhere: here it shares the server's cores, so it runs at the lowest
  // priority (below the game children), and what is measured is the harm it does through the server, not the CPU
  // it takes from the host.
  try {
    setPriority(child.pid, 19);
  } catch (error) {
    note(`could not lower the flooder's priority (${error.code ?? error}): it runs at the default`);
  }
  let out = '';
  let cpu = 0;
  const meter = setInterval(() => (cpu = cpuSeconds(child.pid) ?? cpu), 200);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let startedAt = performance.now();
  // Counted from its `ready` line: on a loaded machine the flooder (at nice 19) may take a while to boot.
  const ready = new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready\n')) resolve();
    });
    void exited.then(resolve);
  }).then(() => {
    startedAt = performance.now();
  });
  return {
    ready,
    async stop() {
      cpu = cpuSeconds(child.pid) ?? cpu;
      clearInterval(meter);
      child.kill('SIGTERM');
      await exited;
      const seconds = (performance.now() - startedAt) / 1000;
      const last = out.trim().split('\n').at(-1) ?? '';
      if (!last.startsWith('{')) throw new Error(`the flooder printed no counts (exit before SIGTERM?): ${out}`);
      const counts = JSON.parse(last);
      const per = (n) => round(n / seconds, 0);
      return {
        seconds: round(seconds, 1),
        connectsPerSec: per(counts.connects),
        pongsPerSec: per(counts.pongs),
        rateLimitedPerSec: per(counts.rateLimited),
        connectErrors: counts.connectErrors,
        otherErrors: counts.otherErrors,
        mibSentPerSec: round(counts.bytesSent / 2 ** 20 / seconds, 1),
        cpuPercent: round((cpu / seconds) * 100, 1),
      };
    },
  };
}

/** Polls /healthz every HEALTH_EVERY_MS until stopped; resolves with the latencies (ms). */
function pollHealth(adminUrl) {
  let running = true;
  const latencies = [];
  let failures = 0;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${adminUrl}/healthz`);
        await res.arrayBuffer();
        if (res.ok) latencies.push(performance.now() - t0);
        else failures++;
      } catch {
        failures++;
      }
      await sleep(HEALTH_EVERY_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { latencies, failures };
    },
  };
}

async function scenario({ name, flood, args }) {
  const udpPorts = await freeUdpRange(16);
  const server = await startServer({ udpPorts, warmPool: 4, modes, extraArgs: args });
  try {
    await sleep(smoke ? 200 : 1_000); // the warm pool fills
    const flooder = flood ? startFlooder(server.tcpPort) : undefined;
    await flooder?.ready;
    await sleep(FLOOD_LEAD_MS);
    const health = pollHealth(server.adminUrl);
    const cpu0 = server.overheadCpuSeconds();
    const t0 = performance.now();
    const { report: lt } = await runLoadtest({
      port: server.tcpPort,
      clients: CLIENTS,
      rate: RATE,
      perGame: K,
      mode: 'arena',
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = server.overheadCpuSeconds() - cpu0;
    const { latencies, failures } = await health.stop();
    const flooded = await flooder?.stop();
    const figures = {
      bench: `system/tcp-flood-${name}`,
      unit: 'ms',
      floodConnections: flood ? FLOOD_CONNECTIONS : 0,
      serverArgs: args.join(' '),
      healthz: summary(latencies),
      healthzFailures: failures,
      timeToMatch: {
        n: lt.timeToMatchMs.count,
        p50: round(lt.timeToMatchMs.p50),
        p99: round(lt.timeToMatchMs.p99),
      },
      gamesCompleted: lt.gamesCompleted,
      gamesExpected: lt.gamesExpected,
      botErrors: lt.errors,
      serverCpuPercent: round((cpu / seconds) * 100, 1),
      flooder: flooded,
    };
    note(
      `${name}: /healthz p50 ${figures.healthz.p50} p99 ${figures.healthz.p99} ms; match p50 ${figures.timeToMatch.p50} ms; ` +
        `server CPU ${figures.serverCpuPercent}%; games ${lt.gamesCompleted}/${lt.gamesExpected}; errors ${JSON.stringify(lt.errors)}` +
        (flooded === undefined ? '' : `; flooder ${JSON.stringify(flooded)}`),
    );
    return figures;
  } finally {
    await server.stop();
  }
}

async function main() {
  requireBuilds();
  const results = [];
  for (const s of SCENARIOS) results.push(await scenario(s));
  const idle = results[0];
  for (const r of results) {
    report({
      ...r,
      healthzP99VsIdle: ratio(r.healthz.p99, idle.healthz.p99),
      timeToMatchP50VsIdle: ratio(r.timeToMatch.p50, idle.timeToMatch.p50),
    });
  }
}

await main();
