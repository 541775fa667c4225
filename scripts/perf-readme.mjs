#!/usr/bin/env node
// Writes the README's Performance section from bench-results/latest.json (what the last full `pnpm bench` measured),
// between the <!-- performance --> and <!-- /performance --> markers, so the figures there are never typed by hand.
//
// Usage: node scripts/perf-readme.mjs [results.json]    (pnpm bench:readme)
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = process.argv[2] ?? `${root}bench-results/latest.json`;
const { machine, results, failures } = JSON.parse(readFileSync(resultsFile, 'utf8'));
if (machine.smoke) throw new Error(`${resultsFile} is a smoke run: its tiny counts are no performance figures`);

const byName = new Map(results.map((r) => [r.bench, r]));
const get = (bench) => byName.get(bench) ?? {};
const fmt = (v, digits = 2) => {
  if (v === undefined || v === null || Number.isNaN(v)) return '-';
  if (typeof v !== 'number') return String(v);
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(0)} k`;
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
};
const table = (header, rows) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => fmt(c)).join(' | ')} |`),
  ].join('\n');
const errorsText = (e) => (e === undefined ? '-' : Object.keys(e).length === 0 ? 'none' : JSON.stringify(e));

const out = [];
out.push(
  `Measured by \`pnpm bench\` on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
    `${machine.platform}, revision \`${machine.gitRevision}\`, ${machine.date.slice(0, 10)}. The machine is shared and ` +
    'noisy: read medians and ratios (each ratio is measured side by side in the same run), not single figures. ' +
    'Reproduce with `pnpm bench` (about 25 minutes on this machine; `pnpm bench <filter>` runs the files whose path contains it) ' +
    'and refresh this section with `pnpm bench:readme`. All figures of this run: `docs/perf/bench-latest.json` ' +
    '(`pnpm bench` writes them to `bench-results/latest.json`; `bench:readme` copies that file there).',
);
if (failures.length > 0) out.push(`\nThat run reported failures: ${failures.join('; ')}.`);

out.push(
  '\n**Time to match and time to game, whole system** (`bench/time-to-game.bench.mjs`): the built server with ' +
    'real arena children (1 s games, 16 ports), the built `loadtest` as players arriving at 40 a second, K = 4. ' +
    "Time to match is each player's hello -> its match-found, so it includes the wait for its group to fill; " +
    '"last player" is the orchestrator\'s own figure, the group\'s last hello -> match-found sent. Time to game is ' +
    'hello -> first snapshot. In ms.\n',
);
const ttg = [];
for (const clients of [100, 1000]) {
  for (const label of ['cold', 'warm']) {
    const r = get(`system/time-to-game-${label}-${clients}`);
    ttg.push([
      `${clients} clients, ${label}`,
      r.timeToMatch?.p50,
      r.timeToMatch?.p95,
      r.timeToMatch?.p99,
      r.serverTimeToMatchLastPlayer?.p50,
      r.serverTimeToMatchLastPlayer?.p99,
      r.timeToGame?.p50,
      r.timeToGame?.p95,
      r.timeToGame?.p99,
      r.gamesCompleted === undefined ? undefined : `${r.gamesCompleted}/${r.gamesExpected}`,
      errorsText(r.errors),
    ]);
  }
}
out.push(
  table(['run', 'match p50', 'p95', 'p99', 'last player p50', 'p99', 'game p50', 'p95', 'p99', 'games', 'errors'], ttg),
);

