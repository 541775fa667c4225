import { execFileSync } from 'node:child_process';
import { cleanEnv } from '@proj/test-utils';

/**
 * A tmux server of its own (its own socket, `-L`), so tests never touch the user's tmux or each other's, with one
 * session running a shell command in a real terminal of a fixed size.
 */
export class TmuxSession {
  readonly socket = `cli-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  readonly name = 'play';

  constructor(command: string, options: { cwd: string; columns?: number; rows?: number }) {
    this.#tmux([
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(options.columns ?? 100),
      '-y',
      String(options.rows ?? 40),
      '-c',
      options.cwd,
      command,
    ]);
  }

  #tmux(args: readonly string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      env: cleanEnv({ TERM: 'xterm-256color' }),
    });
  }

  /**
   * The visible pane as plain text. `joined`: a line the terminal wrapped comes back as one line (tmux -J), so a
   * line longer than the pane shows as such.
   */
  capture(options: { joined?: boolean } = {}): string {
    return this.#tmux(['capture-pane', '-p', ...(options.joined === true ? ['-J'] : []), '-t', this.name]);
  }

  /** Resizes the pane's window, as a user resizing the terminal (the program gets SIGWINCH). */
  resize(columns: number, rows: number): void {
    this.#tmux(['resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows)]);
  }

  /** tmux's view of the pane: alternate screen on? cursor visible? */
  flags(): { alternate: boolean; cursor: boolean } {
    const [alternate, cursor] = this.#tmux(['display-message', '-p', '-t', this.name, '#{alternate_on} #{cursor_flag}'])
      .trim()
      .split(' ');
    return { alternate: alternate === '1', cursor: cursor === '1' };
  }

  /** Sends keys (tmux key names such as 'Right', 'C-c', or literal text). */
  sendKeys(...keys: string[]): void {
    this.#tmux(['send-keys', '-t', this.name, ...keys]);
  }

  /** Ends the tmux server and everything running in it. Never throws. */
  kill(): void {
    try {
      this.#tmux(['kill-server']);
    } catch {
      // Already gone.
    }
  }
}
