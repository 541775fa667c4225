import { describe, expect, expectTypeOf, it } from 'vitest';
import { MatchmakerError, MatchmakerErrorCode, isMatchmakerError } from './index.js';

describe('MatchmakerErrorCode', () => {
  it('holds each code once under a SCREAMING_CASE key: the code without its E_ prefix', () => {
    expect(new Set(Object.values(MatchmakerErrorCode))).toEqual(
      new Set([
        'E_INVALID_CONFIG',
        'E_INVALID_GROUP_SIZE',
        'E_UNKNOWN_MODE',
        'E_ALREADY_QUEUED',
        'E_INVALID_GROUP',
        'E_CONCURRENT_MODIFICATION',
      ]),
    );
    const screaming = Object.entries(MatchmakerErrorCode).filter(([key]) => /^[A-Z_]+$/.test(key));
    for (const [key, code] of screaming) expect(code).toBe(`E_${key}`);
    expect(screaming).toHaveLength(new Set(Object.values(MatchmakerErrorCode)).size);
  });

  it('keeps the PascalCase keys of earlier releases as aliases of the same values', () => {
    const aliases: Record<string, keyof typeof MatchmakerErrorCode> = {
      InvalidConfig: 'INVALID_CONFIG',
      InvalidGroupSize: 'INVALID_GROUP_SIZE',
      UnknownMode: 'UNKNOWN_MODE',
      AlreadyQueued: 'ALREADY_QUEUED',
      InvalidGroup: 'INVALID_GROUP',
      ConcurrentModification: 'CONCURRENT_MODIFICATION',
    };
    for (const [alias, key] of Object.entries(aliases)) {
      expect(MatchmakerErrorCode[alias as keyof typeof MatchmakerErrorCode], alias).toBe(MatchmakerErrorCode[key]);
    }
    const keys = Object.keys(MatchmakerErrorCode);
    expect(keys.filter((key) => !/^[A-Z_]+$/.test(key)).sort()).toEqual(Object.keys(aliases).sort());
  });
});

describe('isMatchmakerError', () => {
  it('is true for a MatchmakerError, and checks the code when one is given', () => {
    const error = new MatchmakerError('E_UNKNOWN_MODE', 'boom', { cause: new Error('under') });
    expect(isMatchmakerError(error)).toBe(true);
    expect(isMatchmakerError(error, 'E_UNKNOWN_MODE')).toBe(true);
    expect(isMatchmakerError(error, 'E_ALREADY_QUEUED')).toBe(false);
  });

  it('is false for a plain Error, null, undefined, strings and look-alike objects', () => {
    const plain = Object.assign(new Error('boom'), { code: 'E_UNKNOWN_MODE' });
    const lookAlike = { name: 'MatchmakerError', message: 'boom', code: 'E_UNKNOWN_MODE' };
    for (const value of [
      new Error('boom'),
      plain,
      null,
      undefined,
      'E_UNKNOWN_MODE',
      '',
      0,
      {},
      { code: 'E_UNKNOWN_MODE' },
      lookAlike,
    ]) {
      expect(isMatchmakerError(value)).toBe(false);
      expect(isMatchmakerError(value, 'E_UNKNOWN_MODE')).toBe(false);
    }
  });

  it('narrows to the class, with the given code', () => {
    const value: unknown = new MatchmakerError('E_UNKNOWN_MODE', 'boom');
    if (!isMatchmakerError(value, 'E_UNKNOWN_MODE')) throw new Error('expected a MatchmakerError');
    expectTypeOf(value).toEqualTypeOf<MatchmakerError<'E_UNKNOWN_MODE'>>();
    expect(value.code).toBe('E_UNKNOWN_MODE');
  });
});
