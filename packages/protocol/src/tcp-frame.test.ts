import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FRAME_BYTES, MAX_ERROR_MESSAGE_BYTES, MAX_NAME_BYTES, PROTOCOL_VERSION } from './constants.js';
import { decodeFrame, encodeFrame, tryDecodeFrame } from './tcp-frame.js';
import { TcpMessageTypeByte, type TcpMessage } from './tcp-messages.js';
import { errorCodeOf, mutationArb, tcpMessageArb } from './test-arbitraries.js';
import { WireErrorCode } from './wire-codes.js';

const token = Uint8Array.from({ length: 62 }, (_, i) => i);

const everyMessage: TcpMessage[] = [
  { type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'ada' },
  { type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'Zoë 名前 😀', mode: 'arena' },
  { type: 'queued', position: 1 },
  { type: 'queued', position: 0xffff_ffff, mode: 'duel' },
  {
    type: 'matchFound',
    gameId: 'g-42',
    host: '127.0.0.1',
    port: 40001,
    slot: 3,
    token,
    tokenExpiresAt: 1_800_000_000_000,
  },
  {
    type: 'matchFound',
    gameId: 'g',
    host: '',
    port: 65535,
    slot: 255,
    token: new Uint8Array([7]),
    tokenExpiresAt: Number.MAX_SAFE_INTEGER,
  },
  { type: 'error', code: WireErrorCode.SERVER_FULL, message: 'server full' },
  { type: 'error', code: 65535, message: '' },
  { type: 'cancel' },
  { type: 'ping', nonce: 0 },
  { type: 'pong', nonce: 0xffff_ffff },
];

/** Builds a raw frame around a payload, bypassing the encoder's checks. */
function rawFrame(
  typeByte: number,
  payload: number[],
  version: number = PROTOCOL_VERSION,
  length?: number,
): Uint8Array {
  const len = length ?? payload.length + 2;
  return Uint8Array.from([
    len >>> 24,
    (len >>> 16) & 0xff,
    (len >>> 8) & 0xff,
    len & 0xff,
    version,
    typeByte,
    ...payload,
  ]);
}

describe('TCP frames: round trip', () => {
  it.each(everyMessage.map((m) => [m.type, m] as const))('%s round-trips', (_type, msg) => {
    const frame = encodeFrame(msg);
    expect(frame.constructor).toBe(Uint8Array);
    expect(decodeFrame(frame)).toStrictEqual(msg);
  });

  it('lays out a hello frame as documented', () => {
    const frame = encodeFrame({ type: 'hello', protocolVersion: 1, name: 'ada', mode: 'arena' });
    expect(Buffer.from(frame).toString('hex')).toBe('0000000c' + '01' + '01' + '03616461' + '056172656e61');
  });

  it('lays out a matchFound frame as documented', () => {
    const frame = encodeFrame({
      type: 'matchFound',
      gameId: 'g',
      host: 'h',
      port: 0x1234,
      slot: 2,
      token: new Uint8Array([9, 8]),
      tokenExpiresAt: 0x0102_0304_0506,
    });
    expect(Buffer.from(frame).toString('hex')).toBe(
      '00000014' + '01' + '11' + '0167' + '0168' + '1234' + '02' + '020908' + '0000010203040506',
    );
  });

  it('property: decode(encode(m)) deep-equals m for every valid message', () => {
    fc.assert(
      fc.property(tcpMessageArb, (msg) => {
        const frame = encodeFrame(msg);
        expect(frame.length).toBeLessThanOrEqual(4 + DEFAULT_MAX_FRAME_BYTES);
        expect(decodeFrame(frame)).toStrictEqual(msg);
        // Canonical: re-encoding the decoded message gives the same bytes.
        expect(encodeFrame(decodeFrame(frame))).toStrictEqual(frame);
      }),
      { numRuns: 2000 },
    );
  });

  it('encoded frames never share bytes, even when carved from a shared slab', () => {
    const frames = Array.from({ length: 2000 }, (_, i) => encodeFrame(everyMessage[i % everyMessage.length]!));
    const byBuffer = new Map<ArrayBufferLike, Uint8Array[]>();
    for (const f of frames) byBuffer.set(f.buffer, [...(byBuffer.get(f.buffer) ?? []), f]);
    expect(byBuffer.size).toBeGreaterThan(1); // the slab rolled over at least once
    for (const group of byBuffer.values()) {
      const spans = group.map((f) => [f.byteOffset, f.byteOffset + f.length] as const).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    }
    frames.forEach((f, i) => expect(decodeFrame(f)).toStrictEqual(everyMessage[i % everyMessage.length]));
  });

  it('decoded token bytes are a copy, not a view of the input', () => {
    const frame = encodeFrame(everyMessage[4]!);
    const msg = decodeFrame(frame);
    frame.fill(0);
    expect(msg).toStrictEqual(everyMessage[4]);
  });
});

