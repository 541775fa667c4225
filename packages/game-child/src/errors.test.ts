import { describe, expect, expectTypeOf, it } from 'vitest';
import { GameChildError, GameChildErrorCode, isGameChildError } from './index.js';

describe('GameChildErrorCode', () => {
  it('holds each code once under a SCREAMING_CASE key: the code without its E_ prefix', () => {
    expect(new Set(Object.values(GameChildErrorCode))).toEqual(
      new Set(['E_INVALID_ARGUMENT', 'E_BIND_FAILED', 'E_GAME_FAILED', 'E_GAME_MODULE']),
    );
    const screaming = Object.entries(GameChildErrorCode).filter(([key]) => /^[A-Z_]+$/.test(key));
    for (const [key, code] of screaming) expect(code).toBe(`E_${key}`);
    expect(screaming).toHaveLength(new Set(Object.values(GameChildErrorCode)).size);
  });

  it('keeps the PascalCase keys of earlier releases as aliases of the same values', () => {
    const aliases: Record<string, keyof typeof GameChildErrorCode> = {
      InvalidArgument: 'INVALID_ARGUMENT',
      BindFailed: 'BIND_FAILED',
      GameFailed: 'GAME_FAILED',
    };
    for (const [alias, key] of Object.entries(aliases)) {
      expect(GameChildErrorCode[alias as keyof typeof GameChildErrorCode], alias).toBe(GameChildErrorCode[key]);
    }
    const keys = Object.keys(GameChildErrorCode);
    expect(keys.filter((key) => !/^[A-Z_]+$/.test(key)).sort()).toEqual(Object.keys(aliases).sort());
  });
});

describe('isGameChildError', () => {
  it('is true for a GameChildError, and checks the code when one is given', () => {
    const error = new GameChildError('E_BIND_FAILED', 'boom', { cause: new Error('under') });
    expect(isGameChildError(error)).toBe(true);
    expect(isGameChildError(error, 'E_BIND_FAILED')).toBe(true);
    expect(isGameChildError(error, 'E_GAME_FAILED')).toBe(false);
  });

  it('is false for a plain Error, null, undefined, strings and look-alike objects', () => {
    const plain = Object.assign(new Error('boom'), { code: 'E_BIND_FAILED' });
    const lookAlike = { name: 'GameChildError', message: 'boom', code: 'E_BIND_FAILED' };
    for (const value of [
      new Error('boom'),
      plain,
      null,
      undefined,
      'E_BIND_FAILED',
      '',
      0,
      {},
      { code: 'E_BIND_FAILED' },
      lookAlike,
    ]) {
      expect(isGameChildError(value)).toBe(false);
      expect(isGameChildError(value, 'E_BIND_FAILED')).toBe(false);
    }
  });

  it('narrows to the class, with the given code', () => {
    const value: unknown = new GameChildError('E_BIND_FAILED', 'boom');
    if (!isGameChildError(value, 'E_BIND_FAILED')) throw new Error('expected a GameChildError');
    expectTypeOf(value).toEqualTypeOf<GameChildError<'E_BIND_FAILED'>>();
    expect(value.code).toBe('E_BIND_FAILED');
  });
});
