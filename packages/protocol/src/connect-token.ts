import { BinaryReader } from './binary-reader.js';
import { MAX_GAME_ID_BYTES } from './constants.js';
import { ProtocolError, fail } from './errors.js';
import { ByteSink, bytesField, readString, stringField, uintField } from './fields.js';
import { nodeCrypto } from './lazy-crypto.js';

/** Version byte of connect tokens signed by this package (token byte 0). */
export const CONNECT_TOKEN_VERSION = 1 as const;
/** Bytes of a token's random nonce. */
export const CONNECT_TOKEN_NONCE_BYTES = 16 as const;
/** Bytes of a token's HMAC-SHA256 tag. */
export const CONNECT_TOKEN_MAC_BYTES = 32 as const;
/**
 * Bytes of a per-game secret made by generateGameSecret, and the least signConnectToken and verifyConnectToken accept.
 */
export const GAME_SECRET_BYTES = 32 as const;

// Bound into every MAC so a secret that were ever reused for something else could not be tricked
// into signing a token, nor a token be replayed as another kind of signed blob.
const MAC_LABEL = Buffer.from('proj/connect-token/v1\0', 'utf8');
// version, gameId length, slot, expiresAt, nonce, mac (plus the gameId itself).
const FIXED_BYTES = 1 + 1 + 1 + 8 + CONNECT_TOKEN_NONCE_BYTES + CONNECT_TOKEN_MAC_BYTES;

/** What a connect token grants: a seat (`slot`) in game `gameId` until `expiresAt`. */
export interface ConnectTokenClaims {
  /** 1..MAX_GAME_ID_BYTES UTF-8 bytes, no control characters. */
  readonly gameId: string;
  /** 0..255 */
  readonly slot: number;
  /** Epoch milliseconds (integer); the token is accepted while now <= expiresAt. */
  readonly expiresAt: number;
  /** 16 random bytes that make the token unique; the key of TokenReplayGuard. */
  readonly nonce: Uint8Array;
}

/** Input of signConnectToken: the claims, with the nonce optional (16 fresh random bytes by default). */
export interface ConnectTokenInput {
  readonly gameId: string;
  readonly slot: number;
  readonly expiresAt: number;
  readonly nonce?: Uint8Array;
}

/** Options of verifyConnectToken. */
export interface VerifyConnectTokenOptions {
  /** Current time in epoch ms (default Date.now()). */
  readonly now?: number;
  /** When given, a genuine token for another game id is refused with E_TOKEN_WRONG_GAME. */
  readonly gameId?: string;
}

/** 32 bytes from the CSPRNG: a fresh per-game secret for signing and verifying its connect tokens. */
export function generateGameSecret(): Uint8Array {
  return new Uint8Array(nodeCrypto().randomBytes(GAME_SECRET_BYTES));
}

function checkSecret(secret: unknown): Uint8Array {
  if (!(secret instanceof Uint8Array) || secret.length < GAME_SECRET_BYTES) {
    fail('E_INVALID_ARGUMENT', `the secret must be a Uint8Array of at least ${GAME_SECRET_BYTES} bytes`);
  }
  return secret;
}

function mac(secret: Uint8Array, signed: Uint8Array): Buffer {
  return nodeCrypto().createHmac('sha256', secret).update(MAC_LABEL).update(signed).digest();
}

/**
 * Signs a connect token with the game's secret (HMAC-SHA256). Layout: [u8 version=1][u8 gameId
 * length][gameId UTF-8][u8 slot][u64 BE expiresAt ms][16 nonce][32 HMAC-SHA256 over a fixed label
 * and every byte before it]: 60..123 bytes (a Uint8Array view, as encodeFrame returns). The
 * orchestrator signs one per player.
 *
 * Throws ProtocolError: E_INVALID_FIELD (gameId not 1..64 bytes or with control characters, slot
 * not 0..255, expiresAt not an integer in [0, 2^53-1], nonce not 16 bytes), E_INVALID_UTF8 (gameId
 * with a lone surrogate), E_INVALID_ARGUMENT (secret shorter than 32 bytes).
 */
