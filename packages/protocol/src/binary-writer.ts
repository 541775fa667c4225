import { MAX_DATAGRAM_BYTES } from './constants.js';
import { fail } from './errors.js';
import { utf8Length } from './utf8.js';

/** Options of a {@link BinaryWriter}. */
export interface BinaryWriterOptions {
  /** Bytes allocated up front (default 64, or maxBytes when smaller); the writer doubles as needed. */
  readonly initialBytes?: number;
  /** Hard bound on the bytes written (default MAX_DATAGRAM_BYTES, 1200). */
  readonly maxBytes?: number;
}

function checkInt(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail('E_INVALID_FIELD', `${what} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
}

/**
 * A bounded, growable big-endian byte writer: the small helper games use to encode their opaque
 * input, snapshot, event and result bytes (the same conventions as the protocol itself).
 *
 * Every method validates its value and returns `this`, so calls chain. Errors (ProtocolError):
 * E_INVALID_FIELD for a value out of its type's range (or a non-integer where an integer is due),
 * E_INVALID_UTF8 for a string with a lone surrogate, E_CAPACITY_EXCEEDED when the write would pass
 * `maxBytes`; a failed write writes nothing. Constructor: E_INVALID_ARGUMENT for bad options.
 */
export class BinaryWriter {
  /** The bound given at construction. */
  readonly maxBytes: number;
  #buf: Buffer;
  #len = 0;

  /** An empty writer; throws ProtocolError E_INVALID_ARGUMENT when `maxBytes` or `initialBytes` is out of range. */
  constructor(options: BinaryWriterOptions = {}) {
    const maxBytes = options.maxBytes ?? MAX_DATAGRAM_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0 || maxBytes > 2 ** 30) {
      fail('E_INVALID_ARGUMENT', 'maxBytes must be an integer in [0, 2^30]');
    }
    const initial = options.initialBytes ?? Math.min(64, maxBytes);
    if (!Number.isSafeInteger(initial) || initial < 0 || initial > maxBytes) {
      fail('E_INVALID_ARGUMENT', 'initialBytes must be an integer in [0, maxBytes]');
    }
    this.maxBytes = maxBytes;
    this.#buf = Buffer.alloc(initial);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** Reserves `n` bytes and returns their offset; grows the buffer (up to maxBytes) when needed. */
  #reserve(n: number): number {
    const at = this.#len;
    const need = at + n;
    if (need > this.maxBytes)
      fail('E_CAPACITY_EXCEEDED', `write of ${n} bytes at ${at} passes maxBytes ${this.maxBytes}`);
    if (need > this.#buf.length) {
      const grown = Buffer.alloc(Math.min(this.maxBytes, Math.max(need, this.#buf.length * 2, 16)));
      this.#buf.copy(grown, 0, 0, at);
      this.#buf = grown;
    }
    this.#len = need;
    return at;
  }

  /** Writes an unsigned 8-bit integer (0..255). */
  u8(value: number): this {
    checkInt(value, 0, 0xff, 'u8');
    const at = this.#reserve(1);
    this.#buf[at] = value;
    return this;
  }

  /** Writes an unsigned 16-bit integer (0..65535). */
  u16(value: number): this {
    checkInt(value, 0, 0xffff, 'u16');
    const at = this.#reserve(2);
    this.#buf.writeUInt16BE(value, at);
    return this;
  }

  /** Writes an unsigned 32-bit integer (0..2^32-1). */
  u32(value: number): this {
    checkInt(value, 0, 0xffff_ffff, 'u32');
    const at = this.#reserve(4);
    this.#buf.writeUInt32BE(value, at);
    return this;
  }

  /** Writes a non-negative safe integer (0..2^53-1) as 8 bytes. */
  u64(value: number): this {
    checkInt(value, 0, Number.MAX_SAFE_INTEGER, 'u64');
    const at = this.#reserve(8);
    this.#buf.writeUInt32BE(Math.floor(value / 0x1_0000_0000), at);
    this.#buf.writeUInt32BE(value % 0x1_0000_0000, at + 4);
    return this;
  }

  /** Writes a signed 8-bit integer (-128..127). */
  i8(value: number): this {
    checkInt(value, -0x80, 0x7f, 'i8');
    const at = this.#reserve(1);
    this.#buf.writeInt8(value, at);
    return this;
  }

  /** Writes a signed 16-bit integer (-32768..32767). */
  i16(value: number): this {
    checkInt(value, -0x8000, 0x7fff, 'i16');
    const at = this.#reserve(2);
    this.#buf.writeInt16BE(value, at);
    return this;
  }

  /** Writes a signed 32-bit integer. */
  i32(value: number): this {
    checkInt(value, -0x8000_0000, 0x7fff_ffff, 'i32');
    const at = this.#reserve(4);
    this.#buf.writeInt32BE(value, at);
    return this;
  }

  /** Writes a 32-bit float (rounded to float precision; any number, NaN and infinities included). */
  f32(value: number): this {
    if (typeof value !== 'number') fail('E_INVALID_FIELD', 'f32 must be a number');
    const at = this.#reserve(4);
    this.#buf.writeFloatBE(value, at);
    return this;
  }

  /** Writes a 64-bit float (any number, NaN and infinities included). */
  f64(value: number): this {
    if (typeof value !== 'number') fail('E_INVALID_FIELD', 'f64 must be a number');
    const at = this.#reserve(8);
    this.#buf.writeDoubleBE(value, at);
    return this;
  }

  /** Writes a boolean as one byte, 0 or 1. */
  bool(value: boolean): this {
    if (typeof value !== 'boolean') fail('E_INVALID_FIELD', 'bool must be a boolean');
    const at = this.#reserve(1);
    this.#buf[at] = value ? 1 : 0;
    return this;
  }

  /** Writes an unsigned integer (0..2^32-1) as a LEB128 varint: 1 byte below 128, at most 5. */
  varUint(value: number): this {
    checkInt(value, 0, 0xffff_ffff, 'varUint');
    let n = 1;
    for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
    let at = this.#reserve(n);
    let v = value;
    while (v >= 0x80) {
      this.#buf[at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[at] = v;
    return this;
  }

  /** Writes raw bytes, no length prefix. */
  bytes(value: Uint8Array): this {
    if (!(value instanceof Uint8Array)) fail('E_INVALID_FIELD', 'bytes must be a Uint8Array');
    const at = this.#reserve(value.length);
    this.#buf.set(value, at);
    return this;
  }

  /** Writes a varUint byte length, then the bytes (read back with BinaryReader.blob). */
  blob(value: Uint8Array): this {
    if (!(value instanceof Uint8Array)) fail('E_INVALID_FIELD', 'blob must be a Uint8Array');
    this.#checkRoom(varUintSize(value.length) + value.length);
    return this.varUint(value.length).bytes(value);
  }

  /** Writes the UTF-8 bytes of `value`, no length prefix. */
  utf8(value: string): this {
    if (typeof value !== 'string') fail('E_INVALID_FIELD', 'utf8 must be a string');
    const n = utf8Length(value, 'string');
    const at = this.#reserve(n);
    this.#buf.write(value, at, n, 'utf8');
    return this;
  }

  /** Writes a varUint UTF-8 byte length, then the UTF-8 bytes (read back with BinaryReader.string). */
  string(value: string): this {
    if (typeof value !== 'string') fail('E_INVALID_FIELD', 'string must be a string');
    const n = utf8Length(value, 'string');
    this.#checkRoom(varUintSize(n) + n);
    this.varUint(n);
    const at = this.#reserve(n);
    this.#buf.write(value, at, n, 'utf8');
    return this;
  }

  #checkRoom(n: number): void {
    if (this.#len + n > this.maxBytes)
      fail('E_CAPACITY_EXCEEDED', `write of ${n} bytes at ${this.#len} passes maxBytes ${this.maxBytes}`);
  }

  /** A copy of the bytes written so far; the writer stays usable. */
  toBytes(): Uint8Array {
    return new Uint8Array(this.#buf.subarray(0, this.#len));
  }

  /** A view of the bytes written so far, without copying: valid until the next write or reset. */
  view(): Uint8Array {
    return new Uint8Array(this.#buf.buffer, this.#buf.byteOffset, this.#len);
  }

  /** Forgets what was written (keeping the allocated buffer) so the writer can be reused. */
  reset(): this {
    this.#len = 0;
    return this;
  }
}

/** @internal Bytes of the LEB128 encoding of `value` (0..2^32-1). */
export function varUintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : value < 0x1000_0000 ? 4 : 5;
}