describe('TCP frames: hostile input', () => {
  it('property: random bytes yield a message or a known ProtocolError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        errorCodeOf(() => decodeFrame(bytes));
        const result = tryDecodeFrame(bytes);
        if (!result.ok) expect(result.error.code).toMatch(/^E_/);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: random frames with a valid header and random payload yield only ProtocolErrors', () => {
    const typeBytes = Object.values(TcpMessageTypeByte);
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...typeBytes), fc.nat({ max: 255 })),
        fc.array(fc.nat({ max: 255 }), { maxLength: 120 }),
        (t, payload) => {
          errorCodeOf(() => decodeFrame(rawFrame(t, payload)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('property: mutations and truncations of valid frames yield a message or a known ProtocolError', () => {
    fc.assert(
      fc.property(mutationArb(tcpMessageArb.map((m) => encodeFrame(m))), (bytes) => {
        errorCodeOf(() => decodeFrame(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects each kind of bad frame with its code', () => {
    const hello = encodeFrame({ type: 'hello', protocolVersion: 1, name: 'ada' });
    expect(errorCodeOf(() => decodeFrame(new Uint8Array(0)))).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => decodeFrame(hello.subarray(0, 3)))).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => decodeFrame(hello.subarray(0, hello.length - 1)))).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => decodeFrame(Uint8Array.from([...hello, 0])))).toBe('E_TRAILING_BYTES');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [3, 0x61, 0x64, 0x61, 0, 0xff])))).toBe('E_TRAILING_BYTES');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [], 1, 1)))).toBe('E_BAD_LENGTH');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [], 1, 0)))).toBe('E_BAD_LENGTH');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [3, 0x61, 0x64, 0x61, 0], 2)))).toBe('E_UNSUPPORTED_VERSION');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [3, 0x61, 0x64, 0x61, 0], 0)))).toBe('E_UNSUPPORTED_VERSION');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x7e, [])))).toBe('E_UNKNOWN_TYPE');
    // A name length that lies (longer than what remains, or than the maximum).
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [200, 0x61])))).toBe('E_BAD_LENGTH');
    expect(
      errorCodeOf(() =>
        decodeFrame(rawFrame(0x01, [MAX_NAME_BYTES + 1, ...new Array<number>(MAX_NAME_BYTES + 1).fill(0x61), 0])),
      ),
    ).toBe('E_BAD_LENGTH');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [0, 0])))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [2, 0xc3, 0x28, 0])))).toBe('E_INVALID_UTF8');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [3, 0xed, 0xa0, 0x80, 0])))).toBe('E_INVALID_UTF8');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [2, 0xc0, 0x80, 0])))).toBe('E_INVALID_UTF8');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [2, 0x61, 0x1b, 0])))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x01, [2, 0xc2, 0x85, 0])))).toBe('E_INVALID_FIELD');
    // matchFound with port 0 and with a u64 above 2^53-1.
    const mf = (port: number[], expires: number[]) => rawFrame(0x11, [1, 0x67, 0, ...port, 0, 1, 9, ...expires]);
    expect(errorCodeOf(() => decodeFrame(mf([0, 0], [0, 0, 0, 0, 0, 0, 0, 1])))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => decodeFrame(mf([0, 1], [0, 0x20, 0, 0, 0, 0, 0, 0])))).toBe('E_INVALID_FIELD');
    expect(decodeFrame(mf([0, 1], [0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toMatchObject({
      tokenExpiresAt: Number.MAX_SAFE_INTEGER,
    });
    // Empty token.
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x11, [1, 0x67, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])))).toBe(
      'E_INVALID_FIELD',
    );
    // Error text: LF allowed, ESC refused.
    expect(decodeFrame(rawFrame(0x1f, [0, 1, 0, 2, 0x61, 0x0a]))).toStrictEqual({
      type: 'error',
      code: 1,
      message: 'a\n',
    });
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x1f, [0, 1, 0, 2, 0x1b, 0x5b])))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => decodeFrame('hello' as unknown as Uint8Array))).toBe('E_INVALID_ARGUMENT');
  });

  it('rejects an oversize declared length from the 4-byte prefix alone', () => {
    const prefixOnly = Uint8Array.from([0, 0, 0x10, 0x01]);
    expect(errorCodeOf(() => decodeFrame(prefixOnly))).toBe('E_FRAME_TOO_LARGE');
    expect(errorCodeOf(() => decodeFrame(Uint8Array.from([0xff, 0xff, 0xff, 0xff])))).toBe('E_FRAME_TOO_LARGE');
    const small = encodeFrame({ type: 'ping', nonce: 1 });
    expect(errorCodeOf(() => decodeFrame(small, { maxFrameBytes: 5 }))).toBe('E_FRAME_TOO_LARGE');
    expect(decodeFrame(small, { maxFrameBytes: 6 })).toStrictEqual({ type: 'ping', nonce: 1 });
  });

  it('decodes an error frame of any version (its layout is frozen), and no other frame', () => {
    expect(decodeFrame(rawFrame(0x1f, [0, 3, 0, 1, 0x78], 7))).toStrictEqual({ type: 'error', code: 3, message: 'x' });
    expect(errorCodeOf(() => decodeFrame(rawFrame(0x03, [0, 0, 0, 1], 7)))).toBe('E_UNSUPPORTED_VERSION');
  });

  it('keeps the BOM of a string (no silent stripping)', () => {
    const msg: TcpMessage = { type: 'hello', protocolVersion: 1, name: 'ada', mode: '\uFEFFarena' };
    expect(decodeFrame(encodeFrame(msg))).toStrictEqual(msg);
  });
});

