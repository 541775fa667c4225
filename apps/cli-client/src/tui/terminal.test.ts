import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TerminalScreen } from './terminal.js';

function fakes() {
  const written: string[] = [];
  const raw: boolean[] = [];
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    isRaw: false,
    setRawMode(on: boolean) {
      raw.push(on);
      this.isRaw = on;
      return this;
    },
    setEncoding() {},
    resume() {},
    pause() {},
  });
  const stdout = Object.assign(new EventEmitter(), { columns: 100, rows: 40, write: (s: string) => written.push(s) });
  const out = stdout as unknown as NodeJS.WriteStream & EventEmitter & { columns: number; rows: number };
  return {
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: out,
    written,
    raw,
    rawStdin: stdin,
  };
}

describe('TerminalScreen', () => {
  it('enters raw mode and the alternate screen, hands keys over, and restores everything exactly once', () => {
    const f = fakes();
    const screen = new TerminalScreen(f);
    const keys: string[] = [];
    screen.enter((k) => keys.push(k));
    expect(f.raw).toEqual([true]);
    expect(f.written.join('')).toContain('\x1b[?1049h\x1b[?25l');
    f.rawStdin.emit('data', 'q');
    expect(keys).toEqual(['q']);
    screen.draw(['a', 'b']);
    expect(f.written.at(-1)).toBe('\x1b[Ha\x1b[0m\x1b[K\r\nb\x1b[0m\x1b[K\x1b[J');
    // Lines are cut to the columns, rows beyond the terminal dropped; a frame function is drawn again on resize.
    f.stdout.columns = 4;
    f.stdout.rows = 2;
    const sizes: string[] = [];
    screen.draw(({ columns, rows }) => {
      sizes.push(`${columns}x${rows}`);
      return ['abcdef', 'b', 'c'];
    });
    expect(f.written.at(-1)).toBe('\x1b[Habc…\x1b[0m\x1b[K\r\nb\x1b[0m\x1b[K\x1b[J');
    f.stdout.columns = 6;
    f.stdout.emit('resize');
    expect(sizes).toEqual(['4x2', '6x2']);
    expect(f.written.at(-1)).toBe('\x1b[Habcdef\x1b[0m\x1b[K\r\nb\x1b[0m\x1b[K\x1b[J');
    screen.restore();
    screen.restore();
    expect(f.raw).toEqual([true, false]);
    expect(f.written.filter((w) => w.includes('\x1b[?1049l'))).toHaveLength(1);
    expect(f.written.at(-1)).toContain('\x1b[?25h');
    f.rawStdin.emit('data', 'x');
    expect(keys).toEqual(['q']);
    expect(screen.active).toBe(false);
  });
});
