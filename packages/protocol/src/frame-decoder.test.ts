import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import { FrameDecoder } from './frame-decoder.js';
import { encodeFrame } from './tcp-frame.js';
import type { TcpMessage } from './tcp-messages.js';
import { errorCodeOf, tcpMessageArb } from './test-arbitraries.js';

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** Splits `bytes` at the given cut points (any order, duplicates allowed: empty chunks). */
function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...cuts.map((c) => c % (bytes.length + 1)), 0, bytes.length].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  for (let i = 1; i < points.length; i++) chunks.push(bytes.subarray(points[i - 1], points[i]));
  return chunks;
}

function feed(decoder: FrameDecoder, chunks: Uint8Array[]): TcpMessage[] {
  return chunks.flatMap((c) => decoder.push(c));
}

const hello: TcpMessage = { type: 'hello', protocolVersion: 1, name: 'ada', mode: 'arena' };
const ping: TcpMessage = { type: 'ping', nonce: 7 };

describe('FrameDecoder', () => {
  it('decodes many frames coalesced in one chunk', () => {
    const msgs = [hello, ping, { type: 'cancel' } as const, hello];
    const d = new FrameDecoder();
    expect(d.push(concat(msgs.map((m) => encodeFrame(m))))).toStrictEqual(msgs);
    expect(d.bufferedBytes).toBe(0);
  });

  it('decodes a stream fed one byte at a time', () => {
    const stream = concat([encodeFrame(hello), encodeFrame(ping)]);
    const d = new FrameDecoder();
    const out: TcpMessage[] = [];
    for (let i = 0; i < stream.length; i++) {
      out.push(...d.push(stream.subarray(i, i + 1)));
      if (i === 3) expect(d.bufferedBytes).toBe(4);
    }
    expect(out).toStrictEqual([hello, ping]);
  });

  it('property: the same stream split at arbitrary points yields the same messages', () => {
    fc.assert(
      fc.property(fc.array(tcpMessageArb, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), (msgs, cuts) => {
        const stream = concat(msgs.map((m) => encodeFrame(m)));
        const d = new FrameDecoder();
        expect(feed(d, splitAt(stream, cuts))).toStrictEqual(msgs);
        expect(d.bufferedBytes).toBe(0);
        d.end();
      }),
      { numRuns: 1000 },
    );
  });

  it('does not alias the chunks it was given', () => {
    const frame = encodeFrame({
      type: 'matchFound',
      gameId: 'g',
      host: 'h',
      port: 1,
      slot: 0,
      token: new Uint8Array([1, 2, 3]),
      tokenExpiresAt: 5,
    });
    const d = new FrameDecoder();
    const first = frame.slice(0, 10);
    d.push(first);
    first.fill(0xee);
    const rest = frame.slice(10);
    const [msg] = d.push(rest);
    rest.fill(0xee);
    expect(msg).toStrictEqual({
      type: 'matchFound',
      gameId: 'g',
      host: 'h',
      port: 1,
      slot: 0,
      token: new Uint8Array([1, 2, 3]),
      tokenExpiresAt: 5,
    });
  });

  it('rejects an oversize declared length as soon as the 4-byte prefix arrives, before any body', () => {
    const d = new FrameDecoder({ maxFrameBytes: 64 });
    expect(d.push(Uint8Array.from([0, 0]))).toStrictEqual([]);
    expect(errorCodeOf(() => d.push(Uint8Array.from([0, 65])))).toBe('E_FRAME_TOO_LARGE');
    expect(d.bufferedBytes).toBe(0);
    expect(d.error?.code).toBe('E_FRAME_TOO_LARGE');
  });

  it('refuses a 4 GiB declared length without allocating it', () => {
    const d = new FrameDecoder();
    expect(errorCodeOf(() => d.push(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 1, 1])))).toBe('E_FRAME_TOO_LARGE');
  });

  it('accepts a frame of exactly maxFrameBytes', () => {
    const frame = encodeFrame({ type: 'ping', nonce: 1 }); // declared length 6
    expect(new FrameDecoder({ maxFrameBytes: 6 }).push(frame)).toStrictEqual([{ type: 'ping', nonce: 1 }]);
    expect(errorCodeOf(() => new FrameDecoder({ maxFrameBytes: 5 }).push(frame))).toBe('E_FRAME_TOO_LARGE');
  });

  it('is poisoned after an error: later pushes throw E_DECODER_POISONED with the first error as cause', () => {
    const d = new FrameDecoder();
    const bad = Uint8Array.from([0, 0, 0, 2, 9, 1]); // version 9
    expect(errorCodeOf(() => d.push(concat([encodeFrame(ping), bad])))).toBe('E_UNSUPPORTED_VERSION');
    let later: unknown;
    try {
      d.push(encodeFrame(ping));
    } catch (error) {
      later = error;
    }
    expect(later).toBeInstanceOf(ProtocolError);
    expect((later as ProtocolError).code).toBe('E_DECODER_POISONED');
    expect(((later as ProtocolError).cause as ProtocolError).code).toBe('E_UNSUPPORTED_VERSION');
    expect(errorCodeOf(() => d.end())).toBe('E_DECODER_POISONED');
  });

  it('end() reports a stream cut inside a frame', () => {
    const d = new FrameDecoder();
    d.push(encodeFrame(hello).subarray(0, 7));
    expect(errorCodeOf(() => d.end())).toBe('E_TRUNCATED');
    const clean = new FrameDecoder();
    clean.push(encodeFrame(hello));
    clean.end();
    const headerOnly = new FrameDecoder();
    headerOnly.push(Uint8Array.from([0, 0]));
    expect(errorCodeOf(() => headerOnly.end())).toBe('E_TRUNCATED');
  });

  it('refuses bad options and non-bytes chunks', () => {
    expect(errorCodeOf(() => new FrameDecoder({ maxFrameBytes: 0 }))).toBe('E_INVALID_ARGUMENT');
    expect(errorCodeOf(() => new FrameDecoder({ maxFrameBytes: 2 ** 25 }))).toBe('E_INVALID_ARGUMENT');
    expect(errorCodeOf(() => new FrameDecoder().push('abc' as unknown as Uint8Array))).toBe('E_INVALID_ARGUMENT');
  });

  it('property: arbitrary chunks of random bytes yield messages or one known ProtocolError, and buffer at most 4 + maxFrameBytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }),
        fc.integer({ min: 2, max: 300 }),
        (chunks, max) => {
          const d = new FrameDecoder({ maxFrameBytes: max });
          for (const chunk of chunks) {
            const code = errorCodeOf(() => d.push(chunk));
            expect(d.bufferedBytes).toBeLessThanOrEqual(4 + max);
            if (code !== undefined) {
              expect(errorCodeOf(() => d.push(chunk))).toBe('E_DECODER_POISONED');
              return;
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: valid frames followed by garbage: the valid prefix decodes when pushed on its own', () => {
    fc.assert(
      fc.property(
        fc.array(tcpMessageArb, { minLength: 1, maxLength: 5 }),
        fc.uint8Array({ minLength: 1, maxLength: 50 }),
        (msgs, garbage) => {
          const d = new FrameDecoder();
          expect(d.push(concat(msgs.map((m) => encodeFrame(m))))).toStrictEqual(msgs);
          errorCodeOf(() => d.push(garbage));
        },
      ),
      { numRuns: 500 },
    );
  });
});
