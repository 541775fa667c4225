import { ProtocolError } from './errors.js';

/**
 * Numeric error codes the orchestrator sends in a TCP `error` frame (u16 on the wire), just before
 * it closes the connection. Clients must tolerate codes they do not know (newer servers add some).
 */
export const WireErrorCode = {
  /** A frame could not be decoded (bad length, unknown type, invalid field, invalid UTF-8, ...). */
  BAD_FRAME: 1,
  /** A frame declared more bytes than the server accepts. */
  FRAME_TOO_LARGE: 2,
  /** The client speaks another protocol version. */
  UNSUPPORTED_VERSION: 3,
  /** The requested game mode does not exist. */
  UNKNOWN_MODE: 4,
  /** The player name was refused (empty, too long, reserved or disallowed characters). */
  BAD_NAME: 5,
  /** No hello arrived in time after the connection opened. */
  HELLO_TIMEOUT: 6,
  /** The server holds as many connections as it accepts. */
  SERVER_FULL: 7,
  /** Too many connections come from the client's IP address. */
  TOO_MANY_FROM_IP: 8,
  /** The server is shutting down and takes no more players. */
  SHUTTING_DOWN: 9,
  /** A second hello on a connection that is already queued. */
  ALREADY_QUEUED: 10,
  /** A message that is not valid in the connection's current state (or direction). */
  UNEXPECTED_MESSAGE: 11,
  /** The client stopped answering pings. */
  IDLE_TIMEOUT: 12,
  /** The client sent messages faster than the server allows. */
  RATE_LIMITED: 13,
  /** A server-side failure; nothing the client did. */
  INTERNAL: 14,
  /**
   * Refused for a while: recent matches given to this address or name were never joined (no-shows). The message
   * says how long to wait.
   */
  NO_SHOW_BACKOFF: 15,
  /** Too many players from the client's IP address are queued or matched and not yet in their games. */
  TOO_MANY_QUEUED_FROM_IP: 16,
  /**
   * The matchmaking queue is out of reach for now (a queue shared by several servers lost its store): nothing the
   * client did; try again in a few seconds.
   */
  QUEUE_UNAVAILABLE: 17,
} as const;
/** A value of {@link WireErrorCode}. */
export type WireErrorCode = (typeof WireErrorCode)[keyof typeof WireErrorCode];

const wireErrorDescriptions: Readonly<Record<WireErrorCode, string>> = {
  1: 'malformed frame',
  2: 'frame too large',
  3: 'unsupported protocol version',
  4: 'unknown game mode',
  5: 'player name refused',
  6: 'no hello in time',
  7: 'server full',
  8: 'too many connections from this address',
  9: 'server shutting down',
  10: 'already queued',
  11: 'unexpected message',
  12: 'idle timeout',
  13: 'rate limited',
  14: 'internal server error',
  15: 'refused for a while: recent matches were not joined',
  16: 'too many players queued from this address',
  17: 'matchmaking queue unavailable, try again shortly',
};

function namesOf(table: Readonly<Record<string, number>>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, code]) => [code, name]));
}
const wireErrorNames = namesOf(WireErrorCode);

/** True when `code` is one of the {@link WireErrorCode} values of this version. */
export function isWireErrorCode(code: number): code is WireErrorCode {
  return wireErrorNames.has(code);
}

/** The constant name of a wire error code ('FRAME_TOO_LARGE'), or `WIRE_<n>` for an unknown one. Never throws. */
export function wireErrorName(code: number): string {
  return wireErrorNames.get(code) ?? `WIRE_${code}`;
}

/**
 * A short human description of a wire error code ('frame too large'), or `error <n>` for an unknown one. Never throws.
 */
export function describeWireError(code: number): string {
  return isWireErrorCode(code) ? wireErrorDescriptions[code] : `error ${code}`;
}

/**
 * The wire code the orchestrator should send for an error thrown while decoding a client's frames:
 * FRAME_TOO_LARGE for E_FRAME_TOO_LARGE, UNSUPPORTED_VERSION for E_UNSUPPORTED_VERSION, BAD_FRAME for
 * any other ProtocolError, INTERNAL for anything else. Never throws.
 */
export function wireErrorCodeFor(error: unknown): WireErrorCode {
  if (!(error instanceof ProtocolError)) return WireErrorCode.INTERNAL;
  switch (error.code) {
    case 'E_FRAME_TOO_LARGE':
      return WireErrorCode.FRAME_TOO_LARGE;
    case 'E_UNSUPPORTED_VERSION':
      return WireErrorCode.UNSUPPORTED_VERSION;
    default:
      return WireErrorCode.BAD_FRAME;
  }
}

