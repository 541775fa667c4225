import { type Orchestrator, isOrchestratorError } from '@proj/orchestrator';
import type { EndGameOutcome } from './admin-server.js';

/**
 * Ends a running game for the admin listener (`POST /games/<id>/end`): the orchestrator's `endGame`, its typed errors
 * mapped to HTTP answers (404 unknown game, 409 still starting, 400 a reason it refuses, 503 shutting down).
 */
export function endGameOutcome(
  orchestrator: Pick<Orchestrator, 'endGame'>,
  gameId: string,
  reason: string,
): EndGameOutcome {
  try {
    return { ok: true, gameId: orchestrator.endGame(gameId, { reason }).gameId };
  } catch (error) {
    if (isOrchestratorError(error, 'E_GAME_NOT_FOUND')) {
      return { ok: false, status: 404, code: error.code, message: error.message };
    }
    if (isOrchestratorError(error, 'E_GAME_NOT_RUNNING')) {
      return { ok: false, status: 409, code: error.code, message: error.message };
    }
    if (isOrchestratorError(error, 'E_INVALID_ARGUMENT')) {
      return { ok: false, status: 400, code: error.code, message: error.message };
    }
    if (isOrchestratorError(error, 'E_CLOSED')) {
      return { ok: false, status: 503, code: error.code, message: error.message };
    }
    throw error;
  }
}
