import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boardLayout, charWidth, fitLine, padLine, shortGameId, textWidth, wrapText } from './layout.js';

describe('layout', () => {
  it('measures visible columns: escapes count for nothing, wide characters for two, combining marks for none', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('\x1b[1m\x1b[33m@\x1b[39m\x1b[22m ada')).toBe(5);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('e\u0301')).toBe(1);
    expect(charWidth('😀')).toBe(2);
  });

  it('cuts to a width with … as the last column, keeping escapes, and pads to exactly the width', () => {
    expect(fitLine('abcdef', 6)).toBe('abcdef');
    expect(fitLine('abcdefg', 6)).toBe('abcde…');
    expect(fitLine('\x1b[2mabcdefg\x1b[22m', 4)).toBe('\x1b[2mabc\x1b[22m…');
    expect(fitLine('日本語', 4)).toBe('日…');
    expect(fitLine('abc', 0)).toBe('');
    expect(padLine('ab', 4)).toBe('ab  ');
    expect(padLine('abcdef', 4)).toBe('abc…');
  });

  it('never returns more columns than asked for (any text, any width)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 0, max: 100 }), (s, w) => {
        expect(textWidth(fitLine(s, w))).toBeLessThanOrEqual(w);
        expect(textWidth(padLine(s, w))).toBe(w);
        for (const line of wrapText(s, Math.max(1, w))) expect(textWidth(line)).toBeLessThanOrEqual(Math.max(1, w));
      }),
    );
  });

  it('word-wraps, cutting only words longer than a line', () => {
    expect(wrapText('the session ended: nothing heard', 12)).toEqual(['the session', 'ended:', 'nothing', 'heard']);
    expect(wrapText('abcdefghij xy', 5)).toEqual(['abcd…', 'xy']);
    expect(wrapText('  ', 5)).toEqual([]);
  });

  it('shortens game ids to 8 characters', () => {
    expect(shortGameId('0f8c2a1e-5b7d-4c3a-9e1f-2d4b6a8c0e13')).toBe('0f8c2a1e');
    expect(shortGameId('g-1')).toBe('g-1');
  });

  it('puts the side panel next to the board when it fits, else below, else asks for the side layout size', () => {
    expect(boardLayout(40, 20, { columns: 80, rows: 24 })).toEqual({ kind: 'side', boardColumns: 43, sideColumns: 35 });
    expect(boardLayout(40, 20, { columns: 69, rows: 24 })).toEqual({ kind: 'side', boardColumns: 43, sideColumns: 24 });
    expect(boardLayout(40, 20, { columns: 68, rows: 27 })).toEqual({ kind: 'stacked', boardColumns: 43 });
    expect(boardLayout(40, 20, { columns: 68, rows: 26 })).toEqual({
      kind: 'tooSmall',
      need: { columns: 69, rows: 24 },
    });
    expect(boardLayout(40, 20, { columns: 80, rows: 23 })).toEqual({
      kind: 'tooSmall',
      need: { columns: 69, rows: 24 },
    });
    expect(boardLayout(100, 64, { columns: 80, rows: 24 })).toEqual({
      kind: 'tooSmall',
      need: { columns: 129, rows: 68 },
    });
  });
});
