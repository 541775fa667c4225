import { BinaryReader } from './binary-reader.js';
import {
  CHALLENGE_COOKIE_BYTES,
  MAX_DATAGRAM_BYTES,
  MAX_TOKEN_BYTES,
  UDP_HEADER_BYTES,
  UDP_PROTOCOL_ID,
} from './constants.js';
import { attempt, fail, type DecodeResult } from './errors.js';
import { ByteSink, bytesField, finiteField, readPrefixed, uintField } from './fields.js';
import { UdpPacketTypeByte, type UdpPacket, type UdpPacketType } from './udp-packet-types.js';

const FIXED_BODY_BYTES = {
  connectRequest: 0,
  accepted: 3,
  denied: 1,
  challenge: CHALLENGE_COOKIE_BYTES,
  challengeResponse: CHALLENGE_COOKIE_BYTES,
  input: 4,
  snapshot: 4,
  reliableEvent: 4,
  ping: 8,
  pong: 8,
  disconnect: 1,
  gameOver: 1,
} as const satisfies Record<UdpPacketType, number>;

/**
 * The most opaque bytes a packet of `type` can carry in one datagram: the token bound for connectRequest,
 * MAX_DATAGRAM_BYTES minus header and fixed body for the types with `data` (snapshot: 1183), 0 for types without
 * (challenge cookies are fixed-size fields, not data). E_UNKNOWN_TYPE for an unknown type.
 */
export function packetDataCapacity(type: UdpPacketType): number {
  switch (type) {
    case 'connectRequest':
      return MAX_TOKEN_BYTES;
    case 'accepted':
    case 'input':
    case 'snapshot':
    case 'reliableEvent':
    case 'gameOver':
      return MAX_DATAGRAM_BYTES - UDP_HEADER_BYTES - FIXED_BODY_BYTES[type];
    case 'denied':
    case 'challenge':
    case 'challengeResponse':
    case 'ping':
    case 'pong':
    case 'disconnect':
      return 0;
    default:
      return fail('E_UNKNOWN_TYPE', `unknown UDP packet type ${JSON.stringify(type)}`);
  }
}

function bodySize(p: UdpPacket): number {
  switch (p.type) {
    case 'connectRequest':
      return bytesField(p.token, 1, MAX_TOKEN_BYTES, 'connectRequest.token').length;
    case 'accepted':
      uintField(p.slot, 0, 0xff, 'accepted.slot');
      uintField(p.tickRate, 1, 0xffff, 'accepted.tickRate');
      return 3 + dataSize(p.data, 'accepted.data');
    case 'denied':
      uintField(p.reason, 0, 0xff, 'denied.reason');
      return 1;
    case 'challenge':
    case 'challengeResponse':
      return bytesField(p.cookie, CHALLENGE_COOKIE_BYTES, CHALLENGE_COOKIE_BYTES, `${p.type}.cookie`).length;
    case 'input':
      uintField(p.inputSeq, 0, 0xffff_ffff, 'input.inputSeq');
      return 4 + dataSize(p.data, 'input.data');
    case 'snapshot':
      uintField(p.tick, 0, 0xffff_ffff, 'snapshot.tick');
      return 4 + dataSize(p.data, 'snapshot.data');
    case 'reliableEvent':
      uintField(p.eventId, 0, 0xffff_ffff, 'reliableEvent.eventId');
      return 4 + dataSize(p.data, 'reliableEvent.data');
    case 'ping':
    case 'pong':
      finiteField(p.time, `${p.type}.time`);
      return 8;
    case 'disconnect':
      uintField(p.reason, 0, 0xff, 'disconnect.reason');
      return 1;
    case 'gameOver':
      uintField(p.reason, 0, 0xff, 'gameOver.reason');
      return 1 + dataSize(p.data, 'gameOver.data');
    default:
      return fail('E_UNKNOWN_TYPE', `unknown UDP packet type ${JSON.stringify((p as { type?: unknown }).type)}`);
  }
}

