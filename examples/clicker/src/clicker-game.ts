// The clicker race, a complete game module for the server: `proj-server --game <this file, built>` runs it.
//
// Rules: every player presses as fast as it can; at most one press per player counts per tick (so a faster
// client gains nothing over a fair one); the first to `pressesToWin` presses wins at once; when `timeLimitMs` is
// over, the best score wins (a tie: no winner). Players who leave keep their score and may come back.
// Options (the mode's gameOptions): pressesToWin (1..65535, default 30), timeLimitMs (1000..600000, default 60000).
import type { Game, GameAssignment, GameContext, GameResult, GameStopCause } from '@proj/game-child';
import {
  type ClickerRules,
  type ClickerScore,
  NO_WINNER,
  decodeInput,
  encodeOutcome,
  encodeState,
  encodeWelcome,
} from './clicker-codec.js';

/** The rules a game plays by when its options leave them out. */
export const DEFAULT_CLICKER_RULES: ClickerRules = { pressesToWin: 30, timeLimitMs: 60_000 };

function integerOption(
  options: Readonly<Record<string, unknown>>,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`clicker option ${key} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * The rules from a mode's game options (unknown keys ignored).
 * @throws RangeError for an option out of its range (the child then refuses the game, and the server's check at
 *   start refuses the configuration).
 */
export function clickerRules(options: Readonly<Record<string, unknown>> = {}): ClickerRules {
  return {
    pressesToWin: integerOption(options, 'pressesToWin', 1, 65_535) ?? DEFAULT_CLICKER_RULES.pressesToWin,
    timeLimitMs: integerOption(options, 'timeLimitMs', 1_000, 600_000) ?? DEFAULT_CLICKER_RULES.timeLimitMs,
  };
}

/** A clicker race with these rules. */
export function createClickerGame(rules: ClickerRules = DEFAULT_CLICKER_RULES): Game {
  const scores = new Map<number, number>();
  /** The last press counter counted, per slot. */
  const counters = new Map<number, number>();
  let ctx: GameContext;
  let remainingMs = rules.timeLimitMs;
  let result: GameResult | undefined;
  let started = false;
  let snapshot: Uint8Array = new Uint8Array(0);

  const bySlot = (): ClickerScore[] => [...scores].map(([slot, score]) => ({ slot, score }));
  // Ranked best first; ties by lower slot (the order is stable and the same for everyone).
  const standings = (): ClickerScore[] => bySlot().sort((a, b) => b.score - a.score || a.slot - b.slot);
  const finish = (reason: string): GameResult => {
    const ranked = standings();
    const best = ranked[0];
    const tie = best !== undefined && ranked[1] !== undefined && ranked[1].score === best.score;
    const winner = best === undefined || tie || best.score === 0 ? NO_WINNER : best.slot;
    return { reason, standings: ranked, data: encodeOutcome({ winner, standings: ranked }) };
  };
  const encode = (): void => {
    snapshot = encodeState({ remainingMs, scores: bySlot() }); // a fresh array: the previous one may be in flight
  };

  return {
    setup(players, context) {
      ctx = context;
      for (const p of players) {
        scores.set(p.slot, 0);
        counters.set(p.slot, 0);
      }
      encode();
    },
    start() {
      started = true;
    },
    playerConnected(slot) {
      ctx.sendReliable(encodeWelcome(slot, rules), slot);
    },
    playerDisconnected() {},
    input(slot, payload) {
      const presses = decodeInput(payload); // throws on a malformed input: counted as badInput
      const last = counters.get(slot) ?? 0;
      if (!started) return true; // presses before play begins do not count
      if (presses <= last) return true; // nothing new (a resent input)
      counters.set(slot, presses);
      scores.set(slot, (scores.get(slot) ?? 0) + 1); // one press per tick at most
      return true;
    },
    tick(dtMs: number) {
      remainingMs = Math.max(0, remainingMs - dtMs);
      const best = standings()[0];
      if (best !== undefined && best.score >= rules.pressesToWin) result = finish('won');
      else if (remainingMs === 0) result = finish('timeUp');
      encode();
    },
    snapshotFor: () => snapshot,
    result: () => result,
    stop: (cause: GameStopCause) => (result = finish(cause)),
  };
}

/** The factory the server calls for each game of a mode that names this module. */
export function createGame(assignment: GameAssignment): Game {
  return createClickerGame(clickerRules(assignment.options));
}
