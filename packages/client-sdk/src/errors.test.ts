import { WireErrorCode } from '@proj/protocol';
import { describe, expect, it } from 'vitest';
import { ClientError, ClientErrorCode, clientErrorFromWire, isClientError } from './errors.js';

describe('ClientError', () => {
  it('maps every wire error code to a client code, keeping the number and its name', () => {
    const expected: Record<number, string> = { 7: 'E_SERVER_FULL', 8: 'E_SERVER_FULL', 9: 'E_SHUTTING_DOWN' };
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
});
