// Test-only helpers: fast-check arbitraries of valid messages and packets, and an error probe.
// Not exported from index.ts and not part of the build.
import fc from 'fast-check';
import {
  CHALLENGE_COOKIE_BYTES,
  MAX_ERROR_MESSAGE_BYTES,
  MAX_GAME_ID_BYTES,
  MAX_HOST_BYTES,
  MAX_MODE_BYTES,
  MAX_NAME_BYTES,
  MAX_TOKEN_BYTES,
  PROTOCOL_VERSION,
} from './constants.js';
import { ProtocolError, isProtocolErrorCode } from './errors.js';
import type { TcpMessage } from './tcp-messages.js';
import type { PacketHeader, UdpPacket } from './udp-packet-types.js';
import { packetDataCapacity } from './udp-packets.js';

// The control characters that utf8.ts refuses (Cc: U+0000-U+001F, U+007F-U+009F; text keeps TAB and LF).
const IDENTIFIER_FORBIDDEN = /\p{Cc}/gu;
const TEXT_FORBIDDEN = /(?![\t\n])\p{Cc}/gu;
// Player names also refuse format characters and line and paragraph separators (the few allowed in context aside).
const NAME_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** Keeps whole code points of `s` while they fit in `maxBytes` UTF-8 bytes. */
function fitBytes(s: string, maxBytes: number): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (n + b > maxBytes) break;
    out += ch;
    n += b;
  }
  return out;
}

// Mixes ASCII-heavy strings (the common case) with full-Unicode ones (multi-byte, astral, BOM).
function unicode(maxChars: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: maxChars }),
    fc.string({ unit: 'binary', maxLength: maxChars }),
    fc.constantFrom('ada', '\uFEFFbom', 'Zoë', '名前', '😀x', 'a b'),
  );
}

/** Strings of minBytes..maxBytes UTF-8 bytes without control characters. */
export function identifierArb(minBytes: number, maxBytes: number): fc.Arbitrary<string> {
  return unicode(maxBytes)
    .map((s) => fitBytes(s.replace(IDENTIFIER_FORBIDDEN, ''), maxBytes))
    .filter((s) => Buffer.byteLength(s, 'utf8') >= minBytes);
}

/** Player names of 1..maxBytes UTF-8 bytes: no control, format, line or paragraph separator characters. */
export function nameArb(maxBytes: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      unicode(maxBytes).map((s) => fitBytes(s.replace(NAME_FORBIDDEN, ''), maxBytes)),
      // Format characters where names may hold them: ZWJ in an emoji sequence, ZWNJ in Persian, a tag sequence.
      fc.constantFrom('👩‍💻', 'می‌نا', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'),
    )
    .filter((s) => Buffer.byteLength(s, 'utf8') >= 1);
}

/** Strings of 0..maxBytes UTF-8 bytes, TAB and LF allowed. */
export function textArb(maxBytes: number): fc.Arbitrary<string> {
  return fc
    .oneof(unicode(64), fc.string({ unit: 'binary', maxLength: maxBytes }), fc.constant('line one\n\tline two'))
    .map((s) => fitBytes(s.replace(TEXT_FORBIDDEN, ''), maxBytes));
}

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

