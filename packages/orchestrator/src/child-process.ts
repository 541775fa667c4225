import { type ChildProcess, fork } from 'node:child_process';
import { setPriority } from 'node:os';
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
  /**
   * For handles whose `pid` is not known when `spawn()` returns (the process is started elsewhere, as
   * {@link ForkServerSpawner} does): adds a listener called once with the pid when the process exists (never when it
   * failed to start). Absent when `pid` is known at once.
   */
  onSpawn?(listener: (pid: number) => void): void;
}

/**
 * Starts child game processes. The orchestrator calls `spawn()` once per process (warm or cold) and owns the
 * returned handle until its exit. `spawn` may throw (it is reported as a spawn failure). {@link ForkSpawner}
 * blocks its caller for the fork (see {@link ForkServerSpawner}, which does not).
 */
export interface ChildSpawner {
  spawn(): ChildProcessHandle;
  /** Called by the orchestrator once its `close()` saw every child exit: release what the spawner holds. */
  close?(): void | Promise<void>;
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
  /**
   * The nice value (-20..19, higher is lower priority) each child gets right after its fork, so that under load
   * the orchestrator (accepting players, answering pings and the admin endpoints) goes before the games. Default 0:
   * the parent's priority. Lowering needs no privilege; a value below the parent's needs one and is then ignored.
   */
  readonly childNice?: number;
}

/** {@link ForkSpawnerOptions} checked, with their defaults. */
export interface ResolvedForkOptions {
  readonly entry: string | URL;
  readonly args: string[];
  readonly execArgv: string[];
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly cwd: string | undefined;
  readonly stdio: 'inherit' | 'ignore';
  readonly childNice: number;
}

/**
 * Checks `options` for `who` (the spawner class named in the errors) and fills in the defaults.
 * @throws OrchestratorError `E_INVALID_OPTIONS` when `entry` is missing or an option has the wrong type.
 */
export function resolveForkOptions(options: ForkSpawnerOptions, who: string): ResolvedForkOptions {
  const entry: unknown = options?.entry;
  if (!(typeof entry === 'string' && entry.length > 0) && !(entry instanceof URL)) {
    throw new OrchestratorError('E_INVALID_OPTIONS', `${who}: options.entry must be a non-empty path or a file URL`);
  }
  const strings = (v: unknown, name: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw new OrchestratorError('E_INVALID_OPTIONS', `${who}: options.${name} must be an array of strings`);
    }
    return [...v];
  };
  const stdio: unknown = options.stdio ?? 'inherit';
  if (stdio !== 'inherit' && stdio !== 'ignore') {
    throw new OrchestratorError('E_INVALID_OPTIONS', `${who}: options.stdio must be 'inherit' or 'ignore'`);
  }
  const childNice = options.childNice ?? 0;
  if (!Number.isInteger(childNice) || childNice < -20 || childNice > 19) {
    throw new OrchestratorError(
      'E_INVALID_OPTIONS',
      `${who}: options.childNice must be an integer in -20..19, got ${String(childNice)}`,
    );
  }
  return {
    entry,
    args: strings(options.args, 'args'),
    execArgv: strings(options.execArgv, 'execArgv'),
    env: options.env,
    cwd: options.cwd,
    stdio,
    childNice,
  };
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
  readonly #childNice: number;

  /** @throws OrchestratorError `E_INVALID_OPTIONS` when `entry` is missing or an option has the wrong type. */
  constructor(options: ForkSpawnerOptions) {
    const resolved = resolveForkOptions(options, 'ForkSpawner');
    this.#entry = resolved.entry;
    this.#args = resolved.args;
    this.#execArgv = resolved.execArgv;
    this.#env = resolved.env;
    this.#cwd = resolved.cwd;
    this.#stdio = resolved.stdio;
    this.#childNice = resolved.childNice;
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
    if (this.#childNice !== 0 && child.pid !== undefined) {
      try {
        setPriority(child.pid, this.#childNice);
      } catch {
        // Not allowed (a value below ours without the privilege): the child keeps our priority.
      }
    }
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
