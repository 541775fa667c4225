/**
 * Why an incoming datagram was dropped (each one is counted under exactly one reason):
 *
 * - `oversize`: larger than MAX_DATAGRAM_BYTES (1,200), never decoded.
 * - `malformed`: not a valid packet of our UDP protocol (wrong protocol id, truncated, unknown type...).
 * - `rateLimited`: over the sender's packet rate (per address:port; unknown senders get a much lower rate).
 * - `unknownSender`: anything but a connect request from an address that holds no slot (spoofed or stray).
 * - `tokenMalformed`, `tokenForged`, `tokenExpired`, `tokenReused`, `wrongGame`: connect request whose token
 *   is unparsable, has a bad signature, has expired, was used and the slot is active, or is for another game.
 * - `unknownSlot`: a genuine token for a slot this game does not have.
 * - `slotTaken`: a fresh token for a slot that is connected from another address (or from an address that
 *   already holds another connected slot).
 * - `gameOver`: a connect request after the game ended.
 * - `replayGuardFull`: the replay guard holds too many unexpired tokens (fails closed).
 * - `unverified`: a packet other than `challengeResponse` from an address that was sent a challenge and has not
 *   echoed it yet (its seat is not bound to it: a spoofed source address, or a client that skipped the check).
 * - `challengeFailed`: a `challengeResponse` whose cookie is not the one its address was sent, or from an
 *   address that has no outstanding challenge (and holds no seat it already proved).
 * - `stale`: a duplicate or out-of-date packet from a player (older sequence, older input).
 * - `badInput`: an input the game rejected as malformed.
 * - `unexpected`: a packet type a client must not send (snapshot, accepted...), or any packet from an address
 *   whose slot was disconnected.
 * - `internalError`: handling the datagram (or a GameServer event listener) threw, a bug; the server carries on.
 */
export const DropReason = {
  OVERSIZE: 'oversize',
  MALFORMED: 'malformed',
  RATE_LIMITED: 'rateLimited',
  UNKNOWN_SENDER: 'unknownSender',
  TOKEN_MALFORMED: 'tokenMalformed',
  TOKEN_FORGED: 'tokenForged',
  TOKEN_EXPIRED: 'tokenExpired',
  TOKEN_REUSED: 'tokenReused',
  WRONG_GAME: 'wrongGame',
  UNKNOWN_SLOT: 'unknownSlot',
  SLOT_TAKEN: 'slotTaken',
  GAME_OVER: 'gameOver',
  REPLAY_GUARD_FULL: 'replayGuardFull',
  UNVERIFIED: 'unverified',
  CHALLENGE_FAILED: 'challengeFailed',
  STALE: 'stale',
  BAD_INPUT: 'badInput',
  UNEXPECTED: 'unexpected',
  INTERNAL_ERROR: 'internalError',
} as const;
/** A value of {@link DropReason}. */
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

/** Counters of a game server since it started; all are monotonic. */
export interface GameServerStats {
  readonly packetsIn: number;
  readonly bytesIn: number;
  readonly packetsOut: number;
  readonly bytesOut: number;
  /** Sends the socket reported as failed (for example ENOBUFS). */
  readonly sendErrors: number;
  readonly snapshotsSent: number;
  /** Reliable events sent for the first time. */
  readonly reliableSent: number;
  /** Reliable event retransmissions. */
  readonly reliableResent: number;
  /** Reliable events acknowledged by their player. */
  readonly reliableAcked: number;
  /** `accepted` packets sent, each the answer to a proven address (first joins, reconnects and duplicates). */
  readonly accepted: number;
  /** `challenge` packets sent (valid connect requests from addresses not yet proven, resends included). */
  readonly challengesSent: number;
  /** Challenges echoed correctly from the address they were sent to (the address is then trusted). */
  readonly challengesPassed: number;
  /** Accepted connections that rebound a slot that had been connected before. */
  readonly reconnects: number;
  /** Connect requests (or challenge responses) answered with `denied`. */
  readonly denied: number;
  /** Players marked disconnected after `disconnectTimeoutMs` of silence. */
  readonly timeouts: number;
  readonly ticks: number;
  /** Ticks skipped because the loop fell behind. */
  readonly skippedTicks: number;
  /** Dropped incoming datagrams by reason; the sum of all drops is `droppedTotal`. */
  readonly dropped: Readonly<Record<DropReason, number>>;
  readonly droppedTotal: number;
}

/** The mutable counters behind {@link GameServerStats}. @internal */
export type MutableStats = {
  -readonly [K in Exclude<keyof GameServerStats, 'dropped' | 'droppedTotal' | 'ticks' | 'skippedTicks'>]: number;
} & {
  dropped: Record<DropReason, number>;
};

/** Zeroed counters. @internal */
export function createStats(): MutableStats {
  const dropped = Object.fromEntries(Object.values(DropReason).map((r) => [r, 0])) as Record<DropReason, number>;
  return {
    packetsIn: 0,
    bytesIn: 0,
    packetsOut: 0,
    bytesOut: 0,
    sendErrors: 0,
    snapshotsSent: 0,
    reliableSent: 0,
    reliableResent: 0,
    reliableAcked: 0,
    accepted: 0,
    challengesSent: 0,
    challengesPassed: 0,
    reconnects: 0,
    denied: 0,
    timeouts: 0,
    dropped,
  };
}

/** A frozen copy of `stats` plus the loop's counters. @internal */
export function snapshotStats(stats: MutableStats, ticks: number, skippedTicks: number): GameServerStats {
  const dropped = { ...stats.dropped };
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
  return Object.freeze({ ...stats, dropped: Object.freeze(dropped), droppedTotal, ticks, skippedTicks });
}