const bursts = results.filter((r) => typeof r.bench === 'string' && r.bench.startsWith('system/burst-'));
if (bursts.length > 0) {
  const b0 = bursts[0];
  out.push(
    '\n**Bursts, whole system** (`bench/burst.bench.mjs`): the built server with real arena children ' +
      `(${fmt(b0.gameSeconds, 0)} s games, K = ${fmt(b0.playersPerGame, 0)}, ${fmt(b0.ports, 0)} ports), the built ` +
      `\`loadtest\` as players arriving in a burst, run at nice ${fmt(b0.loadtestNice, 0)} so that it is never ` +
      'starved and what is measured is the server. Connect -> queued is opening the TCP connection -> the first ' +
      "`queued` frame; ELU is the orchestrator's event-loop utilisation in 250 ms windows; tree CPU is the " +
      'orchestrator, its fork server and every game child, per second of a player in a game; PSS is the peak sum ' +
      "over that tree; tick late is the running games' tick lateness p99 (`/games`, '-' when the server does not " +
      'report it). Times in ms.\n',
  );
  const pair = (d, a, b) => (d === undefined || d === null ? '-' : `${fmt(d[a])} / ${fmt(d[b])}`);
  out.push(
    table(
      [
        'players, rate, tick, server flags',
        'game p50 / p99',
        'max',
        'games',
        'errors',
        'connect -> queued p99',
        'orchestrator CPU s',
        'loadtest CPU s',
        'ELU p50 / p99',
        'tree CPU ms per player-s',
        'peak PSS MiB',
        'tick late p99',
      ],
      bursts.map((r) => [
        `${fmt(r.players, 0)} at ${fmt(r.ratePerSec, 0)}/s, ${fmt(r.tickRateHz, 0)} Hz` +
          (r.spawner === undefined || r.spawner === 'fork-server' ? '' : `, --spawner ${r.spawner}`) +
          (r.serverArgs === undefined || r.serverArgs.length === 0 ? '' : `, ${r.serverArgs.join(' ')}`),
        pair(r.timeToGame, 'p50', 'p99'),
        r.timeToGame?.max,
        r.gamesCompleted === undefined ? undefined : `${r.gamesCompleted}/${r.gamesExpected}`,
        errorsText(r.errors),
        r.connectToQueued?.p99,
        r.orchestratorCpuSeconds,
        r.loadtestCpuSeconds,
        pair(r.eventLoopUtilization, 'p50', 'p99'),
        r.treeCpuMsPerPlayerSecond,
        r.peakTreePssMiB,
        r.tickLateP99Ms,
      ]),
    ),
  );
}

const cold = get('orchestrator/time-to-match-cold');
const warm = get('orchestrator/time-to-match-warm');
const gps = get('orchestrator/games-per-second');
const hq = get('orchestrator/hello-queued');
out.push(
  '\n**Orchestrator alone** (`packages/orchestrator/bench`, a minimal fake child so only the orchestrator is ' +
    'measured; K = 2, one game at a time below saturation):\n',
);
out.push(
  table(
    ['figure', 'measured', 'beside it, same run', 'ratio', 'target'],
    [
      [
        'time to match, cold, p50 / p99 ms',
        `${fmt(cold.p50)} / ${fmt(cold.p99)}`,
        `bare fork-to-ready ${fmt(cold.bareForkToReadyP50)} / ${fmt(cold.bareForkToReadyP99)}`,
        `${fmt(cold.ratioP50VsBare, 3)} / ${fmt(cold.ratioP99VsBare, 3)}`,
        'p50 <= 1.2x bare',
      ],
      [
        'time to match, warm pool, p50 / p99 ms',
        `${fmt(warm.p50)} / ${fmt(warm.p99)}`,
        `${fmt(warm.warmStarts, 0)} warm starts`,
        '-',
        'p99 < 5 ms',
      ],
      [
        'games started per second at saturation',
        fmt(gps.gamesPerSecSaturated),
        `bare forks ${fmt(gps.bareForksPerSec)}/s (${fmt(gps.concurrency, 0)} in flight)`,
        fmt(gps.ratioVsBare, 3),
        '>= 0.9x bare',
      ],
      [
        `hello -> queued with ${fmt(hq.clients, 0)} clients connected, p50 / p99 ms`,
        `${fmt(hq.probeP50)} / ${fmt(hq.probeP99)}`,
        `burst of ${fmt(hq.burstWave, 0)}: ${fmt(hq.burstP50)} / ${fmt(hq.burstP99)}`,
        '-',
        `${fmt(hq.errors, 0)} errors`,
      ],
    ],
  ),
);