/** Any valid TCP message. */
export const tcpMessageArb: fc.Arbitrary<TcpMessage> = fc
  .oneof(
    fc.record(
      {
        type: fc.constant('hello' as const),
        protocolVersion: fc.constant(PROTOCOL_VERSION),
        name: nameArb(MAX_NAME_BYTES),
        mode: identifierArb(1, MAX_MODE_BYTES),
      },
      { requiredKeys: ['type', 'protocolVersion', 'name'] },
    ),
    fc.record(
      { type: fc.constant('queued' as const), position: u32, mode: identifierArb(1, MAX_MODE_BYTES) },
      { requiredKeys: ['type', 'position'] },
    ),
    fc.record({
      type: fc.constant('matchFound' as const),
      gameId: identifierArb(1, MAX_GAME_ID_BYTES),
      host: fc.oneof(fc.constantFrom('', '127.0.0.1', '::1', 'game.example.org'), identifierArb(0, MAX_HOST_BYTES)),
      port: fc.integer({ min: 1, max: 0xffff }),
      slot: u8,
      token: fc.uint8Array({ minLength: 1, maxLength: MAX_TOKEN_BYTES }),
      tokenExpiresAt: fc.maxSafeNat(),
    }),
    fc.record({ type: fc.constant('error' as const), code: u16, message: textArb(MAX_ERROR_MESSAGE_BYTES) }),
    fc.constant({ type: 'cancel' as const }),
    fc.record({ type: fc.constant('ping' as const), nonce: u32 }),
    fc.record({ type: fc.constant('pong' as const), nonce: u32 }),
    // fc.record builds null-prototype objects; decoders return plain ones.
  )
  .map((m) => ({ ...m }));

/** Any valid packet header. */
export const headerArb: fc.Arbitrary<PacketHeader> = fc.record({ sequence: u16, ack: u16, ackBits: u32 });

function dataArb(type: Parameters<typeof packetDataCapacity>[0]): fc.Arbitrary<Uint8Array> {
  const max = packetDataCapacity(type);
  return fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.uint8Array({ maxLength: max }),
    fc.constant(new Uint8Array(max)),
  );
}

const cookieArb = fc.uint8Array({ minLength: CHALLENGE_COOKIE_BYTES, maxLength: CHALLENGE_COOKIE_BYTES });

/** Any valid UDP packet, including ones filling the whole datagram. */
export const udpPacketArb: fc.Arbitrary<UdpPacket> = fc
  .tuple(
    headerArb,
    fc.oneof(
      fc.record({
        type: fc.constant('connectRequest' as const),
        token: fc.uint8Array({ minLength: 1, maxLength: MAX_TOKEN_BYTES }),
      }),
      fc.record({
        type: fc.constant('accepted' as const),
        slot: u8,
        tickRate: fc.integer({ min: 1, max: 0xffff }),
        data: dataArb('accepted'),
      }),
      fc.record({ type: fc.constant('denied' as const), reason: u8 }),
      fc.record({ type: fc.constant('challenge' as const), cookie: cookieArb }),
      fc.record({ type: fc.constant('challengeResponse' as const), cookie: cookieArb }),
      fc.record({ type: fc.constant('input' as const), inputSeq: u32, data: dataArb('input') }),
      fc.record({ type: fc.constant('snapshot' as const), tick: u32, data: dataArb('snapshot') }),
      fc.record({ type: fc.constant('reliableEvent' as const), eventId: u32, data: dataArb('reliableEvent') }),
      fc.record({ type: fc.constant('ping' as const), time: finite }),
      fc.record({ type: fc.constant('pong' as const), time: finite }),
      fc.record({ type: fc.constant('disconnect' as const), reason: u8 }),
      fc.record({ type: fc.constant('gameOver' as const), reason: u8, data: dataArb('gameOver') }),
    ),
  )
  .map(([header, body]) => ({ ...header, ...body }));

/**
 * Runs `fn`; returns the code of the ProtocolError it throws (asserting the code is a known one),
 * or undefined when it returns. Any other exception propagates and fails the test.
 */
export function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof ProtocolError && isProtocolErrorCode(error.code)) return error.code;
    throw error;
  }
}

/** Random edits of a valid encoding: bit flips, byte overwrites, truncation, extension. */
export function mutationArb(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      base,
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }),
      fc.option(fc.nat(), { nil: undefined }),
      fc.uint8Array({ maxLength: 8 }),
    )
    .map(([bytes, edits, cut, extra]) => {
      const copy = bytes.slice();
      for (const [at, value] of edits) if (copy.length > 0) copy[at % copy.length] = value;
      const truncated = cut === undefined || copy.length === 0 ? copy : copy.subarray(0, cut % copy.length);
      return extra.length > 0 && cut === undefined ? Uint8Array.from([...truncated, ...extra]) : truncated;
    });
}
