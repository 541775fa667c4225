import { performance } from 'node:perf_hooks';
import { ClientError, ClientErrorCode } from './errors.js';
import { GameSession } from './game-session.js';
import type { MatchFound } from './match.js';
import { openAndHandshake } from './reopen.js';
import { resolveConnectOptions, type ConnectOptions } from './session-options.js';
import { resolveTarget } from './udp-link.js';

function checkMatch(match: MatchFound): void {
  const ok =
    typeof match === 'object' &&
    match !== null &&
    typeof match.host === 'string' &&
    Number.isInteger(match.port) &&
    match.port >= 1 &&
    match.port <= 65535 &&
    match.token instanceof Uint8Array &&
    match.token.length > 0 &&
    typeof match.tokenExpiresAt === 'number';
  if (!ok)
    throw new ClientError(
      ClientErrorCode.INVALID_ARGUMENT,
      'match must be a MatchFound from findMatch (host, port, token, tokenExpiresAt)',
    );
}

/**
 * Joins the game of `match` over UDP: opens a socket to the child, sends the connect token and resends it with
 * exponential backoff until the child answers. Resolves with the open {@link GameSession}.
 *
 * Rejects with a {@link ClientError}: E_INVALID_ARGUMENT (bad match or options), E_CONNECT_TIMEOUT (no answer
 * within `connectTimeoutMs`: the child is gone or unreachable), E_DENIED (refused: `denyReason`/`denyReasonName`,
 * e.g. GAME_OVER, SLOT_TAKEN), E_TOKEN_EXPIRED (the token expired: find a new match), E_SOCKET (the host does
 * not resolve or the socket fails), E_ABORTED (`signal` fired).
 */
export async function connect(match: MatchFound, options: ConnectOptions = {}): Promise<GameSession> {
  checkMatch(match);
  const resolved = resolveConnectOptions(options);
  const start = performance.now();
  const target = await resolveTarget(resolved.host ?? match.host, match.port, resolved.signal);
  const { link, result } = await openAndHandshake(
    { target, token: match.token, deadline: start + resolved.connectTimeoutMs, signal: resolved.signal },
    resolved,
  );
  return new GameSession({ match, target, link, handshake: result, options: resolved });
}
