import { writeSync } from 'node:fs';
import { fitLine, type TerminalSize } from './layout.js';

const ESC = '\x1b[';
/** Alternate screen on, cursor hidden, cleared. */
const ENTER = `${ESC}?1049h${ESC}?25l${ESC}2J${ESC}H`;
/** Attributes reset, cursor shown, alternate screen off. */
const LEAVE = `${ESC}0m${ESC}?25h${ESC}?1049l`;

/** The streams a full-screen UI runs on (process.stdin/stdout by default; fakes in tests). */
export interface TerminalStreams {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
}

/**
 * A full-screen terminal: alternate screen, hidden cursor, raw keyboard. `restore()` undoes all of it, is
 * idempotent and synchronous (it writes with fs.writeSync), so it is safe from 'exit' handlers and signal
 * handlers; {@link installRestoreHooks} makes sure it runs on every way out of the process.
 */
export class TerminalScreen {
  readonly #stdin: NodeJS.ReadStream;
  readonly #stdout: NodeJS.WriteStream;
  #active = false;
  #wasRaw = false;
  #onData: ((chunk: string) => void) | undefined;
  #frame: ((size: TerminalSize) => readonly string[]) | undefined;
  // A resize leaves stale text where the new frame does not reach: clear, then draw the frame again at the new size.
  readonly #onResize = (): void => {
    this.#write(`${ESC}2J`);
    if (this.#frame !== undefined) this.draw(this.#frame);
  };

  constructor(streams: TerminalStreams) {
    this.#stdin = streams.stdin;
    this.#stdout = streams.stdout;
  }

  /** True between enter() and restore(). */
  get active(): boolean {
    return this.#active;
  }

  /** Columns and rows of the terminal (80x24 when unknown). */
  get size(): TerminalSize {
    return { columns: this.#stdout.columns ?? 80, rows: this.#stdout.rows ?? 24 };
  }

  /** Switches to the alternate screen, hides the cursor, puts the keyboard in raw mode and calls `onKey` per chunk. */
  enter(onKey: (chunk: string) => void): void {
    if (this.#active) return;
    this.#active = true;
    this.#wasRaw = this.#stdin.isRaw;
    this.#stdin.setRawMode(true);
    this.#stdin.setEncoding('utf8');
    this.#onData = onKey;
    this.#stdin.on('data', onKey);
    this.#stdin.resume();
    this.#stdout.on('resize', this.#onResize);
    this.#write(ENTER);
  }

  /**
   * Draws a frame: each line from the top-left, clearing what the previous frame left. Lines beyond the terminal's
   * rows are dropped and lines are cut to its columns, so a frame never wraps or scrolls. A function is called
   * with the terminal's size, now and again after each resize.
   */
  draw(frame: readonly string[] | ((size: TerminalSize) => readonly string[])): void {
    if (!this.#active) return;
    const render = typeof frame === 'function' ? frame : () => frame;
    this.#frame = render;
    const { columns, rows } = this.size;
    const body = render({ columns, rows })
      .slice(0, rows)
      .map((line) => `${fitLine(line, columns)}${ESC}0m${ESC}K`);
    this.#stdout.write(`${ESC}H${body.join('\r\n')}${ESC}J`);
  }

  /** Restores the terminal as it was. Idempotent, synchronous, never throws. */
  restore(): void {
    if (!this.#active) return;
    this.#active = false;
    try {
      if (this.#onData !== undefined) this.#stdin.off('data', this.#onData);
      this.#onData = undefined;
      this.#frame = undefined;
      this.#stdout.off('resize', this.#onResize);
      if (this.#stdin.isTTY) this.#stdin.setRawMode(this.#wasRaw);
      this.#stdin.pause();
    } catch {
      // The terminal may already be gone.
    }
    this.#write(LEAVE);
  }

  #write(text: string): void {
    try {
      const fd = (this.#stdout as { fd?: number }).fd;
      if (typeof fd === 'number') writeSync(fd, text);
      else this.#stdout.write(text);
    } catch {
      // The terminal may already be gone.
    }
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNAL_EXIT: Readonly<Record<(typeof SIGNALS)[number], number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * Runs `restore` on every way out: normal exit, SIGINT/SIGTERM/SIGHUP (then exits 128+signal), an uncaught
 * exception or unhandled rejection (then prints it and exits 1). Returns a function that removes the hooks.
 */
export function installRestoreHooks(restore: () => void, stderr: NodeJS.WritableStream = process.stderr): () => void {
  const onExit = (): void => restore();
  const onSignal = (signal: (typeof SIGNALS)[number]): void => {
    restore();
    process.exit(SIGNAL_EXIT[signal]);
  };
  const onFatal = (error: unknown): void => {
    restore();
    stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  };
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  return () => {
    process.off('exit', onExit);
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
  };
}
