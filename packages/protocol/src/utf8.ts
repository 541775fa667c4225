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
// Player names, shown to other players, also refuse the format characters (Cf: bidi overrides and isolates such as
// U+202E, zero-width spaces and joiners such as U+200B, the soft hyphen, the BOM...) and the line and paragraph
// separators (Zl U+2028, Zp U+2029): they let one name display as another, or break a line in a list of names.
const NAME_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
// Except where a format character is part of ordinary writing: a zero-width joiner inside an emoji sequence
// (👩‍💻: pictograph, an optional skin tone or emoji presentation selector, ZWJ, pictograph), a zero-width
// non-joiner between two Arabic-script letters (Persian writes it inside words), and an emoji tag sequence
// (the flags of England, Scotland, Wales: U+1F3F4, tags U+E0020-U+E007E, cancel tag U+E007F).
const NAME_FORMAT_IN_CONTEXT =
  /(?<=\p{Extended_Pictographic}[\p{Emoji_Modifier}\uFE0F]?)\u200D(?=\p{Extended_Pictographic})|(?<=\p{Script=Arabic}\p{M}*)\u200C(?=\p{Script=Arabic})|\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;

/** @internal How strings of a field are policed beyond being valid UTF-8. */
export type StringPolicy = 'identifier' | 'name' | 'text' | 'any';

/** `U+202E`: a code point as Unicode writes it. */
function codePointLabel(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What kind of character the forbidden `char` is, for the error message. */
function forbiddenKind(char: string): string {
  if (/\p{Cc}/u.test(char)) return 'control character';
  if (/\p{Cf}/u.test(char)) return 'format character';
  return /\p{Zl}/u.test(char) ? 'line separator' : 'paragraph separator';
}

/** The first character of `value` that `policy` refuses, or undefined. */
function firstForbidden(value: string, policy: StringPolicy): string | undefined {
  switch (policy) {
    case 'identifier':
      return IDENTIFIER_FORBIDDEN.exec(value)?.[0];
    case 'text':
      return TEXT_FORBIDDEN.exec(value)?.[0];
    case 'name':
      if (!NAME_FORBIDDEN.test(value)) return undefined;
      return NAME_FORBIDDEN.exec(value.replace(NAME_FORMAT_IN_CONTEXT, ''))?.[0];
    default:
      return undefined;
  }
}

/**
 * @internal UTF-8 byte length of `value`. Throws E_INVALID_UTF8 for a string with a lone surrogate,
 * which no UTF-8 encoder could write faithfully.
 */
export function utf8Length(value: string, field: string): number {
  if (LONE_SURROGATE.test(value)) fail('E_INVALID_UTF8', `${field} holds a lone surrogate`);
  return Buffer.byteLength(value, 'utf8');
}

/**
 * @internal Throws E_INVALID_FIELD when `value` breaks `policy`, naming the field, the kind of character and its
 * code point: `hello.name holds a format character U+202E` (never the character itself).
 */
export function checkPolicy(value: string, policy: StringPolicy, field: string): void {
  const forbidden = firstForbidden(value, policy);
  if (forbidden !== undefined) {
    fail('E_INVALID_FIELD', `${field} holds a ${forbiddenKind(forbidden)} ${codePointLabel(forbidden)}`);
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
