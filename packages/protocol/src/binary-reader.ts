import { fail } from './errors.js';
import { decodeUtf8 } from './utf8.js';

/**
 * A bounds-checked big-endian reader over hostile bytes: the counterpart of {@link BinaryWriter},
 * also used by every decoder of this package. It never reads past its input and never allocates in
 * proportion to a length field it has not checked against the bytes that remain.
 *
 * Errors (ProtocolError): E_TRUNCATED when a fixed-size read passes the end; E_BAD_LENGTH when a
 * length prefix exceeds what remains or its bound; E_INVALID_FIELD for a bool other than 0/1, a
 * u64 above 2^53-1, or a varUint that is overlong or above 2^32-1; E_INVALID_UTF8 for bad strings;
 * E_TRAILING_BYTES from `end()`. `bytes`, `blob` and `rest` return views into the input, not copies.
 */
export class BinaryReader {
  readonly #bytes: Uint8Array;
  readonly #start: number;
  readonly #end: number;
  #pos: number;
  #view: DataView | undefined;

  /**
   * Reads `bytes[start, end)` (default: all of it) without copying or making a subarray.
   * E_INVALID_ARGUMENT when `bytes` is not a Uint8Array or the window is not inside it.
   */
  constructor(bytes: Uint8Array, start = 0, end: number = bytes?.length) {
    if (!(bytes instanceof Uint8Array)) fail('E_INVALID_ARGUMENT', 'BinaryReader needs a Uint8Array');
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > bytes.length) {
      fail('E_INVALID_ARGUMENT', 'the reader window must lie inside the bytes');
    }
    this.#bytes = bytes;
    this.#start = start;
    this.#end = end;
    this.#pos = start;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.#pos - this.#start;
  }

  /** Bytes not yet consumed. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  #take(n: number, what: string): number {
    const at = this.#pos;
    if (n > this.#end - at)
      fail('E_TRUNCATED', `${what} needs ${n} bytes at offset ${at - this.#start}, ${this.#end - at} remain`);
    this.#pos = at + n;
    return at;
  }

  #dv(): DataView {
    return (this.#view ??= new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength));
  }

  /** Reads an unsigned 8-bit integer. */
  u8(): number {
    return this.#bytes[this.#take(1, 'u8')]!;
  }

  /** Reads an unsigned 16-bit integer. */
  u16(): number {
    const at = this.#take(2, 'u16');
    return (this.#bytes[at]! << 8) | this.#bytes[at + 1]!;
  }

  /** Reads an unsigned 32-bit integer. */
  u32(): number {
    const at = this.#take(4, 'u32');
    const b = this.#bytes;
    return b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
  }

  /** Reads an 8-byte unsigned integer; E_INVALID_FIELD above 2^53-1. */
  u64(): number {
    if (this.remaining < 8) this.#take(8, 'u64');
    const hi = this.u32();
    const lo = this.u32();
    if (hi > 0x1f_ffff) fail('E_INVALID_FIELD', 'u64 above 2^53-1');
    return hi * 0x1_0000_0000 + lo;
  }

  /** Reads a signed 8-bit integer. */
  i8(): number {
    return (this.u8() << 24) >> 24;
  }

  /** Reads a signed 16-bit integer. */
  i16(): number {
    return (this.u16() << 16) >> 16;
  }

  /** Reads a signed 32-bit integer. */
  i32(): number {
    return this.u32() | 0;
  }

  /** Reads a 32-bit float. */
  f32(): number {
    return this.#dv().getFloat32(this.#take(4, 'f32'));
  }

  /** Reads a 64-bit float. */
  f64(): number {
    return this.#dv().getFloat64(this.#take(8, 'f64'));
  }

  /** Reads a boolean byte; E_INVALID_FIELD unless it is 0 or 1. */
  bool(): boolean {
    const b = this.u8();
    if (b > 1) fail('E_INVALID_FIELD', `bool byte must be 0 or 1, got ${b}`);
    return b === 1;
  }

  /** Reads a LEB128 varint of at most 5 bytes, minimal form, value 0..2^32-1. */
  varUint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0 && i > 0) fail('E_INVALID_FIELD', 'overlong varUint');
        if (value > 0xffff_ffff) fail('E_INVALID_FIELD', 'varUint above 2^32-1');
        return value;
      }
      scale *= 0x80;
    }
    return fail('E_INVALID_FIELD', 'varUint longer than 5 bytes');
  }

  /** A view of the next `n` bytes (E_TRUNCATED if fewer remain). */
  bytes(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) fail('E_INVALID_ARGUMENT', 'byte count must be a non-negative integer');
    const at = this.#take(n, 'bytes');
    return new Uint8Array(this.#bytes.buffer, this.#bytes.byteOffset + at, n);
  }

  /** A view of every remaining byte (possibly empty). */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /**
   * Reads a varUint length then that many bytes, as a view; E_BAD_LENGTH when it exceeds `maxBytes` or what remains.
   */
  blob(maxBytes: number = Number.MAX_SAFE_INTEGER): Uint8Array {
    return this.bytes(this.#length(maxBytes, 'blob'));
  }

  /** Reads exactly `byteLength` bytes as UTF-8 (E_TRUNCATED if fewer remain). */
  utf8(byteLength: number): string {
    if (!Number.isSafeInteger(byteLength) || byteLength < 0)
      fail('E_INVALID_ARGUMENT', 'byte count must be a non-negative integer');
    const at = this.#take(byteLength, 'utf8');
    return decodeUtf8(this.#bytes, at, at + byteLength, 'string');
  }

  /** Reads a varUint byte length then a UTF-8 string; E_BAD_LENGTH when it exceeds `maxBytes` or what remains. */
  string(maxBytes: number = Number.MAX_SAFE_INTEGER): string {
    return this.utf8(this.#length(maxBytes, 'string'));
  }

  #length(maxBytes: number, what: string): number {
    const n = this.varUint();
    if (n > maxBytes) fail('E_BAD_LENGTH', `${what} length ${n} exceeds its bound ${maxBytes}`);
    if (n > this.remaining) fail('E_BAD_LENGTH', `${what} length ${n} exceeds the ${this.remaining} bytes that remain`);
    return n;
  }

  /** Skips `n` bytes (E_TRUNCATED if fewer remain). */
  skip(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) fail('E_INVALID_ARGUMENT', 'byte count must be a non-negative integer');
    this.#take(n, 'skip');
    return this;
  }

  /** Asserts every byte was consumed: E_TRAILING_BYTES otherwise. */
  end(): void {
    if (this.remaining !== 0) fail('E_TRAILING_BYTES', `${this.remaining} trailing bytes at offset ${this.offset}`);
  }
}
