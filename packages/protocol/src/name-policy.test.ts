import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from './constants.js';
import { ProtocolError } from './errors.js';
import { decodeFrame, encodeFrame } from './tcp-frame.js';

function hello(name: string): { type: 'hello'; protocolVersion: number; name: string } {
  return { type: 'hello', protocolVersion: PROTOCOL_VERSION, name };
}

/** A hello frame written byte by byte, so that the decoder sees names the encoder would refuse. */
function rawHello(name: string): Uint8Array {
  const bytes = Buffer.from(name, 'utf8');
  const body = Buffer.concat([Buffer.from([PROTOCOL_VERSION, 0x01, bytes.length]), bytes, Buffer.from([0])]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

function refusal(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return error as ProtocolError;
  }
  throw new Error('not refused');
}

describe('player names', () => {
  it.each([
    ['a\u202Eb', 'format character U+202E'], // right-to-left override: "a<RLO>nimda" shows as "admin..."
    ['ad\u200Ba', 'format character U+200B'], // zero width space
    ['ada\u2028', 'line separator U+2028'],
    ['ada\u2029x', 'paragraph separator U+2029'],
    ['\u2066ada\u2069', 'format character U+2066'], // left-to-right isolate
    ['a\u200Eb', 'format character U+200E'], // left-to-right mark
    ['ad\u00ADa', 'format character U+00AD'], // soft hyphen
    ['\uFEFFada', 'format character U+FEFF'], // BOM, zero width no-break space
    ['a\u200Db', 'format character U+200D'], // a joiner between Latin letters is invisible
    ['a\u200Cb', 'format character U+200C'],
    ['\u200D😀', 'format character U+200D'],
    ['😀\u200D', 'format character U+200D'],
    ['a\u{E0041}', 'format character U+E0041'], // a tag character outside a flag
    ['a\u0007', 'control character U+0007'],
    ['a\u0085', 'control character U+0085'],
  ])('refuses %j, when encoding and when decoding, naming the character', (name, what) => {
    const message = `hello.name holds a ${what}`;
    const encoding = refusal(() => encodeFrame(hello(name)));
    expect([encoding.code, encoding.message]).toEqual(['E_INVALID_FIELD', message]);
    const decoding = refusal(() => decodeFrame(rawHello(name)));
    expect([decoding.code, decoding.message]).toEqual(['E_INVALID_FIELD', message]);
  });

  it.each([
    'ada',
    'Ada Lovelace',
    'Zoë',
    'Søren Kierkegaard',
    'Владимир',
    'Ελένη',
    '名前',
    '김민준',
    'محمد',
    'می‌خواهم', // Persian: a zero-width non-joiner inside the word
    'नमस्ते',
    'שלום',
    '😀',
    '❤️ heart', // emoji presentation selector (U+FE0F, a mark, not a format character)
    '👍🏽',
    '👩‍💻', // woman technologist: a ZWJ sequence
    '👨‍👩‍👧',
    '🏳️‍🌈',
    '🏴󠁧󠁢󠁳󠁣󠁴󠁿', // the flag of Scotland: a tag sequence
  ])('accepts %j', (name) => {
    expect(decodeFrame(encodeFrame(hello(name)))).toStrictEqual(hello(name));
    expect(decodeFrame(rawHello(name))).toStrictEqual(hello(name));
  });

  it('keeps other fields to the identifier rule: a mode or game id may hold a format character', () => {
    const msg = { ...hello('ada'), mode: 'ar\u200Bena' };
    expect(decodeFrame(encodeFrame(msg))).toStrictEqual(msg);
  });

  it('refuses a name exactly when it holds Cc, Cf, Zl or Zp outside the allowed contexts, and says which', () => {
    const interesting = fc.constantFrom(
      'a',
      ' ',
      'é',
      '\u202E',
      '\u200B',
      '\u200C',
      '\u200D',
      '\u2028',
      '\u2029',
      '\u0007',
      '\uFEFF',
      '😀',
      'م',
      '\u{1F3F4}',
      '\u{E0067}',
      '\u{E007F}',
    );
    fc.assert(
      fc.property(fc.array(interesting, { minLength: 1, maxLength: 8 }), (chars) => {
        const name = chars.join('');
        let error: unknown;
        try {
          encodeFrame(hello(name));
        } catch (e) {
          error = e;
        }
        const plain = !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name);
        if (plain) expect(error).toBeUndefined();
        if (error !== undefined) {
          expect(error).toBeInstanceOf(ProtocolError);
          const { code, message } = error as ProtocolError;
          expect(code).toBe('E_INVALID_FIELD');
          expect(message).toMatch(
            /^hello\.name holds a (control character|format character|line separator|paragraph separator) U\+[0-9A-F]{4,6}$/,
          );
          const codePoint = String.fromCodePoint(Number.parseInt(message.split('U+')[1]!, 16));
          expect(name).toContain(codePoint);
        } else {
          expect(decodeFrame(rawHello(name))).toStrictEqual(hello(name));
        }
      }),
    );
  });
});
