import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHALLENGE_COOKIE_BYTES,
  MAX_DATAGRAM_BYTES,
  MAX_TOKEN_BYTES,
  UDP_HEADER_BYTES,
  UDP_PROTOCOL_ID,
} from './constants.js';
import { errorCodeOf, mutationArb, udpPacketArb } from './test-arbitraries.js';
import { UdpPacketTypeByte, type UdpPacket } from './udp-packet-types.js';
import { decodePacket, encodePacket, packetDataCapacity, tryDecodePacket } from './udp-packets.js';
import { DenyReason, DisconnectReason, GameOverReason } from './wire-codes.js';

const h = { sequence: 65535, ack: 12, ackBits: 0xffff_ffff };
const bytes = (...b: number[]) => Uint8Array.from(b);

const everyPacket: UdpPacket[] = [
  { ...h, type: 'connectRequest', token: bytes(1, 2, 3) },
  { ...h, type: 'accepted', slot: 1, tickRate: 30, data: new Uint8Array(0) },
  { ...h, type: 'accepted', slot: 255, tickRate: 65535, data: bytes(9) },
  { ...h, type: 'denied', reason: DenyReason.TOKEN_EXPIRED },
  { ...h, type: 'challenge', cookie: new Uint8Array(CHALLENGE_COOKIE_BYTES).fill(0xa5) },
  { ...h, type: 'challengeResponse', cookie: Uint8Array.from({ length: CHALLENGE_COOKIE_BYTES }, (_, i) => i) },
  { ...h, type: 'input', inputSeq: 0xffff_ffff, data: bytes(1, 0) },
  { ...h, type: 'snapshot', tick: 123, data: new Uint8Array(1024).fill(7) },
  { ...h, type: 'reliableEvent', eventId: 5, data: bytes(4, 2) },
  { ...h, type: 'ping', time: 1234.5678 },
  { ...h, type: 'pong', time: -0 },
  { ...h, type: 'disconnect', reason: DisconnectReason.CLIENT_QUIT },
  { ...h, type: 'gameOver', reason: GameOverReason.COMPLETED, data: bytes(0, 10, 1, 7) },
];

function header(typeByte: number, id: number = UDP_PROTOCOL_ID): number[] {
  return [id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff, typeByte, 0, 1, 0, 0, 0, 0, 0, 0];
}

describe('UDP packets: round trip', () => {
  it.each(everyPacket.map((p) => [p.type, p] as const))('%s round-trips', (_type, packet) => {
    const datagram = encodePacket(packet);
    expect(datagram.length).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
    expect(decodePacket(datagram)).toStrictEqual(packet);
  });

  it('lays out the header as documented', () => {
    const d = encodePacket({ sequence: 0x0102, ack: 0x0304, ackBits: 0x05060708, type: 'denied', reason: 4 });
    expect(Buffer.from(d).toString('hex')).toBe('47535031' + '03' + '0102' + '0304' + '05060708' + '04');
    expect(UDP_HEADER_BYTES).toBe(13);
  });

  it('lays out challenge and challengeResponse as the header and the 16-byte cookie, 29 bytes each', () => {
    const cookie = Uint8Array.from({ length: CHALLENGE_COOKIE_BYTES }, (_, i) => 0xf0 + i);
    const challenge = encodePacket({ sequence: 0, ack: 7, ackBits: 0, type: 'challenge', cookie });
    expect(Buffer.from(challenge).toString('hex')).toBe(
      '47535031' + '04' + '0000' + '0007' + '00000000' + Buffer.from(cookie).toString('hex'),
    );
    const response = encodePacket({ sequence: 1, ack: 0, ackBits: 0, type: 'challengeResponse', cookie });
    expect(response[4]).toBe(0x05);
    expect(challenge.length).toBe(29);
    expect(response.length).toBe(29);
  });

  it('property: decode(encode(p)) deep-equals p for every valid packet', () => {
    fc.assert(
      fc.property(udpPacketArb, (packet) => {
        const datagram = encodePacket(packet);
        expect(decodePacket(datagram)).toStrictEqual(packet);
        expect(Buffer.compare(encodePacket(decodePacket(datagram)), datagram)).toBe(0);
      }),
      { numRuns: 600 },
    );
  });

  it('decodes data as a zero-copy plain Uint8Array view of the datagram', () => {
    const datagram = Buffer.from(encodePacket({ ...h, type: 'snapshot', tick: 1, data: bytes(1, 2, 3) }));
    const p = decodePacket(datagram);
    if (p.type !== 'snapshot') throw new Error('unexpected type');
    expect(p.data.constructor).toBe(Uint8Array);
    expect(p.data.buffer).toBe(datagram.buffer);
    expect(tryDecodePacket(datagram)).toStrictEqual({ ok: true, value: p });
  });

  it('fills a datagram exactly to capacity and refuses one byte more', () => {
    for (const type of ['accepted', 'input', 'snapshot', 'reliableEvent', 'gameOver'] as const) {
      const cap = packetDataCapacity(type);
      const base = { ...h, slot: 0, tickRate: 1, inputSeq: 0, tick: 0, eventId: 0, reason: 0 };
      const full = encodePacket({ ...base, type, data: new Uint8Array(cap) });
      expect(full.length).toBe(MAX_DATAGRAM_BYTES);
      expect(errorCodeOf(() => encodePacket({ ...base, type, data: new Uint8Array(cap + 1) }))).toBe(
        'E_PACKET_TOO_LARGE',
      );
    }
    expect(packetDataCapacity('snapshot')).toBe(1183);
    expect(packetDataCapacity('connectRequest')).toBe(MAX_TOKEN_BYTES);
    expect(packetDataCapacity('ping')).toBe(0);
    expect(errorCodeOf(() => packetDataCapacity('nope' as 'ping'))).toBe('E_UNKNOWN_TYPE');
  });
});

