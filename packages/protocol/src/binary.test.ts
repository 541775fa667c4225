import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryReader } from './binary-reader.js';
import { BinaryWriter, varUintSize } from './binary-writer.js';
import { errorCodeOf } from './test-arbitraries.js';

describe('BinaryWriter / BinaryReader', () => {
  it('round-trips every type, big-endian', () => {
    const w = new BinaryWriter();
    w.u8(255)
      .u16(0x1234)
      .u32(0xdead_beef)
      .u64(Number.MAX_SAFE_INTEGER)
      .i8(-128)
      .i16(-2)
      .i32(-(2 ** 31))
      .f32(1.5)
      .f64(Math.PI)
      .bool(true)
      .bool(false);
    w.varUint(300).bytes(Uint8Array.of(1, 2)).blob(Uint8Array.of(3)).string('Zoë 😀').utf8('ab');
    const bytes = w.toBytes();
    expect(Buffer.from(bytes.subarray(0, 3)).toString('hex')).toBe('ff1234');
    const r = new BinaryReader(bytes);
    expect([
      r.u8(),
      r.u16(),
      r.u32(),
      r.u64(),
      r.i8(),
      r.i16(),
      r.i32(),
      r.f32(),
      r.f64(),
      r.bool(),
      r.bool(),
    ]).toStrictEqual([
      255,
      0x1234,
      0xdead_beef,
      Number.MAX_SAFE_INTEGER,
      -128,
      -2,
      -(2 ** 31),
      1.5,
      Math.PI,
      true,
      false,
    ]);
    expect(r.varUint()).toBe(300);
    expect(r.bytes(2)).toStrictEqual(Uint8Array.of(1, 2));
    expect(r.blob()).toStrictEqual(Uint8Array.of(3));
    expect(r.string()).toBe('Zoë 😀');
    expect(r.utf8(2)).toBe('ab');
    expect(r.remaining).toBe(0);
    r.end();
  });

  it('property: any sequence of typed writes reads back the same values', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('u8' as const), v: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ k: fc.constant('u16' as const), v: fc.integer({ min: 0, max: 0xffff }) }),
      fc.record({ k: fc.constant('u32' as const), v: fc.integer({ min: 0, max: 0xffff_ffff }) }),
      fc.record({ k: fc.constant('u64' as const), v: fc.maxSafeNat() }),
      fc.record({ k: fc.constant('i32' as const), v: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
      fc.record({ k: fc.constant('f64' as const), v: fc.double() }),
      fc.record({ k: fc.constant('varUint' as const), v: fc.integer({ min: 0, max: 0xffff_ffff }) }),
      fc.record({ k: fc.constant('string' as const), v: fc.string({ unit: 'binary', maxLength: 20 }) }),
      fc.record({ k: fc.constant('blob' as const), v: fc.uint8Array({ maxLength: 20 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const w = new BinaryWriter({ maxBytes: 4096 });
        for (const o of ops) (w[o.k] as (v: unknown) => BinaryWriter)(o.v);
        const r = new BinaryReader(w.view());
        for (const o of ops) {
          const got = (r[o.k] as () => unknown)();
          if (o.v instanceof Uint8Array) expect(got).toStrictEqual(o.v);
          else expect(Object.is(got, o.v) || (Number.isNaN(got) && Number.isNaN(o.v))).toBe(true);
        }
        r.end();
      }),
      { numRuns: 500 },
    );
  });

  it('varUint uses 1..5 bytes and is canonical', () => {
    for (const [v, n] of [
      [0, 1],
      [127, 1],
      [128, 2],
      [16383, 2],
      [16384, 3],
      [2 ** 21, 4],
      [2 ** 28, 5],
      [0xffff_ffff, 5],
    ] as const) {
      expect(new BinaryWriter().varUint(v).length).toBe(n);
      expect(varUintSize(v)).toBe(n);
    }
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(0x80, 0x00)).varUint())).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x1f)).varUint())).toBe(
      'E_INVALID_FIELD',
    );
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).varUint())).toBe(
      'E_INVALID_FIELD',
    );
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(0x80)).varUint())).toBe('E_TRUNCATED');
  });

  it('writer: refuses out-of-range values and passing maxBytes, writing nothing on failure', () => {
    const w = new BinaryWriter({ maxBytes: 4 });
    expect(errorCodeOf(() => w.u8(256))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => w.u16(-1))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => w.u32(1.5))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => w.i8(128))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => w.u64(2 ** 53))).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => w.string('\uDC00'))).toBe('E_INVALID_UTF8');
    expect(errorCodeOf(() => w.bool(1 as unknown as boolean))).toBe('E_INVALID_FIELD');
    w.u16(1);
    expect(errorCodeOf(() => w.u32(1))).toBe('E_CAPACITY_EXCEEDED');
    expect(errorCodeOf(() => w.string('abc'))).toBe('E_CAPACITY_EXCEEDED');
    expect(errorCodeOf(() => w.blob(new Uint8Array(2)))).toBe('E_CAPACITY_EXCEEDED');
    expect(w.length).toBe(2);
    w.u16(2);
    expect(w.toBytes()).toStrictEqual(Uint8Array.of(0, 1, 0, 2));
    expect(w.reset().length).toBe(0);
    expect(errorCodeOf(() => new BinaryWriter({ maxBytes: -1 }))).toBe('E_INVALID_ARGUMENT');
    expect(errorCodeOf(() => new BinaryWriter({ maxBytes: 8, initialBytes: 9 }))).toBe('E_INVALID_ARGUMENT');
  });

  it('writer grows from a small buffer up to maxBytes', () => {
    const w = new BinaryWriter({ initialBytes: 1, maxBytes: 1000 });
    for (let i = 0; i < 250; i++) w.u32(i);
    const r = new BinaryReader(w.view());
    for (let i = 0; i < 250; i++) expect(r.u32()).toBe(i);
  });

  it('reader: typed errors on overrun, lying lengths, bad bools, trailing bytes', () => {
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(1)).u16())).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(1, 2, 3)).u64())).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(2)).bool())).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(5, 1)).blob())).toBe('E_BAD_LENGTH');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(2, 1, 2)).blob(1))).toBe('E_BAD_LENGTH');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f)).string())).toBe(
      'E_BAD_LENGTH',
    );
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(1, 0xff)).string())).toBe('E_INVALID_UTF8');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(1)).bytes(2))).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(1)).bytes(-1))).toBe('E_INVALID_ARGUMENT');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(1)).skip(2))).toBe('E_TRUNCATED');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(1)).end())).toBe('E_TRAILING_BYTES');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(0, 0x20, 0, 0, 0, 0, 0, 0)).u64())).toBe('E_INVALID_FIELD');
    expect(errorCodeOf(() => new BinaryReader('x' as unknown as Uint8Array))).toBe('E_INVALID_ARGUMENT');
  });

  it('property: reading random bytes with any method throws only known ProtocolErrors', () => {
    const methods = [
      'u8',
      'u16',
      'u32',
      'u64',
      'i8',
      'i16',
      'i32',
      'f32',
      'f64',
      'bool',
      'varUint',
      'blob',
      'string',
      'rest',
    ] as const;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40 }),
        fc.array(fc.constantFrom(...methods), { maxLength: 12 }),
        (bytes, calls) => {
          const r = new BinaryReader(bytes);
          for (const m of calls) if (errorCodeOf(() => r[m]()) !== undefined) return;
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads a window of the input without a subarray', () => {
    const r = new BinaryReader(Uint8Array.of(1, 2, 3, 4, 5), 1, 4);
    expect([r.offset, r.remaining]).toStrictEqual([0, 3]);
    expect(r.u16()).toBe(0x0203);
    expect(r.offset).toBe(2);
    expect(errorCodeOf(() => r.u16())).toBe('E_TRUNCATED');
    expect(r.rest()).toStrictEqual(Uint8Array.of(4));
    r.end();
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(1), 0, 2))).toBe('E_INVALID_ARGUMENT');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(1), 1, 0))).toBe('E_INVALID_ARGUMENT');
    expect(errorCodeOf(() => new BinaryReader(Uint8Array.of(1), -1))).toBe('E_INVALID_ARGUMENT');
  });

  it('views returned by the reader share the input (zero-copy) and work on offset inputs', () => {
    const backing = Uint8Array.of(9, 9, 2, 7, 8);
    const r = new BinaryReader(backing.subarray(2));
    const b = r.blob();
    expect(b).toStrictEqual(Uint8Array.of(7, 8));
    backing[3] = 1;
    expect(b[0]).toBe(1);
  });
});