const sat = get('system/saturation');
const start = get('system/child-fork-to-ready');
const startCpu = get('system/child-start-cpu');
const settledCpu = get('system/child-start-cpu-settled');
const busy = get('system/time-to-game-warm-1000');
const warmIdle = get('system/warm-pool-idle');
/** A row of the child start benchmark: the game child's p50 / p99 beside both bare children's, and the ratios. */
const startRow = (label, r) => [
  label,
  `${fmt(r.gameChild?.p50)} / ${fmt(r.gameChild?.p99)}`,
  `bare Node child ${fmt(r.bareChild?.p50)} / ${fmt(r.bareChild?.p99)}; ` +
    `as CommonJS ${fmt(r.bareChildCjs?.p50)} / ${fmt(r.bareChildCjs?.p99)}`,
  `${fmt(r.ratioP50VsBare, 3)} / ${fmt(r.ratioP99VsBare, 3)}; ` +
    `${fmt(r.ratioP50VsBareCjs, 3)} / ${fmt(r.ratioP99VsBareCjs, 3)}`,
];
const cpuPerGame = [20, 30].map((hz) => get(`game-child/cpu-per-game-${hz}hz`));
out.push(
  '\n**Saturation and child processes, whole system** (`bench/saturation.bench.mjs`, `bench/child-start.bench.mjs`; ' +
    "the server's game child entry is one bundled CommonJS file, so a child's start is set beside a bare Node child " +
    'written as an ES module and, after the semicolon, as CommonJS):\n',
);
out.push(
  table(
    ['figure', 'measured', 'beside it, same run', 'ratio'],
    [
      [
        `games started per second, ${fmt(sat.clients, 0)} players always waiting, 1 s games, ${fmt(sat.ports, 0)} ports`,
        fmt(sat.gamesPerSecSaturated),
        `bare forks ${fmt(sat.bareForksPerSec)}/s`,
        fmt(sat.ratioVsBare, 3),
      ],
      [
        'server CPU and peak RSS meanwhile',
        `${fmt(sat.serverCpuPercent)} % of a core, ${fmt(sat.serverPeakRssMiB)} MiB`,
        '-',
        '-',
      ],
      startRow('child fork-to-ready p50 / p99 ms', start),
      startRow('child CPU fork-to-ready (all threads) p50 / p99 ms', startCpu),
      startRow(
        `child CPU fork to ${fmt(settledCpu.settleMs, 0)} ms after ready (crypto warm-up included) p50 / p99 ms`,
        settledCpu,
      ),
      [
        'child RSS idle (ready, no player) MiB',
        fmt(start.idleRssMiB),
        `bare Node child ${fmt(start.bareIdleRssMiB)}`,
        fmt(start.idleRssRatioVsBare, 3),
      ],
      [
        'child PSS idle (ready, no player) MiB',
        fmt(start.idlePssMiB),
        `bare Node child ${fmt(start.bareIdlePssMiB)}; as CommonJS ${fmt(start.bareCjsIdlePssMiB)}`,
        fmt(start.idlePssRatioVsBare, 3),
      ],
      ...cpuPerGame.map((c) => [
        `game child CPU, 4-player arena game at ${fmt(c.tickRateHz, 0)} Hz, ms per s: a typical second of a warm ` +
          `game (median of the one-second slices of 30-45 s into it); after the semicolon the whole of 2-12 s (V8 ` +
          `still compiling); median of ${fmt(c.rounds, 0)} games (\`packages/game-child/bench/child-cpu.bench.ts\`)`,
        `${fmt(c.steady?.gameChildTypicalMsPerS ?? c.steady?.gameChildMsPerS)}; ${fmt(c.early?.gameChildMsPerS)}`,
        `bare loop (one UDP socket, a ${fmt(c.tickRateHz, 0)} Hz timer, a ${fmt(c.snapshotBytes, 0)}-byte datagram to ` +
          `each of 4 peers per tick, their inputs), same windows ` +
          `${fmt(c.steady?.bareLoopTypicalMsPerS ?? c.steady?.bareLoopMsPerS)}; ${fmt(c.early?.bareLoopMsPerS)}`,
        `${fmt(c.steady?.typicalRatio ?? c.steady?.ratio, 3)}; ${fmt(c.early?.ratio, 3)}`,
      ]),
      [
        `warm child idle (said idle, no game): CPU ms per s, PSS / USS MiB (${fmt(warmIdle.warmChildren, 0)} children)`,
        `${fmt(warmIdle.warmCpuMsPerS, 3)}; ${fmt(warmIdle.warmPssMiB)} / ${fmt(warmIdle.warmUssMiB)}`,
        `bare Node child ${fmt(warmIdle.bareCpuMsPerS, 3)}; ${fmt(warmIdle.barePssMiB)} / ${fmt(warmIdle.bareUssMiB)}`,
        `USS ${fmt(warmIdle.ussRatioVsBare, 3)}`,
      ],
      [
        'child RSS busy (4-player game), median / max MiB',
        `${fmt(busy.childBusyRssMiBMedian)} / ${fmt(busy.childBusyRssMiBMax)}`,
        `not in a game (warm or booting) ${fmt(busy.childIdleRssMiBMedian)}`,
        '-',
      ],
    ],
  ),
);

