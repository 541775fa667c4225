import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import {
  DenyReason,
  DisconnectReason,
  GameOverReason,
  WireErrorCode,
  denyReasonFor,
  denyReasonName,
  describeWireError,
  disconnectReasonName,
  gameOverReasonName,
  isWireErrorCode,
  wireErrorCodeFor,
  wireErrorName,
} from './wire-codes.js';

describe('wire codes', () => {
  it('are distinct u16 / u8 values with names and descriptions', () => {
    for (const table of [WireErrorCode, DenyReason, DisconnectReason, GameOverReason]) {
      const values = Object.values(table);
      expect(new Set(values).size).toBe(values.length);
    }
    for (const [name, code] of Object.entries(WireErrorCode)) {
      expect(wireErrorName(code)).toBe(name);
      expect(isWireErrorCode(code)).toBe(true);
      expect(describeWireError(code)).not.toMatch(/^error /);
    }
    expect(wireErrorName(999)).toBe('WIRE_999');
    expect(describeWireError(999)).toBe('error 999');
    expect(isWireErrorCode(0)).toBe(false);
    expect(denyReasonName(DenyReason.TOKEN_EXPIRED)).toBe('TOKEN_EXPIRED');
    expect(denyReasonName(0)).toBe('DENY_0');
    expect(disconnectReasonName(DisconnectReason.TIMEOUT)).toBe('TIMEOUT');
    expect(disconnectReasonName(77)).toBe('DISCONNECT_77');
    expect(gameOverReasonName(GameOverReason.COMPLETED)).toBe('COMPLETED');
    expect(gameOverReasonName(77)).toBe('GAME_OVER_77');
  });

  it('maps decode errors to the wire code the orchestrator sends', () => {
    expect(wireErrorCodeFor(new ProtocolError('E_FRAME_TOO_LARGE', ''))).toBe(WireErrorCode.FRAME_TOO_LARGE);
    expect(wireErrorCodeFor(new ProtocolError('E_UNSUPPORTED_VERSION', ''))).toBe(WireErrorCode.UNSUPPORTED_VERSION);
    expect(wireErrorCodeFor(new ProtocolError('E_INVALID_UTF8', ''))).toBe(WireErrorCode.BAD_FRAME);
    expect(wireErrorCodeFor(new Error('x'))).toBe(WireErrorCode.INTERNAL);
  });

  it('maps token errors to the deny reason the child sends', () => {
    expect(denyReasonFor(new ProtocolError('E_TOKEN_EXPIRED', ''))).toBe(DenyReason.TOKEN_EXPIRED);
    expect(denyReasonFor(new ProtocolError('E_TOKEN_REUSED', ''))).toBe(DenyReason.TOKEN_REUSED);
    expect(denyReasonFor(new ProtocolError('E_TOKEN_WRONG_GAME', ''))).toBe(DenyReason.WRONG_GAME);
    expect(denyReasonFor(new ProtocolError('E_TOKEN_FORGED', ''))).toBe(DenyReason.TOKEN_INVALID);
    expect(denyReasonFor(new ProtocolError('E_TOKEN_MALFORMED', ''))).toBe(DenyReason.TOKEN_MALFORMED);
    expect(denyReasonFor(new ProtocolError('E_REPLAY_GUARD_FULL', ''))).toBe(DenyReason.INTERNAL);
    expect(denyReasonFor('nope')).toBe(DenyReason.INTERNAL);
  });
});
