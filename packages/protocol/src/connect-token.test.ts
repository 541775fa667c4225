import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONNECT_TOKEN_MAC_BYTES, generateGameSecret, signConnectToken, verifyConnectToken } from './connect-token.js';
import { MAX_GAME_ID_BYTES, MAX_TOKEN_BYTES } from './constants.js';
import { TokenReplayGuard } from './replay-guard.js';
import { errorCodeOf, identifierArb } from './test-arbitraries.js';

const secret = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const now = 1_800_000_000_000;
const nonce = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const claims = { gameId: 'g-42', slot: 3, expiresAt: now + 30_000, nonce };

describe('connect tokens', () => {
  it('signs and verifies', () => {
    const token = signConnectToken(claims, secret);
    expect(token.length).toBe(59 + 4);
    expect(verifyConnectToken(token, secret, { now, gameId: 'g-42' })).toStrictEqual(claims);
    expect(verifyConnectToken(token, secret, { now })).toStrictEqual(claims);
  });

  it('lays out the token as documented', () => {
    const token = signConnectToken({ gameId: 'g', slot: 2, expiresAt: 0x0102_0304_0506, nonce }, secret);
    expect(Buffer.from(token.subarray(0, 12)).toString('hex')).toBe('01' + '01' + '67' + '02' + '0000010203040506');
    expect(token.subarray(12, 28)).toStrictEqual(nonce);
    expect(token.length).toBe(28 + CONNECT_TOKEN_MAC_BYTES);
  });

  it('draws a fresh random nonce by default', () => {
    const { nonce: _n, ...rest } = claims;
    const a = verifyConnectToken(signConnectToken(rest, secret), secret, { now });
    const b = verifyConnectToken(signConnectToken(rest, secret), secret, { now });
    expect(a.nonce).toHaveLength(16);
    expect(a.nonce).not.toStrictEqual(b.nonce);
  });

  it('accepts at the expiry instant, refuses one ms after', () => {
    const token = signConnectToken(claims, secret);
    expect(verifyConnectToken(token, secret, { now: claims.expiresAt })).toStrictEqual(claims);
    expect(errorCodeOf(() => verifyConnectToken(token, secret, { now: claims.expiresAt + 1 }))).toBe('E_TOKEN_EXPIRED');
  });

  it('refuses a token for another game', () => {
    const token = signConnectToken(claims, secret);
    expect(errorCodeOf(() => verifyConnectToken(token, secret, { now, gameId: 'g-43' }))).toBe('E_TOKEN_WRONG_GAME');
  });

  it('refuses a token signed with another secret', () => {
    const token = signConnectToken(claims, generateGameSecret());
    expect(errorCodeOf(() => verifyConnectToken(token, secret, { now }))).toBe('E_TOKEN_FORGED');
  });

  it('property: any single bit flip is refused as forged or malformed', () => {
    const token = signConnectToken(claims, secret);
    fc.assert(
      fc.property(fc.nat({ max: token.length * 8 - 1 }), (bit) => {
        const forged = token.slice();
        forged[bit >> 3]! ^= 1 << (bit & 7);
        expect(['E_TOKEN_FORGED', 'E_TOKEN_MALFORMED']).toContain(
          errorCodeOf(() => verifyConnectToken(forged, secret, { now })),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('a forged claim (changed slot or expiry) with the old MAC is refused', () => {
    const token = signConnectToken(claims, secret);
    const slotChanged = token.slice();
    slotChanged[2 + 4] = 0;
    expect(errorCodeOf(() => verifyConnectToken(slotChanged, secret, { now }))).toBe('E_TOKEN_FORGED');
    const extended = token.slice();
    extended[2 + 4 + 1 + 2] = 0xff;
    expect(errorCodeOf(() => verifyConnectToken(extended, secret, { now }))).toBe('E_TOKEN_FORGED');
  });

  it('refuses malformed tokens', () => {
    const token = signConnectToken(claims, secret);
    expect(errorCodeOf(() => verifyConnectToken(new Uint8Array(0), secret, { now }))).toBe('E_TOKEN_MALFORMED');
    expect(errorCodeOf(() => verifyConnectToken(token.subarray(0, token.length - 1), secret, { now }))).toBe(
      'E_TOKEN_MALFORMED',
    );
    expect(errorCodeOf(() => verifyConnectToken(Uint8Array.from([...token, 0]), secret, { now }))).toBe(
      'E_TOKEN_MALFORMED',
    );
    expect(errorCodeOf(() => verifyConnectToken(new Uint8Array(MAX_TOKEN_BYTES), secret, { now }))).toBe(
      'E_TOKEN_MALFORMED',
    );
    const v2 = token.slice();
    v2[0] = 2;
    expect(errorCodeOf(() => verifyConnectToken(v2, secret, { now }))).toBe('E_TOKEN_MALFORMED');
    expect(errorCodeOf(() => verifyConnectToken('token' as unknown as Uint8Array, secret, { now }))).toBe(
      'E_TOKEN_MALFORMED',
    );
  });

  it('property: random bytes are refused with a token error, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 140 }), (bytes) => {
        expect(['E_TOKEN_FORGED', 'E_TOKEN_MALFORMED']).toContain(
          errorCodeOf(() => verifyConnectToken(bytes, secret, { now })),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('property: sign then verify returns the claims for every valid input', () => {
    fc.assert(
      fc.property(
        identifierArb(1, MAX_GAME_ID_BYTES),
        fc.integer({ min: 0, max: 255 }),
        fc.maxSafeNat(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (gameId, slot, expiresAt, n) => {
          const c = { gameId, slot, expiresAt, nonce: n };
          const token = signConnectToken(c, secret);
          expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
          expect(verifyConnectToken(token, secret, { now: 0, gameId })).toStrictEqual(c);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses bad claims and short secrets when signing', () => {
    expect(errorCodeOf(() => signConnectToken({ ...claims, gameId: '' }, secret))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => signConnectToken({ ...claims, gameId: 'x'.repeat(65) }, secret))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => signConnectToken({ ...claims, slot: 256 }, secret))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => signConnectToken({ ...claims, expiresAt: 1.5 }, secret))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => signConnectToken({ ...claims, nonce: new Uint8Array(15) }, secret))).toBe(
      'E_INVALID_FIELD',
    );
    expect(errorCodeOf(() => signConnectToken(claims, new Uint8Array(31)))).toBe('E_INVALID_ARGUMENT');
    expect(errorCodeOf(() => verifyConnectToken(signConnectToken(claims, secret), new Uint8Array(31)))).toBe(
      'E_INVALID_ARGUMENT',
    );
    expect(errorCodeOf(() => verifyConnectToken(signConnectToken(claims, secret), secret, { now: Number.NaN }))).toBe(
      'E_INVALID_ARGUMENT',
    );
  });

  it('generateGameSecret makes 32 random bytes', () => {
    const a = generateGameSecret();
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a).toHaveLength(32);
    expect(a).not.toStrictEqual(generateGameSecret());
  });

  it('valid, then reused: the replay guard refuses the second claim', () => {
    const guard = new TokenReplayGuard();
    const token = signConnectToken(claims, secret);
    expect(guard.claim(verifyConnectToken(token, secret, { now, gameId: 'g-42' }), { now })).toBe('claimed');
    expect(errorCodeOf(() => guard.claim(verifyConnectToken(token, secret, { now, gameId: 'g-42' }), { now }))).toBe(
      'E_TOKEN_REUSED',
    );
  });
});