export function signConnectToken(claims: ConnectTokenInput, secret: Uint8Array): Uint8Array {
  checkSecret(secret);
  const idBytes = stringField(claims.gameId, 1, MAX_GAME_ID_BYTES, 'identifier', 'token.gameId');
  const slot = uintField(claims.slot, 0, 0xff, 'token.slot');
  const expiresAt = uintField(claims.expiresAt, 0, Number.MAX_SAFE_INTEGER, 'token.expiresAt');
  const nonce =
    claims.nonce === undefined
      ? nodeCrypto().randomBytes(CONNECT_TOKEN_NONCE_BYTES)
      : bytesField(claims.nonce, CONNECT_TOKEN_NONCE_BYTES, CONNECT_TOKEN_NONCE_BYTES, 'token.nonce');
  const out = new ByteSink(FIXED_BYTES + idBytes);
  out.u8(CONNECT_TOKEN_VERSION);
  out.u8(idBytes);
  out.utf8(claims.gameId, idBytes);
  out.u8(slot);
  out.u64(expiresAt);
  out.bytes(nonce);
  out.bytes(mac(secret, out.buf.subarray(0, out.pos)));
  return out.done();
}

/**
 * Verifies a connect token with the game's secret and returns its claims (the nonce copied).
 * Checks, in order, each failure a ProtocolError: E_TOKEN_MALFORMED (not a Uint8Array, wrong size,
 * unknown version, inconsistent gameId length), E_TOKEN_FORGED (MAC mismatch, compared in constant
 * time: altered, forged or signed with another secret), E_TOKEN_MALFORMED (signed fields out of
 * range), E_TOKEN_WRONG_GAME (`options.gameId` given and different), E_TOKEN_EXPIRED (now >
 * expiresAt); E_INVALID_ARGUMENT for a secret shorter than 32 bytes or a non-finite `now`.
 *
 * Stateless: it cannot see reuse. The game child passes the claims to a TokenReplayGuard.
 */
export function verifyConnectToken(
  token: Uint8Array,
  secret: Uint8Array,
  options: VerifyConnectTokenOptions = {},
): ConnectTokenClaims {
  checkSecret(secret);
  const now = options.now ?? Date.now();
  if (typeof now !== 'number' || !Number.isFinite(now)) fail('E_INVALID_ARGUMENT', 'now must be a finite number');
  if (!(token instanceof Uint8Array)) fail('E_TOKEN_MALFORMED', 'the token must be a Uint8Array');
  if (token.length < FIXED_BYTES + 1 || token.length > FIXED_BYTES + MAX_GAME_ID_BYTES) {
    fail(
      'E_TOKEN_MALFORMED',
      `a token has ${FIXED_BYTES + 1}..${FIXED_BYTES + MAX_GAME_ID_BYTES} bytes, got ${token.length}`,
    );
  }
  if (token[0] !== CONNECT_TOKEN_VERSION) fail('E_TOKEN_MALFORMED', `unknown token version ${token[0]!}`);
  if (token.length !== FIXED_BYTES + token[1]!)
    fail('E_TOKEN_MALFORMED', 'the gameId length disagrees with the token size');
  const macAt = token.length - CONNECT_TOKEN_MAC_BYTES;
  const expected = mac(secret, token.subarray(0, macAt));
  const given = Buffer.from(token.buffer, token.byteOffset + macAt, CONNECT_TOKEN_MAC_BYTES);
  if (!nodeCrypto().timingSafeEqual(expected, given)) fail('E_TOKEN_FORGED', 'the token signature does not match');

  let claims: ConnectTokenClaims;
  try {
    const r = new BinaryReader(token, 1, macAt);
    const gameId = readString(r, r.u8(), 1, MAX_GAME_ID_BYTES, 'identifier', 'token.gameId');
    const slot = r.u8();
    const expiresAt = r.u64();
    const nonce = r.bytes(CONNECT_TOKEN_NONCE_BYTES).slice();
    r.end();
    claims = { gameId, slot, expiresAt, nonce };
  } catch (error) {
    // Only a holder of the secret could have signed these bytes; still, refuse rather than trust.
    if (error instanceof ProtocolError)
      fail('E_TOKEN_MALFORMED', `signed token fields are invalid: ${error.message}`, error);
    throw error;
  }
  if (options.gameId !== undefined && claims.gameId !== options.gameId) {
    fail(
      'E_TOKEN_WRONG_GAME',
      `the token is for game ${JSON.stringify(claims.gameId)}, not ${JSON.stringify(options.gameId)}`,
    );
  }
  if (now > claims.expiresAt) fail('E_TOKEN_EXPIRED', `the token expired at ${claims.expiresAt}, now is ${now}`);
  return claims;
}
