import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ParentToChildMessage } from '@proj/protocol';
import {
  type ChildExit,
  type ChildProcessHandle,
  type ChildSpawner,
  type ForkSpawnerOptions,
  type ResolvedForkOptions,
  resolveForkOptions,
} from './child-process.js';
import { OrchestratorError } from './errors.js';
import { type FromForkServer, type ToForkServer, parseFromForkServer } from './fork-server-messages.js';

/** Options of {@link ForkServerSpawner}: those of `ForkSpawner`, which the fork server uses to fork. */
export type ForkServerSpawnerOptions = ForkSpawnerOptions;

/** How long `close()` waits for the fork server to exit before it SIGKILLs it. */
const SERVER_EXIT_WAIT_MS = 2_000;
/** How long after its fork server died a child is waited for (SIGKILLed) before its exit is reported anyway. */
const ORPHAN_WAIT_MS = 1_000;

/**
 * A spawner that never blocks the orchestrator's event loop: `child_process.fork()` stops its caller until the
 * child has exec'd (tens of milliseconds, growing with the caller's memory), so this one hands every fork to a small
 * long-lived fork server process (started in the constructor, the only blocking fork) and relays the children's
 * IPC. Each game still runs in its own child process, one per game; only their parent is the fork server.
 *
 * Promises of {@link ChildProcessHandle} hold, with one difference: `pid` is undefined until the fork server reports
 * the fork (`onSpawn` tells when). Messages sent before are delivered after the fork, in order. If the fork server
 * dies, its children are SIGKILLed and reported exited (`error` set), and the next `spawn()` starts a new server.
 * If the orchestrator's process dies, the fork server sees its IPC channel close and exits; the children then see
 * theirs close and end their games by themselves, as they would under a `ForkSpawner`.
 */
export class ForkServerSpawner implements ChildSpawner {
  readonly #options: ResolvedForkOptions;
  readonly #handles = new Map<number, RelayedChild>();
  #server: ChildProcess | undefined;
  #nextId = 1;
  #closed = false;

  /**
   * Starts the fork server. @throws OrchestratorError `E_INVALID_OPTIONS` when `entry` is missing or an option is
   * out of its domain (checked as `ForkSpawner` does).
   */
  constructor(options: ForkServerSpawnerOptions) {
    this.#options = resolveForkOptions(options, 'ForkServerSpawner');
    this.#server = this.#startServer();
  }

  /** The fork server's pid (undefined after `close()` or if it could not start). */
  get serverPid(): number | undefined {
    return this.#server?.pid;
  }

  /** Asks the fork server for one more child; returns its handle at once (its `pid` comes with `onSpawn`). */
  spawn(): ChildProcessHandle {
    if (this.#closed) throw new OrchestratorError('E_CLOSED', 'ForkServerSpawner: spawn() after close()');
    this.#server ??= this.#startServer();
    const id = this.#nextId++;
    const handle = new RelayedChild(id, (message) => this.#send(message));
    this.#handles.set(id, handle);
    this.#holdLoop();
    if (!this.#send({ type: 'spawn', id })) {
      this.#handles.delete(id);
      this.#holdLoop();
      queueMicrotask(() =>
        handle.finish({ code: null, signal: null, error: new Error('the fork server is not running') }),
      );
    }
    return handle;
  }

  /**
   * Ends the fork server and resolves once it exited (reaped: its CPU time is then counted in this process's
   * children's); call it once no child is alive (the orchestrator does, at the end of its `close()`). A child still
   * alive is SIGKILLed and reported exited, as when the fork server dies. Idempotent.
   */
  close(): Promise<void> {
    this.#closed = true;
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined || server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // It exits as soon as its channel closes; SIGKILL is the safety net should it hang.
      const timer = setTimeout(() => server.kill('SIGKILL'), SERVER_EXIT_WAIT_MS);
      server.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (server.connected) server.disconnect();
      else server.kill('SIGKILL');
    });
  }

