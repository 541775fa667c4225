// Internal helpers shared by the TCP, UDP and token codecs and the IPC parsers: field validation for
// encoders, bounded field reads for decoders, checked reads of JSON objects, and a fixed-size output
// buffer. Not part of the public API.
import type { BinaryReader } from './binary-reader.js';
import { fail } from './errors.js';
import { checkPolicy, utf8Length, type StringPolicy } from './utf8.js';

/** True when `value` is an integer in [min, max]. */
export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** True when `value` is a finite number. */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** True when `value` is an object that is neither null nor an array (what a JSON object parses to). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws E_INVALID_FIELD unless `value` is an integer in [min, max]; returns it typed. */
export function uintField(value: unknown, min: number, max: number, field: string): number {
  if (!isIntegerIn(value, min, max)) {
    fail('E_INVALID_FIELD', `${field} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** Throws E_INVALID_FIELD unless `value` is a finite number; returns it typed. */
export function finiteField(value: unknown, field: string): number {
  if (!isFiniteNumber(value)) fail('E_INVALID_FIELD', `${field} must be a finite number`);
  return value;
}

/**
 * Throws the caller's error for a bad entry of a JSON object; `message` names the entry, for example
 * 'port must be an integer in [1, 65535]'.
 */
export type InvalidEntry = (message: string) => never;

/** `record[key]` when it is an integer in [min, max]; otherwise `invalid('<key> must be an integer in [min, max]')`. */
export function integerEntry(
  record: Readonly<Record<string, unknown>>,
  key: string,
  min: number,
  max: number,
  invalid: InvalidEntry,
): number {
  const value = record[key];
  if (!isIntegerIn(value, min, max)) invalid(`${key} must be an integer in [${min}, ${max}]`);
  return value;
}

/**
 * `record[key]` when it is a string of 1..maxLength UTF-16 code units; otherwise
 * `invalid('<key> must be a non-empty string of at most <maxLength> characters')`.
 */
export function stringEntry(
  record: Readonly<Record<string, unknown>>,
  key: string,
  maxLength: number,
  invalid: InvalidEntry,
): string {
  const value = record[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength)
    invalid(`${key} must be a non-empty string of at most ${maxLength} characters`);
  return value;
}

/**
 * Validates a string field for encoding: a string of minBytes..maxBytes UTF-8 bytes obeying
 * `policy`. Returns its UTF-8 byte length. E_INVALID_FIELD or E_INVALID_UTF8 otherwise.
 */
export function stringField(
  value: unknown,
  minBytes: number,
  maxBytes: number,
  policy: StringPolicy,
  field: string,
): number {
  if (typeof value !== 'string') fail('E_INVALID_FIELD', `${field} must be a string`);
  const n = utf8Length(value, field);
  if (n < minBytes || n > maxBytes)
    fail('E_INVALID_FIELD', `${field} must be ${minBytes}..${maxBytes} UTF-8 bytes, got ${n}`);
  checkPolicy(value, policy, field);
  return n;
}

/** Validates a bytes field for encoding: a Uint8Array of minBytes..maxBytes bytes. E_INVALID_FIELD otherwise. */
export function bytesField(value: unknown, minBytes: number, maxBytes: number, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) fail('E_INVALID_FIELD', `${field} must be a Uint8Array`);
  if (value.length < minBytes || value.length > maxBytes) {
    fail('E_INVALID_FIELD', `${field} must be ${minBytes}..${maxBytes} bytes, got ${value.length}`);
  }
  return value;
}

/**
 * Reads a string of `byteLength` bytes that a length prefix announced: E_BAD_LENGTH when the
 * prefix passes `maxBytes` or the bytes that remain, E_INVALID_FIELD under `minBytes` or against
 * `policy`, E_INVALID_UTF8 for invalid bytes.
 */
export function readString(
  r: BinaryReader,
  byteLength: number,
  minBytes: number,
  maxBytes: number,
  policy: StringPolicy,
  field: string,
): string {
  checkPrefix(r, byteLength, minBytes, maxBytes, field);
  let value: string;
  try {
    value = r.utf8(byteLength);
  } catch (error) {
    return fail('E_INVALID_UTF8', `${field} is not valid UTF-8`, error);
  }
  checkPolicy(value, policy, field);
  return value;
}

function checkPrefix(r: BinaryReader, byteLength: number, minBytes: number, maxBytes: number, field: string): void {
  if (byteLength > maxBytes) fail('E_BAD_LENGTH', `${field} length ${byteLength} exceeds its maximum ${maxBytes}`);
  if (byteLength > r.remaining)
    fail('E_BAD_LENGTH', `${field} length ${byteLength} exceeds the ${r.remaining} bytes that remain`);
  if (byteLength < minBytes) fail('E_INVALID_FIELD', `${field} must be at least ${minBytes} bytes`);
}

/** Like readString for bytes: returns a view into the reader's input. */
export function readPrefixed(
  r: BinaryReader,
  byteLength: number,
  minBytes: number,
  maxBytes: number,
  field: string,
): Uint8Array {
  checkPrefix(r, byteLength, minBytes, maxBytes, field);
  return r.bytes(byteLength);
}

// Scratch for float encoding: big-endian bytes via a DataView, copied out.
const scratch = new DataView(new ArrayBuffer(8));
const encoder = new TextEncoder();

// Typed arrays over 64 bytes get an off-heap backing store in V8, which costs ~0.5 us each: small
// outputs are carved from a shared slab instead (like Node's Buffer pool). A slab is never reused
// once full, so no output ever shares bytes with another.
const SLAB_BYTES = 64 * 1024;
const MAX_SLAB_ALLOCATION = 2048;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function allocate(size: number): Uint8Array {
  if (size > MAX_SLAB_ALLOCATION) return new Uint8Array(size);
  if (slabUsed + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, size);
  slabUsed += (size + 7) & ~7;
  return out;
}

/**
 * A fixed-size output: encoders compute the exact size first, then fill every byte. A plain
 * Uint8Array; small ones are views into a shared slab (mind byteOffset when touching .buffer).
 */
export class ByteSink {
  readonly buf: Uint8Array;
  pos = 0;

  constructor(size: number) {
    this.buf = allocate(size);
  }

  u8(v: number): void {
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }

  u32(v: number): void {
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  u64(v: number): void {
    this.u32(Math.floor(v / 0x1_0000_0000));
    this.u32(v % 0x1_0000_0000);
  }

  f64(v: number): void {
    scratch.setFloat64(0, v);
    for (let i = 0; i < 8; i++) this.buf[this.pos + i] = scratch.getUint8(i);
    this.pos += 8;
  }

  /** Writes `s`, whose UTF-8 length the caller measured as `byteLength`. */
  utf8(s: string, byteLength: number): void {
    const b = this.buf;
    const p = this.pos;
    if (byteLength === s.length) {
      // UTF-8 length equals UTF-16 length only for pure ASCII: copy the code units.
      for (let i = 0; i < byteLength; i++) b[p + i] = s.charCodeAt(i);
    } else {
      encoder.encodeInto(s, b.subarray(p, p + byteLength));
    }
    this.pos = p + byteLength;
  }

  bytes(src: Uint8Array): void {
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  done(): Uint8Array {
    // An encoder that filled fewer or more bytes than it sized has a bug worth failing loudly on.
    if (this.pos !== this.buf.length) throw new Error(`encoder bug: wrote ${this.pos} of ${this.buf.length} bytes`);
    return this.buf;
  }
}
