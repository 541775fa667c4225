import { BinaryReader } from './binary-reader.js';
import { DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES, FRAME_LENGTH_BYTES, PROTOCOL_VERSION } from './constants.js';
import { attempt, fail, type DecodeResult } from './errors.js';
import { ByteSink } from './fields.js';
import {
  TcpMessageTypeByte,
  readTcpPayload,
  tcpPayloadSize,
  writeTcpPayload,
  type TcpMessage,
} from './tcp-messages.js';

/** Options of the TCP frame codec. */
export interface FrameOptions {
  /**
   * Largest declared frame length accepted or produced: the bytes after the 4-byte length prefix
   * (version + type + payload). Integer in [2, 2^24]; default DEFAULT_MAX_FRAME_BYTES (4096).
   */
  readonly maxFrameBytes?: number;
}

const SMALLEST_FRAME_LENGTH = FRAME_HEADER_BYTES - FRAME_LENGTH_BYTES;

/** @internal Validates and resolves `options.maxFrameBytes`; E_INVALID_ARGUMENT when out of range. */
export function resolveMaxFrameBytes(options: FrameOptions | undefined): number {
  const max = options?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isInteger(max) || max < SMALLEST_FRAME_LENGTH || max > 2 ** 24) {
    fail(
      'E_INVALID_ARGUMENT',
      `maxFrameBytes must be an integer in [${SMALLEST_FRAME_LENGTH}, 2^24], got ${String(max)}`,
    );
  }
  return max;
}

/**
 * Encodes one message as a complete TCP frame: [u32 BE length][u8 version][u8 type][payload], where
 * length counts version + type + payload. The version byte is PROTOCOL_VERSION, except for `hello`,
 * which writes its own `protocolVersion`. Returns a new exact-length Uint8Array; small
 * outputs are views into a shared pooled ArrayBuffer (as Node's Buffer pool does), so use them as
 * views (byteOffset/byteLength), never through `.buffer` alone.
 *
 * Throws ProtocolError: E_INVALID_FIELD (a field out of range, wrong type or with control
 * characters), E_INVALID_UTF8 (a string with a lone surrogate), E_UNKNOWN_TYPE (no such message
 * type), E_FRAME_TOO_LARGE (longer than `maxFrameBytes`), E_INVALID_ARGUMENT (bad options).
 */
export function encodeFrame(msg: TcpMessage, options?: FrameOptions): Uint8Array {
  const max = resolveMaxFrameBytes(options);
  if (typeof msg !== 'object' || msg === null) fail('E_INVALID_FIELD', 'message must be an object');
  const length = 2 + tcpPayloadSize(msg);
  if (length > max) fail('E_FRAME_TOO_LARGE', `frame length ${length} exceeds maxFrameBytes ${max}`);
  const out = new ByteSink(FRAME_LENGTH_BYTES + length);
  out.u32(length);
  out.u8(msg.type === 'hello' ? msg.protocolVersion : PROTOCOL_VERSION);
  out.u8(TcpMessageTypeByte[msg.type]);
  writeTcpPayload(out, msg);
  return out.done();
}

/**
 * @internal Checks a declared frame length read from a length prefix: E_FRAME_TOO_LARGE above
 * `max`, E_BAD_LENGTH below 2 (no room for version and type).
 */
export function checkDeclaredLength(length: number, max: number): void {
  if (length > max) fail('E_FRAME_TOO_LARGE', `declared frame length ${length} exceeds maxFrameBytes ${max}`);
  if (length < SMALLEST_FRAME_LENGTH)
    fail('E_BAD_LENGTH', `declared frame length ${length} leaves no room for version and type`);
}

/**
 * @internal Decodes a frame body (version, type, payload) of exactly `length` bytes at `start`.
 * Throws only ProtocolError.
 */
export function decodeFrameBody(bytes: Uint8Array, start: number, length: number): TcpMessage {
  const version = bytes[start]!;
  const typeByte = bytes[start + 1]!;
  // The error frame's layout is frozen across versions, so either side can read why the other
  // refused it (UNSUPPORTED_VERSION above all); every other frame must be of our version.
  if (version !== PROTOCOL_VERSION && typeByte !== TcpMessageTypeByte.error) {
    fail('E_UNSUPPORTED_VERSION', `frame of protocol version ${version}; this side speaks ${PROTOCOL_VERSION}`);
  }
  const r = new BinaryReader(bytes, start + 2, start + length);
  const msg = readTcpPayload(r, typeByte, version);
  r.end();
  return msg;
}

/**
 * Decodes exactly one complete frame (as produced by encodeFrame). Copies what it keeps: the
 * message never aliases `bytes`.
 *
 * Throws ProtocolError, never anything else: E_TRUNCATED (fewer bytes than the frame needs),
 * E_FRAME_TOO_LARGE (declared length above `maxFrameBytes`, checked before anything else is read),
 * E_BAD_LENGTH (declared length below 2, or a field length that lies), E_TRAILING_BYTES (bytes
 * after the frame or after the payload), E_UNSUPPORTED_VERSION (a version byte other than
 * PROTOCOL_VERSION, except on `error` frames, whose layout is frozen across versions and which are
 * therefore decoded whatever their version), E_UNKNOWN_TYPE, E_INVALID_UTF8,
 * E_INVALID_FIELD; E_INVALID_ARGUMENT for bad options or a non-Uint8Array input.
 */
export function decodeFrame(bytes: Uint8Array, options?: FrameOptions): TcpMessage {
  const max = resolveMaxFrameBytes(options);
  if (!(bytes instanceof Uint8Array)) fail('E_INVALID_ARGUMENT', 'decodeFrame needs a Uint8Array');
  if (bytes.length < FRAME_LENGTH_BYTES)
    fail('E_TRUNCATED', `frame of ${bytes.length} bytes has no complete length prefix`);
  const length = bytes[0]! * 0x100_0000 + ((bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!);
  checkDeclaredLength(length, max);
  const total = FRAME_LENGTH_BYTES + length;
  if (bytes.length < total) fail('E_TRUNCATED', `frame declares ${total} bytes, ${bytes.length} present`);
  if (bytes.length > total) fail('E_TRAILING_BYTES', `${bytes.length - total} bytes after the frame`);
  return decodeFrameBody(bytes, FRAME_LENGTH_BYTES, length);
}

/**
 * decodeFrame without throwing: `{ ok: true, value }` or `{ ok: false, error }` with the ProtocolError it would have
 * thrown.
 */
export function tryDecodeFrame(bytes: Uint8Array, options?: FrameOptions): DecodeResult<TcpMessage> {
  return attempt(() => decodeFrame(bytes, options));
}