describe('UDP packets: hostile input', () => {
  it('property: random bytes yield a packet or a known ProtocolError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1300 }), (datagram) => {
        errorCodeOf(() => decodePacket(datagram));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: random bodies after a valid header yield only known ProtocolErrors', () => {
    const typeBytes = Object.values(UdpPacketTypeByte);
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...typeBytes), fc.nat({ max: 255 })),
        fc.uint8Array({ maxLength: 300 }),
        (t, body) => {
          errorCodeOf(() => decodePacket(Uint8Array.from([...header(t), ...body])));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('property: mutations and truncations of valid packets yield a packet or a known ProtocolError', () => {
    fc.assert(
      fc.property(mutationArb(udpPacketArb.map((p) => encodePacket(p))), (datagram) => {
        errorCodeOf(() => decodePacket(datagram));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects each kind of bad datagram with its code', () => {
    expect(errorCodeOf(() => decodePacket(new Uint8Array(MAX_DATAGRAM_BYTES + 1)))).toBe('E_PACKET_TOO_LARGE');
    expect(errorCodeOf(() => decodePacket(new Uint8Array(0)))).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => decodePacket(bytes(0x47, 0x53, 0x50)))).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => decodePacket(new Uint8Array(20)))).toBe('E_WRONG_PROTOCOL_ID');
    expect(errorCodeOf(() => decodePacket(Uint8Array.from(header(0x11, 0x47535032))))).toBe('E_WRONG_PROTOCOL_ID');
    expect(errorCodeOf(() => decodePacket(Uint8Array.from(header(0x11)).subarray(0, 12)))).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => decodePacket(Uint8Array.from([...header(0x11), 0, 0])))).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => decodePacket(Uint8Array.from(header(0x7f))))).toBe('E_UNKNOWN_TYPE');
    expect(errorCodeOf(() => decodePacket(Uint8Array.from(header(0x01))))).toBe('E_INVALID_FIELD');
    expect(
      errorCodeOf(() =>
        decodePacket(Uint8Array.from([...header(0x01), ...new Array<number>(MAX_TOKEN_BYTES + 1).fill(1)])),
      ),
    ).toBe('E_BAD_LENGTH');
    expect(errorCodeOf(() => decodePacket(Uint8Array.from([...header(0x02), 0, 0, 0])))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => decodePacket(Uint8Array.from([...header(0x03), 1, 2])))).toBe('E_TRAILING_BYTES');
    expect(errorCodeOf(() => decodePacket(Uint8Array.from([...header(0x30), 1, 2])))).toBe('E_TRAILING_BYTES');
    for (const t of [0x04, 0x05]) {
      expect(errorCodeOf(() => decodePacket(Uint8Array.from(header(t))))).toBe('E_TRUNCATED');
      expect(
        errorCodeOf(() =>
          decodePacket(Uint8Array.from([...header(t), ...new Array<number>(CHALLENGE_COOKIE_BYTES - 1).fill(1)])),
        ),
      ).toBe('E_TRUNCATED');
      expect(
        errorCodeOf(() =>
          decodePacket(Uint8Array.from([...header(t), ...new Array<number>(CHALLENGE_COOKIE_BYTES + 1).fill(1)])),
        ),
      ).toBe('E_TRAILING_BYTES');
    }
    expect(errorCodeOf(() => decodePacket(Uint8Array.from([...header(0x20), 0x7f, 0xf8, 0, 0, 0, 0, 0, 0])))).toBe(
      'E_INVALID_FIELD',
    );
    expect(errorCodeOf(() => decodePacket(Uint8Array.from([...header(0x20), 0x7f, 0xf0, 0, 0, 0, 0, 0, 0])))).toBe(
      'E_INVALID_FIELD',
    );
    expect(errorCodeOf(() => decodePacket(Uint8Array.from([...header(0x20), 0, 0, 0, 0, 0, 0, 0, 0, 0])))).toBe(
      'E_TRAILING_BYTES',
    );
    expect(errorCodeOf(() => decodePacket([1, 2] as unknown as Uint8Array))).toBe('E_INVALID_ARGUMENT');
    const r = tryDecodePacket(new Uint8Array(2));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('E_TRUNCATED');
  });

  it('tolerates unknown reason codes (forward compatibility)', () => {
    expect(decodePacket(Uint8Array.from([...header(0x03), 200]))).toMatchObject({ type: 'denied', reason: 200 });
  });
});

