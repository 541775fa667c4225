import { writeSync } from 'node:fs';

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
  // A resize leaves stale text where the new frame does not reach: clear once.
  readonly #onResize = (): void => this.#write(`${ESC}2J`);

  constructor(streams: TerminalStreams) {
    this.#stdin = streams.stdin;
    this.#stdout = streams.stdout;
  }

  /** True between enter() and restore(). */
  get active(): boolean {
    return this.#active;
  }

  /** Columns and rows of the terminal (80x24 when unknown). */
  get size(): { readonly columns: number; readonly rows: number } {
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

  /** Draws a frame: each line from the top-left, clearing what the previous frame left. */
  draw(lines: readonly string[]): void {
    if (!this.#active) return;
    const rows = this.size.rows;
    const body = lines.slice(0, rows).map((line) => `${line}${ESC}0m${ESC}K`);
    this.#stdout.write(`${ESC}H${body.join('\r\n')}${ESC}J`);
  }

  /** Restores the terminal as it was. Idempotent, synchronous, never throws. */
  restore(): void {
    if (!this.#active) return;
    this.#active = false;
    try {
      if (this.#onData !== undefined) this.#stdin.off('data', this.#onData);
      this.#onData = undefined;
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
