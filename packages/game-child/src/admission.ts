import { DenyReason, ProtocolError, denyReasonFor, verifyConnectToken, type TokenReplayGuard } from '@proj/protocol';
import type { PlayerSession } from './player-session.js';
import { DropReason } from './server-stats.js';

/** What to do with a connect request. @internal */
export type AdmissionDecision =
  /** Answer `denied` with `reason`; count the request under `drop`. */
  | { readonly kind: 'deny'; readonly reason: DenyReason; readonly drop: DropReason }
  /** The sender already holds this slot (a resent request): answer `accepted` again, change nothing. */
  | { readonly kind: 'duplicate'; readonly session: PlayerSession }
  /** Bind `session` to the sender (first join, or rebind of a disconnected slot); `release` is a disconnected
   * slot the sender's address held before, to unbind from it. */
  | { readonly kind: 'admit'; readonly session: PlayerSession; readonly release: PlayerSession | undefined };

/** What admission needs to know about the game. @internal */
export interface AdmissionContext {
  readonly gameId: string;
  readonly secret: Uint8Array;
  /** Epoch ms after which no token of this game is accepted, whatever its own expiry. */
  readonly tokenExpiresAt: number;
  readonly sessions: ReadonlyMap<number, PlayerSession>;
  readonly byAddress: ReadonlyMap<string, PlayerSession>;
  readonly guard: TokenReplayGuard;
  /** True once the game ended (connect requests are then refused). */
  readonly ended: boolean;
}

const dropForCode: Readonly<Record<string, DropReason>> = {
  E_TOKEN_FORGED: DropReason.TOKEN_FORGED,
  E_TOKEN_EXPIRED: DropReason.TOKEN_EXPIRED,
  E_TOKEN_REUSED: DropReason.TOKEN_REUSED,
  E_TOKEN_WRONG_GAME: DropReason.WRONG_GAME,
  E_REPLAY_GUARD_FULL: DropReason.REPLAY_GUARD_FULL,
};

function denyFor(error: unknown): AdmissionDecision {
  const code = error instanceof ProtocolError ? error.code : '';
  return { kind: 'deny', reason: denyReasonFor(error), drop: dropForCode[code] ?? DropReason.TOKEN_MALFORMED };
}

/**
 * Decides a connect request from address `key` carrying `token`. The rules (also in the README):
 *
 * 1. The token must verify with the game's secret (signature), be for this game id, not be expired (its own
 *    expiry and the game's `tokenExpiresAt`), and name a slot of this game. The game must not have ended.
 * 2. If the sender's address already holds that slot and it is connected: a resent request, answered again.
 * 3. If the slot is connected from another address: denied (TOKEN_REUSED if this token was used before,
 *    SLOT_TAKEN for a fresh one); an active player is never displaced.
 * 4. If the sender's address holds another slot that is connected: denied SLOT_TAKEN (one seat per address).
 * 5. Otherwise (slot never joined, or disconnected) the token is claimed in the replay guard with rebind
 *    allowed for its own slot: the first use, or a reuse of the same slot's token to reconnect, admits.
 *
 * Only `verifyConnectToken` (HMAC over ~100 bytes) costs anything; a guard claim happens only on admission,
 * so a denied token is never burned. With `claim` false (the connect request of a sender whose address is not
 * yet verified) nothing is claimed at all: 'admit' then only says a challenge may be sent, and the decision is
 * made again, claiming, when the sender echoes it. Never throws.
 */
export function decideAdmission(
  token: Uint8Array,
  key: string,
  nowEpochMs: number,
  ctx: AdmissionContext,
  claim = true,
): AdmissionDecision {
  let claims;
  try {
    claims = verifyConnectToken(token, ctx.secret, { now: nowEpochMs, gameId: ctx.gameId });
  } catch (error) {
    return denyFor(error);
  }
  if (nowEpochMs > ctx.tokenExpiresAt)
    return { kind: 'deny', reason: DenyReason.TOKEN_EXPIRED, drop: DropReason.TOKEN_EXPIRED };
  const session = ctx.sessions.get(claims.slot);
  if (session === undefined) return { kind: 'deny', reason: DenyReason.GAME_FULL, drop: DropReason.UNKNOWN_SLOT };
  if (ctx.ended) return { kind: 'deny', reason: DenyReason.GAME_OVER, drop: DropReason.GAME_OVER };
  if (session.connected && session.key === key) return { kind: 'duplicate', session };
  if (session.connected) {
    const used = ctx.guard.has(claims.nonce, nowEpochMs);
    return used
      ? { kind: 'deny', reason: DenyReason.TOKEN_REUSED, drop: DropReason.TOKEN_REUSED }
      : { kind: 'deny', reason: DenyReason.SLOT_TAKEN, drop: DropReason.SLOT_TAKEN };
  }
  const holder = ctx.byAddress.get(key);
  if (holder !== undefined && holder !== session && holder.connected) {
    return { kind: 'deny', reason: DenyReason.SLOT_TAKEN, drop: DropReason.SLOT_TAKEN };
  }
  try {
    if (claim) ctx.guard.claim(claims, { now: nowEpochMs, allowRebind: true });
  } catch (error) {
    return denyFor(error);
  }
  return { kind: 'admit', session, release: holder !== undefined && holder !== session ? holder : undefined };
}