out.push(
  "\n**One child's capacity** (`packages/game-child/bench`: players served with tick p99 under a quarter of " +
    'the tick budget and no snapshot lost on loopback):\n',
);
const capRows = [];
for (const hz of [30, 60]) {
  const r = get(`game-child/max-players-${hz}hz`);
  capRows.push([
    `${hz} Hz`,
    r.maxPlayers,
    r.tickP50Ms,
    r.tickP99Ms,
    r.budgetQuarterMs,
    r.snapshotsLost,
    r.snapshotBytesMax,
    r.ppsIn,
    r.ppsOut,
    r.serverPeakRssMiB,
  ]);
}
const target = get('game-child/target-128-players-60hz');
if (target.bench !== undefined) {
  capRows.push([
    'target: 128 players, 60 Hz',
    target.players ?? 128,
    target.tickP50Ms,
    target.tickP99Ms,
    4,
    target.snapshotsLost,
    target.snapshotBytesMax,
    target.ppsIn,
    target.ppsOut,
    target.serverPeakRssMiB,
  ]);
}
out.push(
  table(
    [
      'rate',
      'max players',
      'tick p50 ms',
      'tick p99 ms',
      'p99 limit ms',
      'snapshots lost',
      'largest snapshot B',
      'packets/s in',
      'out',
      'peak RSS MiB',
    ],
    capRows,
  ),
);
const rss = get('game-child/rss');
if (rss.bench !== undefined)
  out.push(
    `\nIdle child RSS ${fmt(rss.idleChildMiB)} MiB beside a bare Node process bound to one UDP socket ${fmt(rss.bareNodeUdpMiB)} MiB: ${fmt(rss.idleRatio, 3)}x (target 1.1x).`,
  );

const floods = results.filter((r) => typeof r.bench === 'string' && r.bench.startsWith('system/tcp-flood-'));
if (floods.length > 0) {
  out.push(
    '\n**A TCP ping flood** (`bench/tcp-flood.bench.mjs`): the built server, idle and then under ' +
      `${fmt(floods.find((r) => r.floodConnections > 0)?.floodConnections, 0)} connections (another address, nice 19) ` +
      'that never say hello, send pings back to back and reconnect as soon as they are closed, while loadtest bots ' +
      'find matches and `/healthz` is polled; ratios against the idle run (target: within 2x). Times in ms.\n',
  );
  out.push(
    table(
      ['scenario', 'server flags', '/healthz p50', 'p99', 'vs idle', 'match p50', 'vs idle', 'server CPU %', 'games'],
      floods.map((r) => [
        r.bench.slice('system/tcp-flood-'.length),
        r.serverArgs === '' || r.serverArgs === undefined ? '-' : `\`${r.serverArgs}\``,
        r.healthz?.p50,
        r.healthz?.p99,
        r.healthzP99VsIdle === undefined ? '-' : `${fmt(r.healthzP99VsIdle)}x`,
        r.timeToMatch?.p50,
        r.timeToMatchP50VsIdle === undefined ? '-' : `${fmt(r.timeToMatchP50VsIdle)}x`,
        r.serverCpuPercent,
        r.gamesCompleted === undefined ? undefined : `${r.gamesCompleted}/${r.gamesExpected}`,
      ]),
    ),
  );
}

