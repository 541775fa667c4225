import { describe, expect, expectTypeOf, it } from 'vitest';
import { ProtocolError, ProtocolErrorCode, isProtocolError, isProtocolErrorCode } from './errors.js';

describe('ProtocolErrorCode', () => {
  it('holds each code once, under its name without the E_ prefix', () => {
    const codes = Object.values(ProtocolErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [key, code] of Object.entries(ProtocolErrorCode)) expect(code).toBe(`E_${key}`);
    for (const code of codes) expect(isProtocolErrorCode(code)).toBe(true);
    expect(isProtocolErrorCode('TRUNCATED')).toBe(false);
  });
});

describe('isProtocolError', () => {
  it('is true for a ProtocolError, and checks the code when one is given', () => {
    const error = new ProtocolError('E_TRUNCATED', 'boom', { cause: new Error('under') });
    expect(isProtocolError(error)).toBe(true);
    expect(isProtocolError(error, 'E_TRUNCATED')).toBe(true);
    expect(isProtocolError(error, 'E_BAD_LENGTH')).toBe(false);
  });

  it('is false for a plain Error, null, undefined, strings and look-alike objects', () => {
    const plain = Object.assign(new Error('boom'), { code: 'E_TRUNCATED' });
    const lookAlike = { name: 'ProtocolError', message: 'boom', code: 'E_TRUNCATED' };
    for (const value of [
      new Error('boom'),
      plain,
      null,
      undefined,
      'E_TRUNCATED',
      '',
      0,
      {},
      { code: 'E_TRUNCATED' },
      lookAlike,
    ]) {
      expect(isProtocolError(value)).toBe(false);
      expect(isProtocolError(value, 'E_TRUNCATED')).toBe(false);
    }
  });

  it('narrows to the class, with the given code', () => {
    const value: unknown = new ProtocolError('E_TRUNCATED', 'boom');
    if (!isProtocolError(value, 'E_TRUNCATED')) throw new Error('expected a ProtocolError');
    expectTypeOf(value).toEqualTypeOf<ProtocolError<'E_TRUNCATED'>>();
    expect(value.code).toBe('E_TRUNCATED');
  });
});
