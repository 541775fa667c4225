import { describe, expect, it } from 'vitest';
import { jsonSyntaxErrorPlace } from './json-syntax-error.js';

/** The error this Node's JSON.parse throws for `text`. */
function parseError(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (error) {
    return error;
  }
  throw new Error(`valid JSON: ${text}`);
}

/** An error as JSON.parse throws it, with no position in its message. */
const noPosition = (message: string) => new SyntaxError(message);

describe('jsonSyntaxErrorPlace', () => {
  const missingComma = '{\n  "port": 7700\n  "maxGames": 4\n}\n';

  it("turns this Node's error into the line and column where the text stops being valid", () => {
    expect(jsonSyntaxErrorPlace(missingComma, parseError(missingComma))).toEqual({
      line: 3,
      column: 3,
      reason: "Expected ',' or '}' after property value",
    });
    const place = jsonSyntaxErrorPlace('{\n\t"a": 1,\n}', parseError('{\n\t"a": 1,\n}'));
    expect([place.line, place.column]).toEqual([3, 1]);
  });

  it('reads "(line L column C)" of newer Nodes and "at position N" of Node 20', () => {
    const newer = noPosition("Expected ',' or '}' after property value in JSON at position 19 (line 3 column 3)");
    expect(jsonSyntaxErrorPlace(missingComma, newer)).toEqual({
      line: 3,
      column: 3,
      reason: "Expected ',' or '}' after property value",
    });
    const node20 = noPosition("Expected ',' or '}' after property value in JSON at position 19");
    expect(jsonSyntaxErrorPlace(missingComma, node20)).toEqual({
      line: 3,
      column: 3,
      reason: "Expected ',' or '}' after property value",
    });
  });

  it('finds the place itself when the message has none, and keeps the quote of the text out of the reason', () => {
    const text = '{\n  "port": 7700,\n  "modes": }\n';
    const error = noPosition(`Unexpected token '}', "${text}" is not valid JSON`);
    expect(jsonSyntaxErrorPlace(text, error)).toEqual({ line: 3, column: 12, reason: "Unexpected token '}'" });
    expect(jsonSyntaxErrorPlace('{"a": 1', noPosition('Unexpected end of JSON input'))).toEqual({
      line: 1,
      column: 8,
      reason: 'Unexpected end of JSON input',
    });
    const cases: [string, number, number][] = [
      ['{"a": tru}', 1, 10],
      ['{"a": "x\ny"}', 1, 9],
      ['[1, 2,, 3]', 1, 7],
      ['{"a": 1} x', 1, 10],
      ['{"a": "\\q"}', 1, 9],
      ['\n\n  {"é": 1, "b" 2}', 3, 16],
      ['', 1, 1],
    ];
    for (const [text, line, column] of cases) {
      const place = jsonSyntaxErrorPlace(text, noPosition('Unexpected token'));
      expect([place.line, place.column], JSON.stringify(text)).toEqual([line, column]);
    }
  });
});
