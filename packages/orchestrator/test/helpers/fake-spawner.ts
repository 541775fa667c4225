// An in-memory ChildSpawner for unit tests: handles that record what they were sent and let the test play the
// child's side (messages, exit) without a process.
import type { ParentToChildMessage } from '@proj/protocol';
import type { ChildExit, ChildProcessHandle, ChildSpawner } from '../../src/child-process.js';

let nextPid = 100_000;

/** A scripted child process. */
export class FakeHandle implements ChildProcessHandle {
  readonly pid = nextPid++;
  readonly sent: ParentToChildMessage[] = [];
  readonly signals: NodeJS.Signals[] = [];
  connected = true;
  exited = false;
  /** When set, called on each message the parent sends (to script the child's answers). */
  onSend: ((message: ParentToChildMessage, handle: FakeHandle) => void) | undefined;
  /** When true, SIGKILL ends the fake process at once (asynchronously, as a real one would). */
  dieOnKill = true;
  readonly #messageListeners: ((message: unknown) => void)[] = [];
  readonly #exitListeners: ((exit: ChildExit) => void)[] = [];

  send(message: ParentToChildMessage): boolean {
    if (!this.connected) return false;
    this.sent.push(message);
    this.onSend?.(message, this);
    return true;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.exited) return false;
    this.signals.push(signal);
    if (signal === 'SIGKILL' && this.dieOnKill) queueMicrotask(() => this.exit({ code: null, signal: 'SIGKILL' }));
    return true;
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#messageListeners.push(listener);
  }

  onExit(listener: (exit: ChildExit) => void): void {
    this.#exitListeners.push(listener);
  }

  /** Plays a message from the child. */
  message(message: unknown): void {
    if (this.exited) return;
    for (const listener of this.#messageListeners) listener(message);
  }

  /** Plays the child's exit (only the first call counts, like a real process). */
  exit(exit: ChildExit = { code: 0, signal: null }): void {
    if (this.exited) return;
    this.exited = true;
    this.connected = false;
    for (const listener of this.#exitListeners) listener(exit);
  }
}

/** Behaviour of the children a {@link FakeSpawner} makes, by default a well-behaved game child. */
export interface FakeBehaviour {
  /** Say idle right after spawn (on a microtask). Default true. */
  idle?: boolean;
  /** Answer start with ready (on a microtask). Default true. */
  ready?: boolean;
  /** Answer start with bindFailed and exit 13. */
  bindFails?: boolean;
  /** Exit (code 16) when told to shut down. Default true. */
  obeyShutdown?: boolean;
}

/** A spawner of {@link FakeHandle}s; `throwNext` makes the next spawn throw. */
export class FakeSpawner implements ChildSpawner {
  readonly handles: FakeHandle[] = [];
  behaviour: FakeBehaviour = {};
  throwNext = 0;

  spawn(): ChildProcessHandle {
    if (this.throwNext > 0) {
      this.throwNext--;
      throw new Error('spawn failed (fake)');
    }
    const handle = new FakeHandle();
    const b = { idle: true, ready: true, bindFails: false, obeyShutdown: true, ...this.behaviour };
    handle.onSend = (message, h) => {
      if (message.type === 'start') {
        const { gameId, port } = message.game;
        if (b.bindFails) {
          queueMicrotask(() => {
            h.message({ type: 'bindFailed', gameId, port, errorCode: 'EADDRINUSE', message: 'fake' });
            h.exit({ code: 13, signal: null });
          });
        } else if (b.ready) {
          queueMicrotask(() => h.message({ type: 'ready', gameId, port }));
        }
      } else if (message.type === 'shutdown' && b.obeyShutdown) {
        queueMicrotask(() => h.exit({ code: 16, signal: null }));
      }
    };
    if (b.idle) queueMicrotask(() => handle.message({ type: 'idle' }));
    this.handles.push(handle);
    return handle;
  }

  /** The handles that have not exited. */
  alive(): FakeHandle[] {
    return this.handles.filter((h) => !h.exited);
  }
}