const sqTtm = get('server/shared-queue-time-to-match');
const sqTrip = get('server/shared-queue-round-trip');
const sqSus = get('server/shared-queue-sustained');
if (sqTtm.bench !== undefined || sqSus.bench !== undefined) {
  out.push(
    '\n**Shared queue on Redis** (`apps/server/bench/shared-queue.bench.ts`): one orchestrator with its own queue ' +
      `against ${fmt(sqTtm.redis?.hosts ?? sqSus.hosts, 0)} orchestrator processes sharing one redis-server, players ` +
      'spread round-robin over them, the same open-loop generator in the same run (interleaved rounds), ' +
      `${sqTtm.mode ?? 'duel'}. The game children are simulated in the host processes (no fork: real ones cannot ` +
      "start hundreds of games a second on 2 cores), so these are the queue's figures, not a game's. Time to " +
      "match is each player's hello -> its match-found (it includes the wait for the other player); " +
      '"from last hello" is per game, its last hello -> its last match-found. In ms.\n',
  );
  if (sqTtm.bench !== undefined) {
    const ttmRow = (label, r, g) => [label, r?.p50, r?.p99, g?.p50, g?.p99, r?.errors];
    out.push(
      table(
        [`at ${fmt(sqTtm.offeredPerSec, 0)} players/s`, 'p50', 'p99', 'from last hello p50', 'p99', 'errors'],
        [
          ttmRow('local queue, 1 host', sqTtm.local, sqTtm.fromLastHello?.local),
          ttmRow(`Redis, ${fmt(sqTtm.redis?.hosts, 0)} hosts`, sqTtm.redis, sqTtm.fromLastHello?.redis),
          [
            'overhead',
            sqTtm.overheadP50Ms,
            sqTtm.overheadP99Ms,
            sqTtm.fromLastHello?.overheadP50Ms,
            sqTtm.fromLastHello?.overheadP99Ms,
            `target p99 <= 10 ms: ${sqTtm.targetMet === undefined ? '-' : sqTtm.targetMet ? 'met' : 'missed'}`,
          ],
        ],
      ),
    );
  }
  const trip = (r) => (r === undefined || r.n === 0 ? '-' : `${fmt(r.p50)} / ${fmt(r.p99)}`);
  if (sqTrip.bench !== undefined) {
    out.push(
      `\nRedis round trips seen by the hosts at ${fmt(sqTrip.offeredPerSec, 0)}/s (p50 / p99 ms): claim ` +
        `${trip(sqTrip.claim)} (${fmt(sqTrip.claim?.n, 0)} claims for ${fmt(sqTrip.claimedGroups, 0)} groups), ` +
        `join ${trip(sqTrip.join)}, confirm ${trip(sqTrip.confirm)}, inbox ${trip(sqTrip.inbox)}.`,
    );
  }
  if (sqSus.bench !== undefined) {
    out.push(`\nSustained load for ${fmt(sqSus.windowMs / 1000, 0)} s (target: ${sqSus.target ?? '-'}):\n`);
    const susRow = (label, s) => [
      label,
      s.offeredPerSec,
      s.achievedPerSec,
      s.errors,
      s.timeToMatch?.p50,
      s.timeToMatch?.p99,
      s.redisCpuUsPerTicket ?? '-',
      s.hostCpuUsPerPlayer,
    ];
    const rows = [];
    if (sqSus.localReference !== undefined)
      rows.push(susRow(`${fmt(sqSus.hosts, 0)} local queues (reference)`, sqSus.localReference));
    for (const s of sqSus.steps ?? []) rows.push(susRow(`Redis, ${fmt(sqSus.hosts, 0)} hosts`, s));
    out.push(
      table(
        [
          'queue',
          'offered /s',
          'matched /s',
          'errors',
          'time to match p50',
          'p99',
          'Redis CPU µs/ticket',
          'hosts CPU µs/player',
        ],
        rows,
      ),
    );
  }
}

out.push('\n**Micro-benchmarks** (operations per second, median of samples):\n');
const micro = results.filter(
  (r) =>
    /^(protocol|port-ring|matchmaker)\//.test(r.bench) &&
    (r.opsPerSec ?? r.groupsPerSec ?? r.readsPerSec) !== undefined,
);
out.push(
  table(
    ['benchmark', 'ops/s', 'median ns', 'note'],
    micro.map((r) => [
      r.bench,
      r.opsPerSec ?? r.groupsPerSec ?? r.readsPerSec,
      r.medianNs,
      r.ringSpeedup !== undefined
        ? `ring ${r.ringSpeedup}x faster`
        : r.queued !== undefined
          ? `${fmt(r.queued, 0)} queued`
          : (r.op ?? r.unit ?? ''),
    ]),
  ),
);

const soak = get('orchestrator/soak');
if (soak.bench !== undefined) {
  out.push(
    `\n**Soak** (\`packages/orchestrator/bench/soak.bench.ts\`): ${fmt(soak.games, 0)} games in ${fmt(soak.runs, 0)} runs ` +
      `(${fmt(soak.seconds, 0)} s), ${fmt(soak.childrenKilledBeforeReady, 0)} children killed before ready and ` +
      `${fmt(soak.childrenKilledAfterReady, 0)} after; after every run every port was back, and problems found ` +
      `(a player lost or matched twice, a port missing): ${fmt(soak.problems, 0)}.`,
  );
}

const readmeFile = `${root}README.md`;
const readme = readFileSync(readmeFile, 'utf8');
const begin = '<!-- performance -->';
const end = '<!-- /performance -->';
if (!readme.includes(begin) || !readme.includes(end)) throw new Error(`README.md has no ${begin} ... ${end} block`);
const next = `${readme.slice(0, readme.indexOf(begin) + begin.length)}\n${out.join('\n')}\n${readme.slice(readme.indexOf(end))}`;
writeFileSync(readmeFile, next);
if (process.argv[2] === undefined) mkdirSync(`${root}docs/perf`, { recursive: true });
if (process.argv[2] === undefined) copyFileSync(resultsFile, `${root}docs/perf/bench-latest.json`);
console.log(`README.md Performance section written from ${resultsFile}`);
