import { describe, expect, expectTypeOf, it } from 'vitest';
import { OrchestratorError, OrchestratorErrorCode, isOrchestratorError } from './index.js';

describe('OrchestratorErrorCode', () => {
  it('holds each code once under a SCREAMING_CASE key: the code without its E_ prefix', () => {
    expect(new Set(Object.values(OrchestratorErrorCode))).toEqual(
      new Set([
        'E_INVALID_OPTIONS',
        'E_LISTEN_FAILED',
        'E_ALREADY_LISTENING',
        'E_CLOSED',
        'E_QUEUE_BACKEND',
        'E_GAME_NOT_FOUND',
        'E_GAME_NOT_RUNNING',
        'E_INVALID_ARGUMENT',
      ]),
    );
    const screaming = Object.entries(OrchestratorErrorCode).filter(([key]) => /^[A-Z_]+$/.test(key));
    for (const [key, code] of screaming) expect(code).toBe(`E_${key}`);
    expect(screaming).toHaveLength(new Set(Object.values(OrchestratorErrorCode)).size);
  });

  it('keeps the PascalCase keys of earlier releases as aliases of the same values', () => {
    const aliases: Record<string, keyof typeof OrchestratorErrorCode> = {
      InvalidOptions: 'INVALID_OPTIONS',
      ListenFailed: 'LISTEN_FAILED',
      AlreadyListening: 'ALREADY_LISTENING',
      Closed: 'CLOSED',
    };
    for (const [alias, key] of Object.entries(aliases)) {
      expect(OrchestratorErrorCode[alias as keyof typeof OrchestratorErrorCode], alias).toBe(
        OrchestratorErrorCode[key],
      );
    }
    const keys = Object.keys(OrchestratorErrorCode);
    expect(keys.filter((key) => !/^[A-Z_]+$/.test(key)).sort()).toEqual(Object.keys(aliases).sort());
  });
});

describe('isOrchestratorError', () => {
  it('is true for an OrchestratorError, and checks the code when one is given', () => {
    const error = new OrchestratorError('E_LISTEN_FAILED', 'boom', { cause: new Error('under') });
    expect(isOrchestratorError(error)).toBe(true);
    expect(isOrchestratorError(error, 'E_LISTEN_FAILED')).toBe(true);
    expect(isOrchestratorError(error, 'E_CLOSED')).toBe(false);
  });

  it('is false for a plain Error, null, undefined, strings and look-alike objects', () => {
    const plain = Object.assign(new Error('boom'), { code: 'E_LISTEN_FAILED' });
    const lookAlike = { name: 'OrchestratorError', message: 'boom', code: 'E_LISTEN_FAILED' };
    for (const value of [
      new Error('boom'),
      plain,
      null,
      undefined,
      'E_LISTEN_FAILED',
      '',
      0,
      {},
      { code: 'E_LISTEN_FAILED' },
      lookAlike,
    ]) {
      expect(isOrchestratorError(value)).toBe(false);
      expect(isOrchestratorError(value, 'E_LISTEN_FAILED')).toBe(false);
    }
  });

  it('narrows to the class, with the given code', () => {
    const value: unknown = new OrchestratorError('E_LISTEN_FAILED', 'boom');
    if (!isOrchestratorError(value, 'E_LISTEN_FAILED')) throw new Error('expected an OrchestratorError');
    expectTypeOf(value).toEqualTypeOf<OrchestratorError<'E_LISTEN_FAILED'>>();
    expect(value.code).toBe('E_LISTEN_FAILED');
  });
});