// The datagram bound is checked on the total, so here only the type matters.
function dataSize(data: unknown, field: string): number {
  return bytesField(data, 0, MAX_DATAGRAM_BYTES, field).length;
}

/**
 * Encodes one packet as one datagram: [u32 protocol id][u8 type][u16 sequence][u16 ack]
 * [u32 ackBits][body]; the body's trailing opaque bytes (token or data) run to the end of the
 * datagram, without a length prefix. Returns a new exact-length Uint8Array; small
 * outputs are views into a shared pooled ArrayBuffer (as Node's Buffer pool does), so use them as
 * views (byteOffset/byteLength), never through `.buffer` alone.
 *
 * Throws ProtocolError: E_PACKET_TOO_LARGE (over MAX_DATAGRAM_BYTES; see packetDataCapacity),
 * E_INVALID_FIELD (a field out of range or of the wrong type, a non-finite ping time, a cookie that is not
 * exactly CHALLENGE_COOKIE_BYTES),
 * E_UNKNOWN_TYPE (no such packet type).
 */
export function encodePacket(packet: UdpPacket): Uint8Array {
  if (typeof packet !== 'object' || packet === null) fail('E_INVALID_FIELD', 'packet must be an object');
  const size = UDP_HEADER_BYTES + bodySize(packet);
  uintField(packet.sequence, 0, 0xffff, 'sequence');
  uintField(packet.ack, 0, 0xffff, 'ack');
  uintField(packet.ackBits, 0, 0xffff_ffff, 'ackBits');
  if (size > MAX_DATAGRAM_BYTES)
    fail('E_PACKET_TOO_LARGE', `${packet.type} packet of ${size} bytes exceeds ${MAX_DATAGRAM_BYTES}`);
  const out = new ByteSink(size);
  out.u32(UDP_PROTOCOL_ID);
  out.u8(UdpPacketTypeByte[packet.type]);
  out.u16(packet.sequence);
  out.u16(packet.ack);
  out.u32(packet.ackBits);
  switch (packet.type) {
    case 'connectRequest':
      out.bytes(packet.token);
      break;
    case 'accepted':
      out.u8(packet.slot);
      out.u16(packet.tickRate);
      out.bytes(packet.data);
      break;
    case 'denied':
    case 'disconnect':
      out.u8(packet.reason);
      break;
    case 'challenge':
    case 'challengeResponse':
      out.bytes(packet.cookie);
      break;
    case 'input':
      out.u32(packet.inputSeq);
      out.bytes(packet.data);
      break;
    case 'snapshot':
      out.u32(packet.tick);
      out.bytes(packet.data);
      break;
    case 'reliableEvent':
      out.u32(packet.eventId);
      out.bytes(packet.data);
      break;
    case 'ping':
    case 'pong':
      out.f64(packet.time);
      break;
    case 'gameOver':
      out.u8(packet.reason);
      out.bytes(packet.data);
      break;
  }
  return out.done();
}

/**
 * Decodes one datagram. Zero-copy: `token` and `data` are views into `datagram` (plain
 * Uint8Arrays sharing its memory); copy them to keep them past the datagram's lifetime if the
 * caller reuses its buffers (Node's dgram does not).
 *
 * Throws ProtocolError, never anything else, checking in this order: E_PACKET_TOO_LARGE (over
 * MAX_DATAGRAM_BYTES), E_TRUNCATED (under 4 bytes), E_WRONG_PROTOCOL_ID, E_TRUNCATED (under the
 * 13-byte header or the type's fixed body), E_UNKNOWN_TYPE, E_INVALID_FIELD (tickRate 0, empty
 * token, non-finite ping time), E_BAD_LENGTH (token over MAX_TOKEN_BYTES), E_TRAILING_BYTES
 * (after a fixed-size body); E_INVALID_ARGUMENT for a non-Uint8Array input.
 */
