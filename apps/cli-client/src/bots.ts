import { setMaxListeners } from 'node:events';
import { runBot, type BotOutcome } from './bot-player.js';
import { arenaEndText } from './arena/arena-state.js';
import { formatDuration, formatPercent } from './summary-stats.js';

/** Options of the `bots` command. */
export interface BotsOptions {
  readonly host: string;
  readonly port: number;
  readonly mode: string | undefined;
  readonly count: number;
  /** Games each bot plays one after the other (ignored with `forever`). */
  readonly games: number;
  readonly forever: boolean;
  readonly namePrefix: string;
  readonly json: boolean;
}

/** One line about a bot's finished game (an error line when it failed or its game was not played out). */
export function describeOutcome(o: BotOutcome): string {
  if (o.error !== undefined)
    return `${o.name}  ${o.gameId === undefined ? '' : `game ${o.gameId}  `}error ${o.error.code}: ${o.error.message}`;
  const result = o.result;
  const rank = result?.standings.findIndex((s) => s.slot === o.slot) ?? -1;
  const score = rank >= 0 ? result?.standings[rank]?.score : undefined;
  const s = o.stats;
  const link =
    s === undefined
      ? ''
      : `  rtt ${formatDuration(s.rttMs)}  loss ${formatPercent(s.lossUp)}/${formatPercent(s.lossDown)}  snapshots ${s.snapshotsReceived}`;
  const what =
    result === undefined
      ? `ended (${o.end ?? 'unknown'})`
      : `${result.reasonName} (${arenaEndText(result.arenaReason)})`;
  return `${o.name}  game ${o.gameId ?? '?'}  slot ${o.slot ?? '?'}  ${what}  rank ${rank + 1}/${result?.standings.length ?? 0}  score ${score ?? '-'}${link}`;
}

/**
 * Runs `bots`: `count` headless players with the simple AI, each finding matches and playing `games` games to
 * the end (or until `signal`). Prints one line per game (or one JSON object per line with `json`) and a summary.
 * Resolves with the exit code: 0 when every game was played out to its game over, 1 otherwise.
 */
export async function runBots(options: BotsOptions, out: NodeJS.WritableStream, signal: AbortSignal): Promise<number> {
  // Every bot listens to the one signal (a few listeners each): not a leak, so no warning for more than 10 bots.
  setMaxListeners(Math.max(10, options.count * 4), signal);
  let failures = 0;
  let played = 0;
  const games = new Set<string>();
  const one = async (i: number): Promise<void> => {
    const name = `${options.namePrefix}-${i + 1}`;
    for (let g = 0; options.forever || g < options.games; g++) {
      if (signal.aborted) return;
      const o = await runBot({ host: options.host, port: options.port, name, mode: options.mode, signal });
      if (signal.aborted && o.result === undefined) return;
      played++;
      if (o.gameId !== undefined && o.result !== undefined && o.error === undefined) games.add(o.gameId);
      if (o.result === undefined || o.error !== undefined) failures++;
      out.write(options.json ? `${JSON.stringify(o)}\n` : `${describeOutcome(o)}\n`);
      // A bot that cannot find a match keeps failing fast: back off a little before trying again.
      if (o.error !== undefined && (options.forever || g + 1 < options.games))
        await new Promise((r) => setTimeout(r, 500));
    }
  };
  await Promise.all(Array.from({ length: options.count }, (_, i) => one(i)));
  if (!options.json)
    out.write(
      `bots: ${options.count} bots, ${played} games played (${games.size} distinct games completed), ${failures} failed\n`,
    );
  return failures === 0 && !signal.aborted ? 0 : 1;
}
