import { describe, expect, expectTypeOf, it } from 'vitest';
import { ServerConfigError, ServerError, ServerErrorCode, isServerError } from './index.js';

describe('ServerErrorCode', () => {
  it('holds each code once under a SCREAMING_CASE key: the code without its E_ prefix', () => {
    expect(new Set(Object.values(ServerErrorCode))).toEqual(
      new Set(['E_INVALID_CONFIG', 'E_CONFIG_FILE', 'E_USAGE', 'E_START_FAILED']),
    );
    // A private app: no deprecated aliases, every key is the code without its E_ prefix.
    for (const [key, code] of Object.entries(ServerErrorCode)) expect(code).toBe(`E_${key}`);
    expect(Object.keys(ServerErrorCode)).toHaveLength(4);
  });
});

describe('isServerError', () => {
  it('is true for a ServerError, and checks the code when one is given', () => {
    const error = new ServerError('E_START_FAILED', 'boom', { cause: new Error('under') });
    expect(isServerError(error)).toBe(true);
    expect(isServerError(error, 'E_START_FAILED')).toBe(true);
    expect(isServerError(error, 'E_USAGE')).toBe(false);
    const config = new ServerConfigError('E_USAGE', 'unknown flag --x', { setting: 'x' });
    expect(isServerError(config)).toBe(true);
    expect(isServerError(config, 'E_USAGE')).toBe(true);
  });

  it('is false for a plain Error, null, undefined, strings and look-alike objects', () => {
    const plain = Object.assign(new Error('boom'), { code: 'E_START_FAILED' });
    const lookAlike = { name: 'ServerError', message: 'boom', code: 'E_START_FAILED' };
    for (const value of [
      new Error('boom'),
      plain,
      null,
      undefined,
      'E_START_FAILED',
      '',
      0,
      {},
      { code: 'E_START_FAILED' },
      lookAlike,
    ]) {
      expect(isServerError(value)).toBe(false);
      expect(isServerError(value, 'E_START_FAILED')).toBe(false);
    }
  });

  it('narrows to the class, with the given code', () => {
    const value: unknown = new ServerError('E_START_FAILED', 'boom');
    if (!isServerError(value, 'E_START_FAILED')) throw new Error('expected a ServerError');
    expectTypeOf(value).toEqualTypeOf<ServerError<'E_START_FAILED'>>();
    expect(value.code).toBe('E_START_FAILED');
  });
});