describe('encodeFrame validation', () => {
  const bad: [string, unknown, string][] = [
    ['empty name', { type: 'hello', protocolVersion: 1, name: '' }, 'E_INVALID_FIELD'],
    ['long name', { type: 'hello', protocolVersion: 1, name: 'x'.repeat(MAX_NAME_BYTES + 1) }, 'E_INVALID_FIELD'],
    [
      'multi-byte name over the byte limit',
      { type: 'hello', protocolVersion: 1, name: 'é'.repeat(17) },
      'E_INVALID_FIELD',
    ],
    ['control character in name', { type: 'hello', protocolVersion: 1, name: 'a\u0000b' }, 'E_INVALID_FIELD'],
    ['lone surrogate in name', { type: 'hello', protocolVersion: 1, name: 'a\uD800' }, 'E_INVALID_UTF8'],
    ['empty mode', { type: 'hello', protocolVersion: 1, name: 'a', mode: '' }, 'E_INVALID_FIELD'],
    ['version 0', { type: 'hello', protocolVersion: 0, name: 'a' }, 'E_INVALID_FIELD'],
    ['name not a string', { type: 'hello', protocolVersion: 1, name: 42 }, 'E_INVALID_FIELD'],
    ['negative position', { type: 'queued', position: -1 }, 'E_INVALID_FIELD'],
    ['fractional position', { type: 'queued', position: 1.5 }, 'E_INVALID_FIELD'],
    [
      'port 0',
      { type: 'matchFound', gameId: 'g', host: '', port: 0, slot: 0, token, tokenExpiresAt: 1 },
      'E_INVALID_FIELD',
    ],
    [
      'slot 256',
      { type: 'matchFound', gameId: 'g', host: '', port: 1, slot: 256, token, tokenExpiresAt: 1 },
      'E_INVALID_FIELD',
    ],
    [
      'empty token',
      { type: 'matchFound', gameId: 'g', host: '', port: 1, slot: 0, token: new Uint8Array(0), tokenExpiresAt: 1 },
      'E_INVALID_FIELD',
    ],
    [
      'huge token',
      { type: 'matchFound', gameId: 'g', host: '', port: 1, slot: 0, token: new Uint8Array(256), tokenExpiresAt: 1 },
      'E_INVALID_FIELD',
    ],
    [
      'token not bytes',
      { type: 'matchFound', gameId: 'g', host: '', port: 1, slot: 0, token: [1], tokenExpiresAt: 1 },
      'E_INVALID_FIELD',
    ],
    [
      'unsafe expiry',
      { type: 'matchFound', gameId: 'g', host: '', port: 1, slot: 0, token, tokenExpiresAt: 2 ** 53 },
      'E_INVALID_FIELD',
    ],
    [
      'long error text',
      { type: 'error', code: 1, message: 'x'.repeat(MAX_ERROR_MESSAGE_BYTES + 1) },
      'E_INVALID_FIELD',
    ],
    ['error code > u16', { type: 'error', code: 65536, message: '' }, 'E_INVALID_FIELD'],
    ['ping nonce NaN', { type: 'ping', nonce: Number.NaN }, 'E_INVALID_FIELD'],
    ['unknown type', { type: 'bogus' }, 'E_UNKNOWN_TYPE'],
    ['not an object', null, 'E_INVALID_FIELD'],
  ];
  it.each(bad)('refuses %s', (_what, msg, code) => {
    expect(errorCodeOf(() => encodeFrame(msg as TcpMessage))).toBe(code);
  });

  it('writes the hello protocolVersion into the version byte, which other-version decoders refuse', () => {
    const frame = encodeFrame({ type: 'hello', protocolVersion: 2, name: 'ada' });
    expect(frame[4]).toBe(2);
    expect(errorCodeOf(() => decodeFrame(frame))).toBe('E_UNSUPPORTED_VERSION');
  });

  it('refuses to produce a frame over maxFrameBytes, and bad options', () => {
    expect(
      errorCodeOf(() => encodeFrame({ type: 'error', code: 1, message: 'x'.repeat(100) }, { maxFrameBytes: 50 })),
    ).toBe('E_FRAME_TOO_LARGE');
    expect(errorCodeOf(() => encodeFrame({ type: 'cancel' }, { maxFrameBytes: 1 }))).toBe('E_INVALID_ARGUMENT');
    expect(errorCodeOf(() => decodeFrame(new Uint8Array(6), { maxFrameBytes: 1.5 }))).toBe('E_INVALID_ARGUMENT');
  });
});
