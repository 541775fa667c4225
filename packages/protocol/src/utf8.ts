import { fail } from './errors.js';

// fatal: invalid UTF-8 (overlong forms, surrogates, truncated sequences) throws instead of becoming
// U+FFFD; ignoreBOM: a leading U+FEFF is content, not a marker to strip, so strings round-trip.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const LONE_SURROGATE = /\p{Surrogate}/u;
// C0 controls, DEL and C1 controls (Unicode's Cc: U+0000-U+001F, U+007F-U+009F): they reorder, hide or inject
// terminal sequences.
const IDENTIFIER_FORBIDDEN = /\p{Cc}/u;
// Free text may also hold TAB and LF.
const TEXT_FORBIDDEN = /(?![\t\n])\p{Cc}/u;

/** @internal How strings of a field are policed beyond being valid UTF-8. */
export type StringPolicy = 'identifier' | 'text' | 'any';

/**
 * @internal UTF-8 byte length of `value`. Throws E_INVALID_UTF8 for a string with a lone surrogate,
 * which no UTF-8 encoder could write faithfully.
 */
export function utf8Length(value: string, field: string): number {
  if (LONE_SURROGATE.test(value)) fail('E_INVALID_UTF8', `${field} holds a lone surrogate`);
  return Buffer.byteLength(value, 'utf8');
}

/** @internal Throws E_INVALID_FIELD when `value` breaks `policy`. */
export function checkPolicy(value: string, policy: StringPolicy, field: string): void {
  if (policy === 'identifier' ? IDENTIFIER_FORBIDDEN.test(value) : policy === 'text' && TEXT_FORBIDDEN.test(value)) {
    fail('E_INVALID_FIELD', `${field} holds a control character`);
  }
}

/** @internal Decodes bytes[start, end) as UTF-8; E_INVALID_UTF8 when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number, field: string): string {
  if (end - start <= 64) {
    // Short ASCII (names, modes, ids) skips the TextDecoder call and its subarray.
    let ascii = '';
    let i = start;
    for (; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) break;
      ascii += String.fromCharCode(b);
    }
    if (i === end) return ascii;
  }
  try {
    return decoder.decode(bytes.subarray(start, end));
  } catch (error) {
    return fail('E_INVALID_UTF8', `${field} is not valid UTF-8`, error);
  }
}
