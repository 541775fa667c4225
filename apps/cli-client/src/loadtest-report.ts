import type { BotOutcome } from './bot-player.js';
import { distribution, formatDuration, formatPercent, formatTable, type Distribution } from './summary-stats.js';

/** Everything `loadtest` measured, as printed with --json. */
export interface LoadtestReport {
  readonly clients: number;
  readonly rate: number;
  readonly perGame: number;
  readonly mode: string | null;
  readonly durationMs: number;
  /** Hello -> match-found, ms. */
  readonly timeToMatchMs: Distribution;
  /** Hello -> first snapshot, ms. */
  readonly timeToGameMs: Distribution;
  /** Opening the TCP connection -> the first `queued` frame, ms: how promptly the orchestrator takes players in. */
  readonly connectToQueuedMs: Distribution;
  /** Smoothed RTT of each client at its end, ms. */
  readonly rttMs: Distribution;
  /** Distinct games at least one client saw played out to game over (not stopped by the server). */
  readonly gamesCompleted: number;
  /** floor(clients / perGame). */
  readonly gamesExpected: number;
  /** Clients whose game was played out to game over. */
  readonly playersCompleted: number;
  readonly snapshotsReceived: number;
  readonly snapshotsMissed: number;
  /** Packet loss client -> child and child -> client, weighted by packets. */
  readonly lossUp: number;
  readonly lossDown: number;
  /** Clients left waiting for a group that could not fill (clients not a multiple of perGame); cancelled. */
  readonly unmatched: number;
  /** Failed clients by error code. */
  readonly errors: Readonly<Record<string, number>>;
}

/** Builds the report from every client's outcome (unmatched ones are passed separately, not as errors). */
export function buildReport(
  setup: { clients: number; rate: number; perGame: number; mode: string | undefined; durationMs: number },
  outcomes: readonly BotOutcome[],
  unmatched: ReadonlySet<string>,
): LoadtestReport {
  const errors: Record<string, number> = {};
  const games = new Set<string>();
  let players = 0;
  let snapshots = 0;
  let missed = 0;
  let sent = 0;
  let lostUp = 0;
  let received = 0;
  let lostDown = 0;
  for (const o of outcomes) {
    if (o.error !== undefined && !unmatched.has(o.name)) errors[o.error.code] = (errors[o.error.code] ?? 0) + 1;
    if (o.result !== undefined && o.error === undefined) {
      players++;
      if (o.gameId !== undefined) games.add(o.gameId);
    }
    const s = o.stats;
    if (s !== undefined) {
      snapshots += s.snapshotsReceived;
      missed += s.snapshotsMissed;
      sent += s.packetsSent;
      lostUp += s.lossUp * s.packetsSent;
      received += s.packetsReceived;
      lostDown += s.lossDown * s.packetsReceived;
    }
  }
  return {
    clients: setup.clients,
    rate: setup.rate,
    perGame: setup.perGame,
    mode: setup.mode ?? null,
    durationMs: Math.round(setup.durationMs),
    timeToMatchMs: distribution(outcomes.map((o) => o.timeToMatchMs)),
    timeToGameMs: distribution(outcomes.map((o) => o.timeToGameMs)),
    connectToQueuedMs: distribution(outcomes.map((o) => o.connectToQueuedMs)),
    rttMs: distribution(outcomes.map((o) => o.stats?.rttMs)),
    gamesCompleted: games.size,
    gamesExpected: Math.floor(setup.clients / setup.perGame),
    playersCompleted: players,
    snapshotsReceived: snapshots,
    snapshotsMissed: missed,
    lossUp: sent === 0 ? 0 : lostUp / sent,
    lossDown: received === 0 ? 0 : lostDown / received,
    unmatched: unmatched.size,
    errors,
  };
}

function row(label: string, d: Distribution): string[] {
  return [
    label,
    formatDuration(d.p50),
    formatDuration(d.p95),
    formatDuration(d.p99),
    formatDuration(d.max),
    String(d.count),
  ];
}

/** The human summary: a percentile table and the totals. */
export function formatReport(r: LoadtestReport): string {
  const head = `loadtest: ${r.clients} clients at ${r.rate}/s, ${r.perGame} per game, mode ${r.mode ?? '(default)'}, ${(r.durationMs / 1000).toFixed(1)} s`;
  const table = formatTable([
    ['', 'p50', 'p95', 'p99', 'max', 'n'],
    row('time to match', r.timeToMatchMs),
    row('time to game', r.timeToGameMs),
    row('connect to queued', r.connectToQueuedMs),
    row('rtt', r.rttMs),
  ]);
  const errors = Object.entries(r.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const totals = formatTable(
    [
      [
        'games completed',
        `${r.gamesCompleted} of ${r.gamesExpected} expected (${r.playersCompleted} players saw game over)`,
      ],
      ['snapshots received', `${r.snapshotsReceived} (${r.snapshotsMissed} missed)`],
      ['loss up / down', `${formatPercent(r.lossUp)} / ${formatPercent(r.lossDown)}`],
      ['unmatched', `${r.unmatched}`],
      ['errors', errors === '' ? 'none' : errors],
    ],
    'left',
  );
  return `${head}\n\n${table}\n\n${totals}\n`;
}