  /**
   * Keeps the event loop alive through the fork server only while it has children, as forked children do: an idle
   * fork server never keeps the orchestrator's process from exiting, and one with children never lets it exit
   * before their exits were reported.
   */
  #holdLoop(): void {
    const server = this.#server;
    if (server === undefined) return;
    if (this.#handles.size > 0) {
      server.ref();
      server.channel?.ref();
    } else {
      server.unref();
      server.channel?.unref();
    }
  }

  #send(message: ToForkServer): boolean {
    const server = this.#server;
    if (server === undefined || !server.connected) return false;
    try {
      server.send(message, (error) => void error);
      return true;
    } catch {
      return false;
    }
  }

  #startServer(): ChildProcess {
    const main = forkServerMain();
    const env = this.#options.env;
    const server = fork(main.path, [], {
      execArgv: main.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
      detached: false,
    });
    server.on('error', () => {
      // Reported by 'exit' (or, when it could not start at all, by the failed sends that follow).
    });
    server.on('message', (raw) => this.#onServerMessage(raw));
    server.on('exit', () => this.#onServerExit(server));
    server.send({
      type: 'configure',
      config: {
        entry: this.#options.entry instanceof URL ? fileURLToPath(this.#options.entry) : this.#options.entry,
        args: this.#options.args,
        execArgv: this.#options.execArgv,
        env,
        cwd: this.#options.cwd,
        stdio: this.#options.stdio,
        childNice: this.#options.childNice,
      },
    } satisfies ToForkServer);
    this.#server = server;
    this.#holdLoop();
    return server;
  }

  #onServerMessage(raw: unknown): void {
    const message: FromForkServer | undefined = parseFromForkServer(raw);
    if (message === undefined) return;
    const handle = this.#handles.get(message.id);
    if (handle === undefined) return;
    switch (message.type) {
      case 'spawned':
        handle.spawned(message.pid);
        return;
      case 'message':
        handle.deliver(message.message);
        return;
      case 'exit':
        this.#handles.delete(message.id);
        this.#holdLoop();
        handle.finish({
          code: message.code,
          signal: message.signal,
          ...(message.error !== undefined ? { error: new Error(message.error) } : {}),
        });
        return;
    }
  }

  /** The fork server is gone: its children cannot be reached any more; kill them and report them exited. */
  #onServerExit(server: ChildProcess): void {
    if (this.#server === server) this.#server = undefined;
    const orphans = [...this.#handles.values()];
    this.#handles.clear();
    for (const handle of orphans) {
      const pid = handle.pid;
      const exit: ChildExit = { code: null, signal: 'SIGKILL', error: new Error('the fork server exited') };
      if (pid === undefined) {
        handle.finish({ code: null, signal: null, error: new Error('the fork server exited') });
        continue;
      }
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      waitForGone(pid, ORPHAN_WAIT_MS, () => handle.finish(exit));
    }
  }
}

/** A {@link ChildProcessHandle} whose process lives under the fork server. */
class RelayedChild implements ChildProcessHandle {
  readonly #id: number;
  readonly #send: (message: ToForkServer) => boolean;
  readonly #messageListeners: ((message: unknown) => void)[] = [];
  readonly #exitListeners: ((exit: ChildExit) => void)[] = [];
  readonly #spawnListeners: ((pid: number) => void)[] = [];
  #pid: number | undefined;
  #exit: ChildExit | undefined;

  constructor(id: number, send: (message: ToForkServer) => boolean) {
    this.#id = id;
    this.#send = send;
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  send(message: ParentToChildMessage): boolean {
    if (this.#exit !== undefined) return false;
    return this.#send({ type: 'send', id: this.#id, message });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.#exit !== undefined) return false;
    return this.#send({ type: 'kill', id: this.#id, signal });
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#messageListeners.push(listener);
  }

  onExit(listener: (exit: ChildExit) => void): void {
    this.#exitListeners.push(listener);
  }

  onSpawn(listener: (pid: number) => void): void {
    this.#spawnListeners.push(listener);
  }

  spawned(pid: number): void {
    if (this.#pid !== undefined || this.#exit !== undefined) return;
    this.#pid = pid;
    for (const listener of this.#spawnListeners.splice(0)) listener(pid);
  }

  deliver(message: unknown): void {
    if (this.#exit !== undefined) return;
    for (const listener of this.#messageListeners) listener(message);
  }

  finish(exit: ChildExit): void {
    if (this.#exit !== undefined) return;
    this.#exit = exit;
    this.#messageListeners.length = 0;
    this.#spawnListeners.length = 0;
    for (const listener of this.#exitListeners) listener(exit);
  }
}

/** The fork server's script and Node options: built JavaScript beside this module, or its TypeScript source. */
function forkServerMain(): { path: string; execArgv: string[] } {
  const fromSource = /\.[cm]?ts$/.test(new URL(import.meta.url).pathname);
  const path = fileURLToPath(new URL(`./fork-server-main.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  if (!fromSource) return { path, execArgv: [] };
  let tsx = 'tsx';
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    // Not resolvable from here: let the fork server resolve 'tsx' from its working directory.
  }
  return { path, execArgv: ['--import', tsx, '--conditions=@proj/source'] };
}

/** Calls `done` once `pid` is gone (or after `maxMs`: a zombie nobody reaps stays "alive"). */
function waitForGone(pid: number, maxMs: number, done: () => void): void {
  const deadline = Date.now() + maxMs;
  const check = (): void => {
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive || Date.now() >= deadline) done();
    else setTimeout(check, 10).unref();
  };
  check();
}
