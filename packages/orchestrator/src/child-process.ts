import { type ChildProcess, fork } from 'node:child_process';
import type { ParentToChildMessage } from '@proj/protocol';
import { OrchestratorError } from './errors.js';

/** How a child process ended: its exit code or the signal that killed it, or the error that kept it from starting. */
export interface ChildExit {
  /** The exit code, or null when a signal ended the process (or it never started). */
  readonly code: number | null;
  /** The signal that ended the process, or null. */
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (spawn error); `code` and `signal` are then null. */
  readonly error?: Error;
}

/**
 * One child game process as the orchestrator sees it. An implementation promises:
 * - `onExit` listeners are called exactly once, after the process is gone (or failed to start), never before a
 *   listener was added on the same tick the handle was returned (call them asynchronously);
 * - `onMessage` listeners get every IPC message, unvalidated, until the exit;
 * - `send` and `kill` never throw: they return false when the message could not be queued / the signal not sent.
 */
export interface ChildProcessHandle {
  /** The OS process id, undefined when the process failed to start. */
  readonly pid: number | undefined;
  /** Queues `message` on the IPC channel; false when the channel is closed. */
  send(message: ParentToChildMessage): boolean;
  /** Sends `signal` (default SIGTERM) to the process; false when it could not be sent (already gone). */
  kill(signal?: NodeJS.Signals): boolean;
  /** Adds a listener for IPC messages from the child. */
  onMessage(listener: (message: unknown) => void): void;
  /** Adds a listener for the end of the process (called once). */
  onExit(listener: (exit: ChildExit) => void): void;
}

/**
 * Starts child game processes. The orchestrator calls `spawn()` once per process (warm or cold) and owns the
 * returned handle until its exit. `spawn` may throw (it is reported as a spawn failure), but must not block.
 */
export interface ChildSpawner {
  spawn(): ChildProcessHandle;
}

/** Options of {@link ForkSpawner}. */
export interface ForkSpawnerOptions {
  /** Absolute path (or file URL) of the Node script to fork: the game child's entry point. Required. */
  readonly entry: string | URL;
  /** Arguments for the script. Never put secrets here: `ps` shows them. Default []. */
  readonly args?: readonly string[];
  /** Node options for the child (`--max-old-space-size=64`, `--conditions=...`). Default: none (not the parent's). */
  readonly execArgv?: readonly string[];
  /** The child's environment. Default: the parent's `process.env`. Never put secrets here. */
  readonly env?: NodeJS.ProcessEnv;
  /** The child's working directory. Default: the parent's. */
  readonly cwd?: string;
  /** What the child's stdout/stderr are connected to: the parent's ('inherit', default) or nothing ('ignore'). */
  readonly stdio?: 'inherit' | 'ignore';
}

/**
 * The default spawner: `child_process.fork(entry)` with the JSON IPC channel, `detached: false` (the child is in
 * the parent's process group) and no secrets on the command line or in the environment.
 */
export class ForkSpawner implements ChildSpawner {
  readonly #entry: string | URL;
  readonly #args: string[];
  readonly #execArgv: string[];
  readonly #env: NodeJS.ProcessEnv | undefined;
  readonly #cwd: string | undefined;
  readonly #stdio: 'inherit' | 'ignore';

  /** @throws OrchestratorError `E_INVALID_OPTIONS` when `entry` is missing or an option has the wrong type. */
  constructor(options: ForkSpawnerOptions) {
    const entry: unknown = options?.entry;
    if (!(typeof entry === 'string' && entry.length > 0) && !(entry instanceof URL)) {
      throw new OrchestratorError(
        'E_INVALID_OPTIONS',
        'ForkSpawner: options.entry must be a non-empty path or a file URL',
      );
    }
    const strings = (v: unknown, name: string): string[] => {
      if (v === undefined) return [];
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
        throw new OrchestratorError('E_INVALID_OPTIONS', `ForkSpawner: options.${name} must be an array of strings`);
      }
      return [...v];
    };
    const stdio: unknown = options.stdio ?? 'inherit';
    if (stdio !== 'inherit' && stdio !== 'ignore') {
      throw new OrchestratorError('E_INVALID_OPTIONS', "ForkSpawner: options.stdio must be 'inherit' or 'ignore'");
    }
    this.#entry = entry;
    this.#args = strings(options.args, 'args');
    this.#execArgv = strings(options.execArgv, 'execArgv');
    this.#env = options.env;
    this.#cwd = options.cwd;
    this.#stdio = stdio;
  }

  /** Forks the entry. Spawn errors (for example EMFILE) are reported through the handle's `onExit`, not thrown. */
  spawn(): ChildProcessHandle {
    const child = fork(this.#entry, this.#args, {
      execArgv: this.#execArgv,
      ...(this.#env !== undefined ? { env: this.#env } : {}),
      ...(this.#cwd !== undefined ? { cwd: this.#cwd } : {}),
      stdio:
        this.#stdio === 'inherit' ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'json',
      detached: false,
    });
    return new ForkedChild(child);
  }
}

/** How long after a child's exit its IPC channel may take to deliver what is still in the pipe. */
const EXIT_DRAIN_MS = 250;

/** A {@link ChildProcessHandle} over a forked `ChildProcess`. */
class ForkedChild implements ChildProcessHandle {
  readonly #child: ChildProcess;
  readonly #messageListeners: ((message: unknown) => void)[] = [];
  readonly #exitListeners: ((exit: ChildExit) => void)[] = [];
  #exit: ChildExit | undefined;

  constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message) => {
      for (const listener of this.#messageListeners) listener(message);
    });
    // A message the child sent just before exiting can be read after 'exit': wait for the channel to close (it
    // closes once everything in the pipe was delivered), with a short safety net in case it never reports.
    child.on('exit', (code, signal) => {
      if (!child.connected) {
        this.#finish({ code, signal });
        return;
      }
      const timer = setTimeout(() => this.#finish({ code, signal }), EXIT_DRAIN_MS);
      child.once('disconnect', () => {
        clearTimeout(timer);
        this.#finish({ code, signal });
      });
    });
    // 'error' is emitted when the process could not be spawned (then no 'exit' follows), or when a kill or send
    // failed (then the process may still run, and its 'exit' comes later).
    child.on('error', (error) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
        this.#finish({ code: null, signal: null, error });
      }
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  send(message: ParentToChildMessage): boolean {
    if (!this.#child.connected) return false;
    try {
      // The callback swallows asynchronous send errors (channel closed meanwhile) that would otherwise be 'error'.
      return this.#child.send(message, (error) => {
        void error;
      });
    } catch {
      return false;
    }
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.#exit !== undefined) return false;
    try {
      return this.#child.kill(signal);
    } catch {
      return false;
    }
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#messageListeners.push(listener);
  }

  onExit(listener: (exit: ChildExit) => void): void {
    this.#exitListeners.push(listener);
  }

  #finish(exit: ChildExit): void {
    if (this.#exit !== undefined) return;
    this.#exit = exit;
    this.#child.removeAllListeners('message');
    for (const listener of this.#exitListeners) listener(exit);
  }
}
