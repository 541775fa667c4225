// Pure text layout for the full-screen UI: visible widths (ANSI escapes take no room, wide characters take two
// columns), cutting and padding lines to a width, word wrapping, and where the arena board and its side panel go.

/** Columns and rows of a terminal. */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

// CSI sequences (colours, cursor moves) and lone two-character escapes: matching ESC is the point.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]/y;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/** Columns `ch` (one code point) takes in a terminal: 0 for combining marks, 2 for wide East Asian and emoji. */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(ch)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

/** Splits `s` into escape sequences (width 0) and code points. */
function* pieces(s: string): Generator<{ readonly text: string; readonly width: number }> {
  let i = 0;
  while (i < s.length) {
    if (s.charCodeAt(i) === 0x1b) {
      ESCAPE.lastIndex = i;
      const m = ESCAPE.exec(s);
      if (m !== null) {
        yield { text: m[0], width: 0 };
        i += m[0].length;
        continue;
      }
    }
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    yield { text: ch, width: charWidth(ch) };
    i += ch.length;
  }
}

/** Columns `s` takes on screen (ANSI escapes count for nothing). */
export function textWidth(s: string): number {
  let w = 0;
  for (const p of pieces(s)) w += p.width;
  return w;
}

/**
 * `s` cut to at most `width` columns, with '…' as its last column when something was cut. Escape sequences are
 * all kept, those after the cut too, so a style opened before the cut is still closed.
 */
export function fitLine(s: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  let full = false;
  for (const p of pieces(s)) {
    // Escapes after the cut are kept too, so the styles the kept text opened are closed.
    if (p.width === 0) out += p.text;
    else if (!full && w + p.width <= width - 1) {
      out += p.text;
      w += p.width;
    } else full = true;
  }
  return `${out}…`;
}

/** `s` cut to `width` columns, then padded with spaces to exactly `width` columns. */
export function padLine(s: string, width: number): string {
  const fitted = fitLine(s, width);
  return fitted + ' '.repeat(Math.max(0, width - textWidth(fitted)));
}

/** Plain `text` word-wrapped to lines of at most `width` columns (a word longer than a line is cut). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (textWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = textWidth(word) <= width ? word : fitLine(word, width);
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The first 8 characters of a game id: enough to tell games apart on screen. */
export function shortGameId(gameId: string): string {
  return gameId.length <= 8 ? gameId : gameId.slice(0, 8);
}

/** Blank columns between the board and its side panel. */
export const SIDE_PANEL_GAP = 2;
/** The narrowest side panel next to the board. */
export const SIDE_PANEL_MIN = 24;
/** Lines of the board screen outside the board: the header above, the keys below. */
const HEADER_LINES = 1;
const FOOTER_LINES = 1;
/** Lines under the board when the side information goes below it: scores, link, events. */
const STACKED_INFO_LINES = 3;

/** Where the board screen puts things, or why it cannot. */
export type BoardLayout =
  | {
      /** The board at the left, scores, link and events in a panel at its right. */
      readonly kind: 'side';
      /** Columns of the left block (margin, borders and board). */
      readonly boardColumns: number;
      /** Columns of the side panel (after a gap of SIDE_PANEL_GAP columns). */
      readonly sideColumns: number;
    }
  | {
      /** The board, then one line each for scores, link and events. */
      readonly kind: 'stacked';
      readonly boardColumns: number;
    }
  | {
      /** Neither fits: the terminal must grow to at least `need`. */
      readonly kind: 'tooSmall';
      readonly need: TerminalSize;
    };

/**
 * Chooses the board screen's layout for a `width` x `height` board in a terminal of `size`: the side panel when
 * it fits, else the information below the board, else what size to resize to (the side-panel layout's size).
 */
export function boardLayout(width: number, height: number, size: TerminalSize): BoardLayout {
  const boardColumns = width + 3; // a margin column and two borders
  const boardRows = height + 2;
  const sideNeed = {
    columns: boardColumns + SIDE_PANEL_GAP + SIDE_PANEL_MIN,
    rows: HEADER_LINES + boardRows + FOOTER_LINES,
  };
  if (size.columns >= sideNeed.columns && size.rows >= sideNeed.rows)
    return { kind: 'side', boardColumns, sideColumns: size.columns - boardColumns - SIDE_PANEL_GAP };
  if (size.columns >= boardColumns && size.rows >= HEADER_LINES + boardRows + STACKED_INFO_LINES + FOOTER_LINES)
    return { kind: 'stacked', boardColumns };
  return { kind: 'tooSmall', need: sideNeed };
}
