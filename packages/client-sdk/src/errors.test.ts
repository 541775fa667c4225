import { WireErrorCode } from '@proj/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ClientError, ClientErrorCode, clientErrorFromWire, isClientError } from './errors.js';

describe('ClientError', () => {
  it('maps every wire error code to a client code, keeping the number and its name', () => {
    const expected: Record<number, string> = {
      7: 'E_SERVER_FULL',
      8: 'E_SERVER_FULL',
      9: 'E_SHUTTING_DOWN',
      16: 'E_SERVER_FULL',
      17: 'E_SERVER_FULL',
    };
    for (const code of [...Object.values(WireErrorCode), 0, 500]) {
      const error = clientErrorFromWire(code, 'why');
      expect(error.code).toBe(expected[code] ?? 'E_REFUSED');
      expect(error.wireCode).toBe(code);
      expect(error.wireName).toMatch(/^[A-Z_0-9]+$/);
      expect(error.message).toContain('why');
    }
  });

  it('names deny and disconnect reasons, tolerating unknown values', () => {
    expect(new ClientError('E_DENIED', 'x', { denyReason: 3 }).denyReasonName).toBe('TOKEN_EXPIRED');
    expect(new ClientError('E_DENIED', 'x', { denyReason: 77 }).denyReasonName).toBe('DENY_77');
    expect(new ClientError('E_DISCONNECTED', 'x', { disconnectReason: 2 }).disconnectReasonName).toBe('TIMEOUT');
  });

  it('has a type guard and distinct string codes', () => {
    const e = new ClientError(ClientErrorCode.ABORTED, 'stop', { cause: 'r' });
    expect(isClientError(e)).toBe(true);
    expect(isClientError(e, 'E_ABORTED')).toBe(true);
    expect(isClientError(e, 'E_DENIED')).toBe(false);
    expect(isClientError(new Error('x'))).toBe(false);
    expect(e.cause).toBe('r');
    expect(e.name).toBe('ClientError');
    const codes = Object.values(ClientErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [key, code] of Object.entries(ClientErrorCode)) expect(code).toBe(`E_${key}`);
  });

  it('isClientError is false for a plain Error, null, undefined, strings and look-alike objects', () => {
    const plain = Object.assign(new Error('boom'), { code: 'E_ABORTED' });
    const lookAlike = { name: 'ClientError', message: 'boom', code: 'E_ABORTED' };
    for (const value of [
      new Error('boom'),
      plain,
      null,
      undefined,
      'E_ABORTED',
      '',
      0,
      {},
      { code: 'E_ABORTED' },
      lookAlike,
    ]) {
      expect(isClientError(value)).toBe(false);
      expect(isClientError(value, 'E_ABORTED')).toBe(false);
    }
  });

  it('isClientError narrows to the class, with the given code', () => {
    const value: unknown = new ClientError('E_DENIED', 'no', { denyReason: 3 });
    if (!isClientError(value, 'E_DENIED')) throw new Error('expected a ClientError');
    expectTypeOf(value).toEqualTypeOf<ClientError<'E_DENIED'>>();
    expect(value.denyReasonName).toBe('TOKEN_EXPIRED');
  });
});