/**
 * Why a game child refuses a UDP connect request (u8 in a `denied` packet). Clients must tolerate
 * values they do not know.
 */
export const DenyReason = {
  /** The token could not be parsed. */
  TOKEN_MALFORMED: 1,
  /** The token's signature does not match: forged, altered or for another server. */
  TOKEN_INVALID: 2,
  /** The token expired. */
  TOKEN_EXPIRED: 3,
  /** The token was already used (and the child does not allow a rebind). */
  TOKEN_REUSED: 4,
  /** The token is for another game. */
  WRONG_GAME: 5,
  /** The token's slot is held by another connected address. */
  SLOT_TAKEN: 6,
  /** The game has no room (or no such slot). */
  GAME_FULL: 7,
  /** The game already ended or is ending. */
  GAME_OVER: 8,
  /** A server-side failure. */
  INTERNAL: 9,
} as const;
/** A value of {@link DenyReason}. */
export type DenyReason = (typeof DenyReason)[keyof typeof DenyReason];

/**
 * The deny reason for an error thrown by verifyConnectToken or TokenReplayGuard.claim:
 * E_TOKEN_EXPIRED -> TOKEN_EXPIRED, E_TOKEN_REUSED -> TOKEN_REUSED, E_TOKEN_WRONG_GAME -> WRONG_GAME,
 * E_TOKEN_FORGED -> TOKEN_INVALID, other ProtocolErrors -> TOKEN_MALFORMED, anything else -> INTERNAL.
 * Never throws.
 */
export function denyReasonFor(error: unknown): DenyReason {
  if (!(error instanceof ProtocolError)) return DenyReason.INTERNAL;
  switch (error.code) {
    case 'E_TOKEN_EXPIRED':
      return DenyReason.TOKEN_EXPIRED;
    case 'E_TOKEN_REUSED':
      return DenyReason.TOKEN_REUSED;
    case 'E_TOKEN_WRONG_GAME':
      return DenyReason.WRONG_GAME;
    case 'E_TOKEN_FORGED':
      return DenyReason.TOKEN_INVALID;
    case 'E_REPLAY_GUARD_FULL':
      return DenyReason.INTERNAL;
    default:
      return DenyReason.TOKEN_MALFORMED;
  }
}

/** Why one side ends a UDP session (u8 in a `disconnect` packet). Receivers must tolerate unknown values. */
export const DisconnectReason = {
  /** The player quit. */
  CLIENT_QUIT: 1,
  /** The peer went silent for too long. */
  TIMEOUT: 2,
  /** The server removed the player. */
  KICKED: 3,
  /** The game process is shutting down. */
  SERVER_SHUTDOWN: 4,
  /** The same player connected again from another address, which replaced this one. */
  REPLACED: 5,
  /** The peer broke the protocol. */
  PROTOCOL_ERROR: 6,
} as const;
/** A value of {@link DisconnectReason}. */
export type DisconnectReason = (typeof DisconnectReason)[keyof typeof DisconnectReason];

/** Why a game ended (u8 in a `gameOver` packet). Receivers must tolerate unknown values. */
export const GameOverReason = {
  /** The game was played to its end (someone won, or the rules ended it). */
  COMPLETED: 1,
  /** The game reached its maximum duration. */
  TIME_LIMIT: 2,
  /** Too many players left for the game to go on. */
  PLAYERS_LEFT: 3,
  /** The game process was asked to shut down. */
  SERVER_SHUTDOWN: 4,
  /** The game was aborted (for example, not enough players joined). */
  ABORTED: 5,
} as const;
/** A value of {@link GameOverReason}. */
export type GameOverReason = (typeof GameOverReason)[keyof typeof GameOverReason];

const denyNames = namesOf(DenyReason);
const disconnectNames = namesOf(DisconnectReason);
const gameOverNames = namesOf(GameOverReason);

/** The constant name of a deny reason ('TOKEN_EXPIRED'), or `DENY_<n>` for an unknown one. Never throws. */
export function denyReasonName(reason: number): string {
  return denyNames.get(reason) ?? `DENY_${reason}`;
}

/** The constant name of a disconnect reason ('TIMEOUT'), or `DISCONNECT_<n>` for an unknown one. Never throws. */
export function disconnectReasonName(reason: number): string {
  return disconnectNames.get(reason) ?? `DISCONNECT_${reason}`;
}

/** The constant name of a game-over reason ('COMPLETED'), or `GAME_OVER_<n>` for an unknown one. Never throws. */
export function gameOverReasonName(reason: number): string {
  return gameOverNames.get(reason) ?? `GAME_OVER_${reason}`;
}