export function decodePacket(datagram: Uint8Array): UdpPacket {
  if (!(datagram instanceof Uint8Array)) fail('E_INVALID_ARGUMENT', 'decodePacket needs a Uint8Array');
  const n = datagram.length;
  if (n > MAX_DATAGRAM_BYTES) fail('E_PACKET_TOO_LARGE', `datagram of ${n} bytes exceeds ${MAX_DATAGRAM_BYTES}`);
  const r = new BinaryReader(datagram);
  if (n < 4) fail('E_TRUNCATED', `datagram of ${n} bytes has no protocol id`);
  const id = r.u32();
  if (id !== UDP_PROTOCOL_ID)
    fail('E_WRONG_PROTOCOL_ID', `protocol id 0x${id.toString(16).padStart(8, '0')} is not ours`);
  if (n < UDP_HEADER_BYTES) fail('E_TRUNCATED', `datagram of ${n} bytes has no complete header`);
  const typeByte = r.u8();
  const sequence = r.u16();
  const ack = r.u16();
  const ackBits = r.u32();
  switch (typeByte) {
    case UdpPacketTypeByte.connectRequest: {
      const token = readPrefixed(r, r.remaining, 1, MAX_TOKEN_BYTES, 'connectRequest.token');
      return { type: 'connectRequest', sequence, ack, ackBits, token };
    }
    case UdpPacketTypeByte.accepted: {
      const slot = r.u8();
      const tickRate = r.u16();
      if (tickRate === 0) fail('E_INVALID_FIELD', 'accepted.tickRate must not be 0');
      return { type: 'accepted', sequence, ack, ackBits, slot, tickRate, data: r.rest() };
    }
    case UdpPacketTypeByte.denied:
      return fixed(r, { type: 'denied', sequence, ack, ackBits, reason: r.u8() });
    case UdpPacketTypeByte.challenge:
    case UdpPacketTypeByte.challengeResponse: {
      const type = typeByte === UdpPacketTypeByte.challenge ? 'challenge' : 'challengeResponse';
      return fixed(r, { type, sequence, ack, ackBits, cookie: r.bytes(CHALLENGE_COOKIE_BYTES) });
    }
    case UdpPacketTypeByte.input:
      return { type: 'input', sequence, ack, ackBits, inputSeq: r.u32(), data: r.rest() };
    case UdpPacketTypeByte.snapshot:
      return { type: 'snapshot', sequence, ack, ackBits, tick: r.u32(), data: r.rest() };
    case UdpPacketTypeByte.reliableEvent:
      return { type: 'reliableEvent', sequence, ack, ackBits, eventId: r.u32(), data: r.rest() };
    case UdpPacketTypeByte.ping:
    case UdpPacketTypeByte.pong: {
      const time = r.f64();
      if (!Number.isFinite(time)) fail('E_INVALID_FIELD', 'ping/pong time must be finite');
      const type = typeByte === UdpPacketTypeByte.ping ? 'ping' : 'pong';
      return fixed(r, { type, sequence, ack, ackBits, time });
    }
    case UdpPacketTypeByte.disconnect:
      return fixed(r, { type: 'disconnect', sequence, ack, ackBits, reason: r.u8() });
    case UdpPacketTypeByte.gameOver:
      return { type: 'gameOver', sequence, ack, ackBits, reason: r.u8(), data: r.rest() };
    default:
      return fail('E_UNKNOWN_TYPE', `unknown UDP packet type byte 0x${typeByte.toString(16).padStart(2, '0')}`);
  }
}

function fixed<P extends UdpPacket>(r: BinaryReader, packet: P): P {
  r.end();
  return packet;
}

/**
 * decodePacket without throwing: `{ ok: true, value }` or `{ ok: false, error }` with the ProtocolError it would have
 * thrown.
 */
export function tryDecodePacket(datagram: Uint8Array): DecodeResult<UdpPacket> {
  return attempt(() => decodePacket(datagram));
}
