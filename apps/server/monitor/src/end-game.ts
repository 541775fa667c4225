// `POST games/<id>/end`, relative to the page (so that it works behind a path-preserving proxy). The browser
// sends the admin credentials itself (Basic auth entered at its prompt).
import type { AdminErrorBody, EndGameRequest } from '../../src/monitor-snapshot.js';

/** The reason the confirm form starts with. */
export const DEFAULT_END_REASON = 'ended by an operator';

/** The longest reason the server takes. */
export const MAX_REASON_LENGTH = 200;

/** The outcome of an end request: accepted (the game is ending), or refused with a message to show. */
export type EndGameOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** The end endpoint's URL for a game id, relative to the page. */
export function endGameUrl(gameId: string): string {
  return `games/${encodeURIComponent(gameId)}/end`;
}

/** Why a reason cannot be sent, or undefined when it can. */
export function checkReason(reason: string): string | undefined {
  const trimmed = reason.trim();
  if (trimmed.length === 0) return 'Give a reason.';
  if (trimmed.length > MAX_REASON_LENGTH) return `At most ${MAX_REASON_LENGTH} characters.`;
  return undefined;
}

/** The message of an error answer: the body's `error.message` when it has one, else the HTTP status. */
export function errorMessage(status: number, body: unknown): string {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as Partial<AdminErrorBody>).error;
    if (typeof error?.message === 'string' && error.message.length > 0) return error.message;
  }
  return `The server answered HTTP ${status}.`;
}

/** Asks the server to end a game. Never rejects: a network failure is an outcome with a message. */
export async function requestEndGame(gameId: string, reason: string): Promise<EndGameOutcome> {
  const body: EndGameRequest = { reason: reason.trim() };
  let response: Response;
  try {
    response = await fetch(endGameUrl(gameId), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    return { ok: false, message: `Could not reach the server (${error instanceof Error ? error.message : 'error'}).` };
  }
  if (response.status === 202 || response.ok) return { ok: true };
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    parsed = undefined;
  }
  return { ok: false, message: errorMessage(response.status, parsed) };
}
