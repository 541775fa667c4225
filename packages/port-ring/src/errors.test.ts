import { describe, expect, expectTypeOf, it } from 'vitest';
import { PortRingError, PortRingErrorCode, isPortRingError } from './index.js';

describe('PortRingErrorCode', () => {
  it('holds each code once under a SCREAMING_CASE key: the code without its E_ prefix', () => {
    expect(new Set(Object.values(PortRingErrorCode))).toEqual(
      new Set([
        'E_INVALID_PORT',
        'E_INVALID_RANGE',
        'E_DUPLICATE_PORT',
        'E_EMPTY',
        'E_INVALID_ARGUMENT',
        'E_NOT_IN_RING',
        'E_ALREADY_FREE',
        'E_QUARANTINED',
        'E_NOT_QUARANTINED',
        'E_ABORTED',
        'E_CLOSED',
      ]),
    );
    const screaming = Object.entries(PortRingErrorCode).filter(([key]) => /^[A-Z_]+$/.test(key));
    for (const [key, code] of screaming) expect(code).toBe(`E_${key}`);
    expect(screaming).toHaveLength(new Set(Object.values(PortRingErrorCode)).size);
  });

  it('keeps the PascalCase keys of earlier releases as aliases of the same values', () => {
    const aliases: Record<string, keyof typeof PortRingErrorCode> = {
      InvalidPort: 'INVALID_PORT',
      InvalidRange: 'INVALID_RANGE',
      DuplicatePort: 'DUPLICATE_PORT',
      Empty: 'EMPTY',
      InvalidArgument: 'INVALID_ARGUMENT',
      NotInRing: 'NOT_IN_RING',
      AlreadyFree: 'ALREADY_FREE',
      Quarantined: 'QUARANTINED',
      NotQuarantined: 'NOT_QUARANTINED',
      Aborted: 'ABORTED',
      Closed: 'CLOSED',
    };
    for (const [alias, key] of Object.entries(aliases)) {
      expect(PortRingErrorCode[alias as keyof typeof PortRingErrorCode], alias).toBe(PortRingErrorCode[key]);
    }
    const keys = Object.keys(PortRingErrorCode);
    expect(keys.filter((key) => !/^[A-Z_]+$/.test(key)).sort()).toEqual(Object.keys(aliases).sort());
  });
});

describe('isPortRingError', () => {
  it('is true for a PortRingError, and checks the code when one is given', () => {
    const error = new PortRingError('E_ALREADY_FREE', 'boom', { cause: new Error('under') });
    expect(isPortRingError(error)).toBe(true);
    expect(isPortRingError(error, 'E_ALREADY_FREE')).toBe(true);
    expect(isPortRingError(error, 'E_CLOSED')).toBe(false);
  });

  it('is false for a plain Error, null, undefined, strings and look-alike objects', () => {
    const plain = Object.assign(new Error('boom'), { code: 'E_ALREADY_FREE' });
    const lookAlike = { name: 'PortRingError', message: 'boom', code: 'E_ALREADY_FREE' };
    for (const value of [
      new Error('boom'),
      plain,
      null,
      undefined,
      'E_ALREADY_FREE',
      '',
      0,
      {},
      { code: 'E_ALREADY_FREE' },
      lookAlike,
    ]) {
      expect(isPortRingError(value)).toBe(false);
      expect(isPortRingError(value, 'E_ALREADY_FREE')).toBe(false);
    }
  });

  it('narrows to the class, with the given code', () => {
    const value: unknown = new PortRingError('E_ALREADY_FREE', 'boom');
    if (!isPortRingError(value, 'E_ALREADY_FREE')) throw new Error('expected a PortRingError');
    expectTypeOf(value).toEqualTypeOf<PortRingError<'E_ALREADY_FREE'>>();
    expect(value.code).toBe('E_ALREADY_FREE');
  });
});
