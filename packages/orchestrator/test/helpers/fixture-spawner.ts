// A ChildSpawner over the fake game child fixture (test/fixtures/fake-game-child.mjs): real forked processes, with
// per-game misbehaviour scripted by the test and the assignments recorded (so a test can verify tokens with the
// secret the child got).
import { fileURLToPath } from 'node:url';
import type { GameAssignment, ParentToChildMessage } from '@proj/protocol';
import { type ChildProcessHandle, type ChildSpawner, ForkServerSpawner, ForkSpawner } from '../../src/index.js';

/** The fixture's entry point. */
export const FAKE_CHILD_ENTRY = fileURLToPath(new URL('../fixtures/fake-game-child.mjs', import.meta.url));

/** What the fixture reads from `options.fake` (see the fixture's header). */
export interface FakeBehaviour {
  lingerMs?: number;
  readyDelayMs?: number;
  neverReady?: boolean;
  crash?: 'beforeReady' | 'afterReady';
  crashAfterMs?: number;
  ignoreShutdown?: boolean;
  useFullGrace?: boolean;
  exitCode?: number;
  /** `stats` messages sent right after ready: `{ type: 'stats', gameId, ...entry }` each. */
  stats?: Record<string, unknown>[];
  /** `stats` messages sent one per UDP datagram the game receives (after ready). */
  statsOnDatagram?: Record<string, unknown>[];
}

/** Forks the fixture; `script` gives the next games their behaviour, in order. */
export class FixtureSpawner implements ChildSpawner {
  readonly #fork: ForkSpawner | ForkServerSpawner;
  /** Behaviours for the next `start`s, consumed in order; when empty, the mode's gameOptions apply. */
  readonly script: FakeBehaviour[] = [];
  /** Every assignment sent to a child, in order. */
  readonly assignments: GameAssignment[] = [];
  /** Every process spawned. */
  readonly handles: ChildProcessHandle[] = [];
  /** Every message sent to a child (after scripting), in order. */
  readonly sent: ParentToChildMessage[] = [];

  /** `via`: fork from this process (`ForkSpawner`) or through a fork server (`ForkServerSpawner`). */
  constructor(env: Record<string, string> = {}, via: 'fork' | 'forkServer' = 'fork') {
    const options = { entry: FAKE_CHILD_ENTRY, env: { ...process.env, ...env } };
    this.#fork = via === 'fork' ? new ForkSpawner(options) : new ForkServerSpawner(options);
  }

  close(): Promise<void> {
    return this.#fork instanceof ForkServerSpawner ? this.#fork.close() : Promise.resolve();
  }

  spawn(): ChildProcessHandle {
    const handle = this.#fork.spawn();
    this.handles.push(handle);
    const script = this.script;
    const assignments = this.assignments;
    const sent = this.sent;
    return {
      get pid() {
        return handle.pid;
      },
      send(message: ParentToChildMessage): boolean {
        if (message.type === 'start') {
          const fake = script.shift();
          if (fake !== undefined)
            message = { ...message, game: { ...message.game, options: { ...message.game.options, fake } } };
          assignments.push(message.game);
        }
        sent.push(message);
        return handle.send(message);
      },
      kill: (signal) => handle.kill(signal),
      onMessage: (listener) => handle.onMessage(listener),
      onExit: (listener) => handle.onExit(listener),
      ...(handle.onSpawn !== undefined ? { onSpawn: (listener) => handle.onSpawn!(listener) } : {}),
    };
  }
}
