/** Where a JSON text stops being valid, for a person to find it: 1-based line and column, and what went wrong. */
export interface JsonSyntaxErrorPlace {
  readonly line: number;
  readonly column: number;
  /** JSON.parse's reason without its position or its quote of the text ("Expected ',' or '}' after property value"). */
  readonly reason: string;
}

/**
 * Where `text` stops being valid JSON, from the error `JSON.parse(text)` threw: newer Nodes say
 * `(line L column C)`, Node 20 says `at position N` (an offset, turned into line and column here), and some errors
 * carry no position at all (`Unexpected token 'x', "..." is not valid JSON`, `Unexpected end of JSON input`): then
 * the place is found by scanning the text. Columns count characters (a tab is one). Never throws.
 */
export function jsonSyntaxErrorPlace(text: string, error: unknown): JsonSyntaxErrorPlace {
  const message = error instanceof Error ? error.message : String(error);
  const reason =
    message
      .replace(/, ".*" is not valid JSON$/s, '')
      .replace(/\s*\(line \d+ column \d+\)$/, '')
      .replace(/ in JSON at position \d+$/, '')
      .replace(/\s+/g, ' ')
      .trim() || 'not valid JSON';
  const lineColumn = /\(line (\d+) column (\d+)\)$/.exec(message);
  if (lineColumn !== null) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]), reason };
  const position = / at position (\d+)/.exec(message);
  const offset = position !== null ? Number(position[1]) : (firstInvalidOffset(text) ?? text.length);
  return { ...lineAndColumn(text, Math.min(offset, text.length)), reason };
}

/** The 1-based line and column of the character at `offset` (a UTF-16 offset, as JSON.parse counts). */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  return { line, column: [...before.slice(lineStart)].length + 1 };
}

class Stop {
  constructor(readonly at: number) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The offset of the first character that makes `text` invalid JSON (its length if it ends too early), or undefined. */
function firstInvalidOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new Stop(i);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (c: string): void => {
    if (text[i] !== c) fail();
    i++;
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      if (i >= text.length) fail();
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c.charCodeAt(0) < 0x20) fail();
      i++;
      if (c !== '\\') continue;
      if (text[i] === 'u') {
        i++;
        for (let k = 0; k < 4; k++) {
          if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
          i++;
        }
      } else if (i < text.length && '"\\/bfnrt'.includes(text[i]!)) i++;
      else fail();
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          space();
          string();
          space();
          expect(':');
        }
        value();
        space();
        if (text[i] === close) {
          i++;
          return;
        }
        expect(',');
      }
    }
    if (c === '"') return string();
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number !== null) {
      i += number[0].length;
      return;
    }
    const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
    for (const w of word) expect(w);
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return error.at;
    return undefined; // nested too deep for the stack: no place better than the end
  }
}
