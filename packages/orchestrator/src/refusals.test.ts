import {
  FrameDecoder,
  MAX_ERROR_MESSAGE_BYTES,
  ProtocolError,
  WireErrorCode,
  describeWireError,
  encodeFrame,
} from '@proj/protocol';
import { describe, expect, it } from 'vitest';
import {
  acceptRefusal,
  frameRefusal,
  frameRefusalMessage,
  helloRefusal,
  messageRefusal,
  unknownModeMessage,
} from './refusals.js';

const open = { accepting: true, connections: 10, fromAddress: 2, maxConnections: 100, maxConnectionsPerIp: 4 };

/** The error the real decoder throws for `bytes` (a hello frame whose name is the given raw bytes, for instance). */
function decodeError(bytes: Uint8Array): unknown {
  try {
    new FrameDecoder().push(bytes);
  } catch (error) {
    return error;
  }
  throw new Error('the frame decoded');
}

/** A hello frame (type 1, protocol version 1) with raw name bytes and no mode. */
function helloFrame(name: Uint8Array): Uint8Array {
  const body = [1, 1, name.length, ...name, 0];
  return Uint8Array.from([0, 0, (body.length >> 8) & 0xff, body.length & 0xff, ...body]);
}

describe('acceptRefusal', () => {
  it('refuses during shutdown first, then a full table, then too many from one address', () => {
    expect(acceptRefusal(open)).toBeUndefined();
    expect(acceptRefusal({ ...open, accepting: false, connections: 100, fromAddress: 4 })).toBe(
      WireErrorCode.SHUTTING_DOWN,
    );
    expect(acceptRefusal({ ...open, connections: 100, fromAddress: 4 })).toBe(WireErrorCode.SERVER_FULL);
    expect(acceptRefusal({ ...open, fromAddress: 4 })).toBe(WireErrorCode.TOO_MANY_FROM_IP);
    expect(acceptRefusal({ ...open, fromAddress: 3 })).toBeUndefined();
  });

  it('refuses an address serving a rate-limit penalty with RATE_LIMITED, after shutdown', () => {
    expect(acceptRefusal({ ...open, penalised: true })).toBe(WireErrorCode.RATE_LIMITED);
    expect(acceptRefusal({ ...open, penalised: true, accepting: false })).toBe(WireErrorCode.SHUTTING_DOWN);
    expect(acceptRefusal({ ...open, penalised: false })).toBeUndefined();
  });
});

describe('frameRefusal', () => {
  it('maps a name the wire decoder refuses to BAD_NAME, other decoding errors as the protocol does', () => {
    expect(frameRefusal(decodeError(helloFrame(Uint8Array.of(0x61, 0x07))))).toBe(WireErrorCode.BAD_NAME);
    expect(frameRefusal(decodeError(helloFrame(Uint8Array.of(0xff, 0xfe))))).toBe(WireErrorCode.BAD_NAME);
    expect(frameRefusal(new ProtocolError('E_FRAME_TOO_LARGE', 'frame of 99999 bytes'))).toBe(
      WireErrorCode.FRAME_TOO_LARGE,
    );
    expect(frameRefusal(new ProtocolError('E_INVALID_FIELD', 'queued.position out of range'))).toBe(
      WireErrorCode.BAD_FRAME,
    );
    expect(frameRefusal(new Error('not a protocol error'))).toBe(WireErrorCode.INTERNAL);
  });

  it('maps format and separator characters in a name to BAD_NAME', () => {
    for (const char of ['\u202E', '\u200B', '\u2028']) {
      expect(frameRefusal(decodeError(helloFrame(Buffer.from(`ada${char}`))))).toBe(WireErrorCode.BAD_NAME);
    }
  });
});

describe('frameRefusalMessage', () => {
  it('says why a name was refused, and describes the other codes', () => {
    const rlo = decodeError(helloFrame(Buffer.from('\u202Enimda')));
    expect(frameRefusalMessage(WireErrorCode.BAD_NAME, rlo)).toBe(
      'player name refused: hello.name holds a format character U+202E',
    );
    expect(frameRefusalMessage(WireErrorCode.BAD_NAME, decodeError(helloFrame(Uint8Array.of(0xff))))).toBe(
      'player name refused: hello.name is not valid UTF-8',
    );
    expect(frameRefusalMessage(WireErrorCode.BAD_FRAME, new ProtocolError('E_TRUNCATED', 'short'))).toBe(
      describeWireError(WireErrorCode.BAD_FRAME),
    );
  });
});

describe('messageRefusal', () => {
  it('welcomes ping, pong and cancel in every state, hello only before it, never a server-to-client message', () => {
    for (const state of ['awaitingHello', 'queued', 'matched', 'closing'] as const) {
      for (const type of ['ping', 'pong', 'cancel'] as const) expect(messageRefusal(state, type)).toBeUndefined();
      for (const type of ['queued', 'matchFound', 'error'] as const) {
        expect(messageRefusal(state, type)).toBe(WireErrorCode.UNEXPECTED_MESSAGE);
      }
    }
    expect(messageRefusal('awaitingHello', 'hello')).toBeUndefined();
    expect(messageRefusal('queued', 'hello')).toBe(WireErrorCode.ALREADY_QUEUED);
    expect(messageRefusal('matched', 'hello')).toBe(WireErrorCode.UNEXPECTED_MESSAGE);
  });
});

describe('helloRefusal', () => {
  const modes = new Map([['duel', {}]]);
  it('refuses a blank name, then a mode that is not configured', () => {
    const hello = (name: string) => ({ type: 'hello' as const, protocolVersion: 1, name });
    expect(helloRefusal(hello('ada'), 'duel', modes)).toBeUndefined();
    expect(helloRefusal(hello(' \t '), 'duel', modes)).toBe(WireErrorCode.BAD_NAME);
    expect(helloRefusal(hello(' \t '), 'chess', modes)).toBe(WireErrorCode.BAD_NAME);
    expect(helloRefusal(hello('ada'), 'chess', modes)).toBe(WireErrorCode.UNKNOWN_MODE);
  });
});

describe('unknownModeMessage', () => {
  it('names the mode asked for and every configured mode, in order', () => {
    expect(unknownModeMessage('ctf', ['arena', 'duel'])).toBe("unknown mode 'ctf': the modes are arena, duel");
    expect(unknownModeMessage('ctf', new Map([['duel', {}]]).keys())).toBe("unknown mode 'ctf': the mode is duel");
  });

  it('ends a list too long for an error frame in "...", within the bound, and the frame encodes', () => {
    const modes = Array.from({ length: 200 }, (_, i) => `mode-${i}-ü`);
    const message = unknownModeMessage('x'.repeat(32), modes);
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_BYTES);
    expect(Buffer.byteLength(message)).toBeGreaterThan(MAX_ERROR_MESSAGE_BYTES - 20);
    expect(message).toMatch(/^unknown mode 'x{32}': the modes are mode-0-ü, mode-1-ü, .*, mode-\d+-ü, \.\.\.$/);
    expect(() => encodeFrame({ type: 'error', code: WireErrorCode.UNKNOWN_MODE, message })).not.toThrow();
    expect(unknownModeMessage('ctf', ['arena', 'duel'], 40)).toBe("unknown mode 'ctf': the modes are ...");
    expect(unknownModeMessage('ctf', ['arena', 'duel'], 44)).toBe("unknown mode 'ctf': the modes are arena, ...");
  });
});
