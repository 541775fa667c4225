import { GameExitCode, GameOverReason, packetDataCapacity, type IpcPlayerResult } from '@proj/protocol';
import { GameStopCause, type Game, type GameResult } from './game.js';
import type { Logger } from './logger.js';

/**
 * Why a game server ended, one per exit code:
 * `gameOver` (the game declared itself over), `noPlayers` (nobody joined before the join deadline),
 * `allLeft` (every player that joined left or went silent), `maxDuration` (the assignment's hard limit),
 * `shutdown` (asked to stop), `parentGone` (the orchestrator went away), `crashed` (the Game plug-in threw).
 */
export const GameEndReason = {
  GAME_OVER: 'gameOver',
  NO_PLAYERS: 'noPlayers',
  ALL_LEFT: 'allLeft',
  MAX_DURATION: 'maxDuration',
  SHUTDOWN: 'shutdown',
  PARENT_GONE: 'parentGone',
  CRASHED: 'crashed',
} as const;
/** A value of {@link GameEndReason}. */
export type GameEndReason = (typeof GameEndReason)[keyof typeof GameEndReason];

/** How a game server ended. */
export interface GameEnd {
  readonly reason: GameEndReason;
  /** The process exit code this reason maps to (see {@link exitCodeFor}). */
  readonly exitCode: GameExitCode;
  /** The game's result (its own reason, ranked standings, result bytes); undefined for noPlayers and crashed. */
  readonly result: GameResult | undefined;
  /** Every seat's final score and whether it was connected at the end, ranked; as reported over IPC. */
  readonly results: readonly IpcPlayerResult[];
  /** The error the game threw, for `crashed`. */
  readonly error?: unknown;
}

const exitCodes: Readonly<Record<GameEndReason, GameExitCode>> = {
  gameOver: GameExitCode.GAME_OVER,
  noPlayers: GameExitCode.NO_PLAYERS,
  allLeft: GameExitCode.ALL_LEFT,
  maxDuration: GameExitCode.MAX_DURATION,
  shutdown: GameExitCode.SHUTDOWN,
  parentGone: GameExitCode.PARENT_GONE,
  crashed: GameExitCode.CRASHED,
};

/**
 * The process exit code for an end reason: gameOver 0, crashed 1, noPlayers 10, allLeft 11, parentGone 12,
 * maxDuration 15, shutdown 16.
 */
export function exitCodeFor(reason: GameEndReason): GameExitCode {
  return exitCodes[reason];
}

/** The UDP gameOver packet reason for an end reason. @internal */
export function gameOverReasonFor(reason: GameEndReason): GameOverReason {
  switch (reason) {
    case 'gameOver':
      return GameOverReason.COMPLETED;
    case 'maxDuration':
      return GameOverReason.TIME_LIMIT;
    case 'allLeft':
      return GameOverReason.PLAYERS_LEFT;
    case 'noPlayers':
      return GameOverReason.ABORTED;
    default:
      return GameOverReason.SERVER_SHUTDOWN;
  }
}

/**
 * Every seat's final score, ranked as the game ranked them (`result.standings`, unknown or duplicate slots
 * ignored), then the seats the game did not rank, in slot order with score 0. @internal
 */
export function rankResults(
  seats: ReadonlyMap<number, { readonly name: string; readonly connected: boolean }>,
  result: GameResult | undefined,
): IpcPlayerResult[] {
  const order: number[] = [];
  const scores = new Map<number, number>();
  for (const st of result?.standings ?? []) {
    if (seats.has(st.slot) && !scores.has(st.slot) && Number.isFinite(st.score)) {
      scores.set(st.slot, st.score);
      order.push(st.slot);
    }
  }
  for (const slot of [...seats.keys()].sort((a, b) => a - b)) if (!scores.has(slot)) order.push(slot);
  return order.map((slot) => {
    const seat = seats.get(slot)!;
    return { slot, name: seat.name, score: scores.get(slot) ?? 0, connected: seat.connected };
  });
}

const stopCauses: Partial<Record<GameEndReason, GameStopCause>> = {
  allLeft: GameStopCause.ALL_LEFT,
  maxDuration: GameStopCause.MAX_DURATION,
  shutdown: GameStopCause.SHUTDOWN,
  parentGone: GameStopCause.PARENT_GONE,
};

/**
 * The cause to pass to `Game.stop` when the server ends the game for `reason` (undefined: do not call it). @internal
 */
export function stopCauseFor(reason: GameEndReason): GameStopCause | undefined {
  return stopCauses[reason];
}

/**
 * How the game ended for `reason`: the game's own result (`given.result`, else `game.stop(cause)` for the
 * reasons that have a stop cause; a throwing `stop` is recorded as the error), with result bytes that do not
 * fit the gameOver packet dropped (logged), and every seat ranked. Never throws. @internal
 */
export function concludeGame(
  reason: GameEndReason,
  game: Game,
  seats: ReadonlyMap<number, { readonly name: string; readonly connected: boolean }>,
  given: { readonly error?: unknown; readonly result?: GameResult | undefined },
  logger: Logger,
  gameId: string,
): GameEnd {
  let result = given.result;
  let failure = given.error;
  const cause = stopCauseFor(reason);
  if (result === undefined && cause !== undefined) {
    try {
      result = game.stop(cause);
    } catch (e) {
      failure = e;
    }
  }
  if (
    result?.data !== undefined &&
    !(result.data instanceof Uint8Array && result.data.length <= packetDataCapacity('gameOver'))
  ) {
    logger.warn('game result data dropped: not a Uint8Array that fits the gameOver packet', { gameId });
    result = { ...result, data: new Uint8Array(0) };
  }
  return {
    reason,
    exitCode: exitCodeFor(reason),
    result,
    results: rankResults(seats, result),
    ...(failure !== undefined ? { error: failure } : {}),
  };
}