describe('encodePacket validation', () => {
  const bad: [string, unknown, string][] = [
    ['sequence > u16', { ...h, sequence: 65536, type: 'denied', reason: 1 }, 'E_INVALID_FIELD'],
    ['negative ack', { ...h, ack: -1, type: 'denied', reason: 1 }, 'E_INVALID_FIELD'],
    ['ackBits > u32', { ...h, ackBits: 2 ** 32, type: 'denied', reason: 1 }, 'E_INVALID_FIELD'],
    ['empty token', { ...h, type: 'connectRequest', token: new Uint8Array(0) }, 'E_INVALID_FIELD'],
    ['oversize token', { ...h, type: 'connectRequest', token: new Uint8Array(MAX_TOKEN_BYTES + 1) }, 'E_INVALID_FIELD'],
    [
      'short cookie',
      { ...h, type: 'challenge', cookie: new Uint8Array(CHALLENGE_COOKIE_BYTES - 1) },
      'E_INVALID_FIELD',
    ],
    [
      'long cookie',
      { ...h, type: 'challengeResponse', cookie: new Uint8Array(CHALLENGE_COOKIE_BYTES + 1) },
      'E_INVALID_FIELD',
    ],
    [
      'cookie not bytes',
      { ...h, type: 'challengeResponse', cookie: 'x'.repeat(CHALLENGE_COOKIE_BYTES) },
      'E_INVALID_FIELD',
    ],
    ['tickRate 0', { ...h, type: 'accepted', slot: 0, tickRate: 0, data: new Uint8Array(0) }, 'E_INVALID_FIELD'],
    ['data not bytes', { ...h, type: 'snapshot', tick: 0, data: 'x' }, 'E_INVALID_FIELD'],
    ['NaN time', { ...h, type: 'ping', time: Number.NaN }, 'E_INVALID_FIELD'],
    ['infinite time', { ...h, type: 'pong', time: Number.POSITIVE_INFINITY }, 'E_INVALID_FIELD'],
    ['reason 256', { ...h, type: 'disconnect', reason: 256 }, 'E_INVALID_FIELD'],
    ['unknown type', { ...h, type: 'bogus' }, 'E_UNKNOWN_TYPE'],
    ['not an object', undefined, 'E_INVALID_FIELD'],
  ];
  it.each(bad)('refuses %s', (_what, packet, code) => {
    expect(errorCodeOf(() => encodePacket(packet as UdpPacket))).toBe(code);
  });
});
