import { ShutdownReason } from '@proj/protocol';
import { OrchestratorError } from './errors.js';
import type { Emit, LaunchedGame } from './launched-game.js';

/** Options of `Orchestrator.endGame`. */
export interface EndGameOptions {
  /** Why (1..{@link MAX_END_REASON_LENGTH} characters, no control characters): logged and in the game's events. */
  readonly reason: string;
  /**
   * How long the child may take to end the game (tell its players, linger for their acknowledgements) before it is
   * SIGKILLed, ms: an integer in 0..2^31 - 1. Default: the orchestrator's `shutdownGraceMs`.
   */
  readonly graceMs?: number;
}

/** What `Orchestrator.endGame` ended (or was already ending). */
export interface EndedGame {
  readonly gameId: string;
  readonly mode: string;
  readonly port: number;
  readonly pid: number | undefined;
}

/** The longest reason `endGame` accepts, in characters (code points). */
export const MAX_END_REASON_LENGTH = 200;
/** The longest grace period `endGame` accepts (the largest timer delay). */
const MAX_GRACE_MS = 2 ** 31 - 1;

function invalid(message: string): never {
  throw new OrchestratorError('E_INVALID_ARGUMENT', `endGame: ${message}`);
}

/**
 * Checks the arguments of `endGame` and fills the default grace period.
 * @throws OrchestratorError `E_INVALID_ARGUMENT` naming the bad argument.
 */
export function checkEndGame(
  gameId: unknown,
  options: unknown,
  defaultGraceMs: number,
): { readonly reason: string; readonly graceMs: number } {
  if (typeof gameId !== 'string') invalid('gameId must be a string');
  if (typeof options !== 'object' || options === null) invalid('options must be an object { reason, graceMs? }');
  const { reason, graceMs } = options as Record<string, unknown>;
  if (typeof reason !== 'string') invalid('reason must be a string');
  const length = [...reason].length;
  if (length === 0 || length > MAX_END_REASON_LENGTH)
    invalid(`reason must be 1..${MAX_END_REASON_LENGTH} characters (got ${length})`);
  if (/\p{Cc}/u.test(reason)) invalid('reason must not contain control characters');
  if (graceMs === undefined) return { reason, graceMs: defaultGraceMs };
  if (typeof graceMs !== 'number' || !Number.isInteger(graceMs) || graceMs < 0 || graceMs > MAX_GRACE_MS)
    invalid(`graceMs must be an integer in [0, ${MAX_GRACE_MS}]`);
  return { reason, graceMs };
}

/**
 * Ends the running `game` (looked up as `gameId`) for an operator: records the request (the game is `ending` until
 * its child exits), emits `gameEndRequested`, tells the child to stop (`shutdown`, reason `endedByOperator`) and
 * arms its SIGKILL `graceMs` later. A game already ending is left as it is (idempotent).
 * @throws OrchestratorError `E_GAME_NOT_FOUND` (no such game starting or running), `E_GAME_NOT_RUNNING` (still
 * starting).
 */
export function endRunningGame(
  game: LaunchedGame | undefined,
  gameId: string,
  request: { readonly reason: string; readonly graceMs: number },
  emit: Emit,
): EndedGame {
  if (game === undefined) throw new OrchestratorError('E_GAME_NOT_FOUND', `no game ${gameId} is starting or running`);
  const ended: EndedGame = { gameId: game.gameId, mode: game.mode, port: game.port, pid: game.child?.pid };
  if (game.endRequest !== undefined) return ended;
  if (game.state !== 'running')
    throw new OrchestratorError('E_GAME_NOT_RUNNING', `game ${gameId} is still starting: retry in a moment`);
  game.endRequest = request.reason;
  emit('gameEndRequested', { ...ended, reason: request.reason });
  game.child?.stop(ShutdownReason.ENDED_BY_OPERATOR, request.graceMs);
  return ended;
}
