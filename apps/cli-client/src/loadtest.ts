import { performance } from 'node:perf_hooks';
import { runBot, type BotOutcome } from './bot-player.js';
import { buildReport, formatReport, type LoadtestReport } from './loadtest-report.js';

/** Options of the `loadtest` command. */
export interface LoadtestOptions {
  readonly host: string;
  readonly port: number;
  readonly mode: string | undefined;
  /** C: clients in all. */
  readonly clients: number;
  /** R: new clients per second. */
  readonly rate: number;
  /** K: players per game of the mode (to expect C/K games and cancel a group that cannot fill). */
  readonly perGame: number;
  readonly json: boolean;
  /** Stop everything after this long (ms). */
  readonly timeoutMs: number;
  readonly namePrefix: string;
}

type Phase = 'waiting' | 'connecting' | 'queued' | 'playing' | 'done';

/** Live counts for the progress display. */
interface Progress {
  started: number;
  readonly phases: Map<string, Phase>;
  errors: number;
  games: Set<string>;
}

function count(p: Progress, phase: Phase): number {
  let n = 0;
  for (const v of p.phases.values()) if (v === phase) n++;
  return n;
}

function progressLine(p: Progress, total: number, elapsedMs: number): string {
  const bar = 20;
  const done = count(p, 'done');
  const filled = Math.round((done / Math.max(1, total)) * bar);
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(bar - filled)}] ${(elapsedMs / 1000).toFixed(1)}s  ` +
    `started ${p.started}/${total}  queued ${count(p, 'queued')}  playing ${count(p, 'playing')}  done ${done}  ` +
    `games ${p.games.size}  errors ${p.errors}`
  );
}

/**
 * Runs `loadtest`: C clients arrive at R per second, each finds a match and plays it with the bot AI to the end.
 * While it runs, a progress line on `err` (redrawn in place on a terminal, every 2 s otherwise). Then prints
 * the summary table (or the JSON report with `json`) on `out`. Clients that wait for a group that can no longer
 * fill (C not a multiple of K) are cancelled and counted as unmatched. Resolves with the report and the exit
 * code: 0 without errors, 1 otherwise.
 */
export async function runLoadtest(
  options: LoadtestOptions,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream & { isTTY?: boolean },
  signal: AbortSignal,
): Promise<{ readonly report: LoadtestReport; readonly exitCode: number }> {
  const startedAt = performance.now();
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
  const progress: Progress = { started: 0, phases: new Map(), errors: 0, games: new Set() };
  const controllers = new Map<string, AbortController>();
  const unmatched = new Set<string>();
  const outcomes: BotOutcome[] = [];
  const tty = err.isTTY === true;
  let lastPrinted = 0;
  const show = (final = false): void => {
    const now = performance.now();
    const line = progressLine(progress, options.clients, now - startedAt);
    if (tty) err.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else if (final || now - lastPrinted >= 2000) {
      lastPrinted = now;
      err.write(`${line}\n`);
    }
  };

  const client = async (i: number): Promise<void> => {
    const name = `${options.namePrefix}-${i + 1}`;
    const controller = new AbortController();
    controllers.set(name, controller);
    progress.phases.set(name, 'connecting');
    progress.started++;
    const o = await runBot({
      host: options.host,
      port: options.port,
      name,
      mode: options.mode,
      signal: AbortSignal.any([deadline, controller.signal]),
      onQueued: () => progress.phases.set(name, 'queued'),
      onMatch: () => progress.phases.set(name, 'playing'),
    });
    progress.phases.set(name, 'done');
    if (o.error !== undefined && !unmatched.has(name)) progress.errors++;
    if (o.result !== undefined && o.error === undefined && o.gameId !== undefined) progress.games.add(o.gameId);
    outcomes.push(o);
  };

  const running: Promise<void>[] = [];
  const interval = 1000 / options.rate;
  const ticker = setInterval(() => {
    show();
    // Everyone arrived and nobody plays or connects: whoever still waits can never be matched.
    const waiting = count(progress, 'queued');
    if (
      progress.started === options.clients &&
      waiting > 0 &&
      waiting < options.perGame &&
      count(progress, 'playing') === 0 &&
      count(progress, 'connecting') === 0
    ) {
      for (const [name, phase] of progress.phases) {
        if (phase !== 'queued') continue;
        unmatched.add(name);
        controllers.get(name)?.abort();
      }
    }
  }, 250);
  try {
    for (let i = 0; i < options.clients && !deadline.aborted; i++) {
      const due = startedAt + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (deadline.aborted) break;
      running.push(client(i));
    }
    await Promise.all(running);
  } finally {
    clearInterval(ticker);
  }
  show(true);
  const report = buildReport(
    {
      clients: options.clients,
      rate: options.rate,
      perGame: options.perGame,
      mode: options.mode,
      durationMs: performance.now() - startedAt,
    },
    outcomes,
    unmatched,
  );
  out.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  const failed = Object.values(report.errors).reduce((a, b) => a + b, 0) + (options.clients - outcomes.length);
  return { report, exitCode: failed === 0 ? 0 : 1 };
}
