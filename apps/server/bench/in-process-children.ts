// A ChildSpawner whose "children" live in the host process: no fork, no UDP socket. The shared-queue benchmark
// measures the queue, and real game children cannot start hundreds of games per second on 2 cores (a fork costs
// about 40 ms of CPU), so each game is played by one of these handles, which answers like a well-behaved
// @proj/game-child: `idle` right after spawn, `ready` on the next turn after `start`, a `joinReport` (every seat
// joined) 50 ms later, `gameOver` and a clean exit `gameMs` after ready, an exit at once on `shutdown` or a kill.
// The ports the orchestrator hands out are never bound. Not a benchmark by itself (no .bench.ts suffix).
import type { ChildExit, ChildProcessHandle, ChildSpawner } from '@proj/orchestrator';

/** A message the orchestrator sends a child (the type of `ChildProcessHandle.send`'s argument). */
type ParentMessage = Parameters<ChildProcessHandle['send']>[0];

/**
 * Exceptions thrown by the orchestrator's listeners into simulated children, by "during: message" (the child's
 * message type, or 'exit'), since the last {@link takeListenerExceptions}.
 */
const listenerExceptions = new Map<string, number>();

/** The exceptions counted so far (see {@link listenerExceptions}); starts a new count. */
export function takeListenerExceptions(): Record<string, number> {
  const taken = Object.fromEntries(listenerExceptions);
  listenerExceptions.clear();
  return taken;
}

/** Far above any real pid on Linux (pid_max <= 4194304): never mistaken for a process. */
let nextPid = 50_000_000;
/** When a simulated game's players have all joined, after its ready, ms (its game lasts longer). */
const JOIN_MS = 50;

/** One simulated game child. */
class InProcessChild implements ChildProcessHandle {
  readonly pid = nextPid++;
  readonly #gameMs: number;
  readonly #messageListeners: ((message: unknown) => void)[] = [];
  readonly #exitListeners: ((exit: ChildExit) => void)[] = [];
  #exited = false;
  #gameTimer: NodeJS.Timeout | undefined;
  #joinTimer: NodeJS.Timeout | undefined;

  constructor(gameMs: number) {
    this.#gameMs = gameMs;
    // A real child's first message comes long after spawn() returned: never on the same tick.
    setImmediate(() => this.#say({ type: 'idle' }));
  }

  send(message: ParentMessage): boolean {
    if (this.#exited) return false;
    // Like an IPC channel: the answer comes on a later turn of the event loop.
    setImmediate(() => this.#receive(message));
    return true;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.#exited) return false;
    setImmediate(() => this.#exit({ code: null, signal }));
    return true;
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#messageListeners.push(listener);
  }

  onExit(listener: (exit: ChildExit) => void): void {
    this.#exitListeners.push(listener);
  }

  #receive(message: ParentMessage): void {
    if (this.#exited) return;
    if (message.type === 'start') {
      const { gameId, port, players } = message.game;
      this.#say({ type: 'ready', gameId, port });
      // Every player joins its game soon after its match-found (a real child reports once all have bound).
      this.#joinTimer = setTimeout(
        () => this.#say({ type: 'joinReport', gameId, joined: players.map((p) => p.slot), missing: [] }),
        JOIN_MS,
      );
      this.#gameTimer = setTimeout(() => {
        const results = players.map(({ slot, name }) => ({ slot, name, score: 0, connected: true }));
        this.#say({ type: 'gameOver', gameId, reason: 'completed', results });
        setImmediate(() => this.#exit({ code: 0, signal: null }));
      }, this.#gameMs);
    } else if (message.type === 'shutdown') {
      this.#exit({ code: 16, signal: null });
    }
  }

  #say(message: Record<string, unknown>): void {
    if (this.#exited) return;
    for (const listener of this.#messageListeners) this.#call(() => listener(message), String(message['type']));
  }

  /**
   * Runs an orchestrator listener; an exception it throws is counted (see {@link listenerExceptions}) instead of
   * escaping into this simulated child's timers. (From a real child's IPC message or exit it would be uncaught: the
   * orchestrator process would crash.)
   */
  #call(listener: () => void, during: string): void {
    try {
      listener();
    } catch (error) {
      const key = `${during}: ${error instanceof Error ? error.message : String(error)}`;
      listenerExceptions.set(key, (listenerExceptions.get(key) ?? 0) + 1);
    }
  }

  #exit(exit: ChildExit): void {
    if (this.#exited) return;
    this.#exited = true;
    clearTimeout(this.#gameTimer);
    clearTimeout(this.#joinTimer);
    for (const listener of this.#exitListeners) this.#call(() => listener(exit), 'exit');
  }
}

/** Spawns {@link InProcessChild}ren whose games end by themselves `gameMs` after `ready`. */
export class InProcessSpawner implements ChildSpawner {
  readonly #gameMs: number;
  /** Children spawned so far. */
  spawned = 0;

  constructor(gameMs: number) {
    this.#gameMs = gameMs;
  }

  spawn(): ChildProcessHandle {
    this.spawned++;
    return new InProcessChild(this.#gameMs);
  }
}
