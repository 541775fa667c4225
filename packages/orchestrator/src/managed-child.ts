import { performance } from 'node:perf_hooks';
import {
  type ChildToParentMessage,
  type GameAssignment,
  IPC_VERSION,
  type IpcJoinReport,
  type IpcStatsMessage,
  type ShutdownReason,
  parseChildToParentMessage,
} from '@proj/protocol';
import type { ChildExit, ChildProcessHandle } from './child-process.js';
import type { Logger } from './logger.js';

/**
 * Where a child process is in its life:
 * - `booting`: forked, has not said `idle` yet (a cold child gets its `start` at once, so it skips to `starting`);
 * - `idle`: a warm child waiting for a game, holding no port;
 * - `starting`: `start` sent, waiting for `ready` (or `bindFailed`, an exit, the deadline);
 * - `running`: the child reported its UDP socket bound; the game is on;
 * - `stopping`: told to shut down or killed, or its bind failed; waiting for the exit;
 * - `exited`: gone; its exit was reported once.
 */
export type ChildState = 'booting' | 'idle' | 'starting' | 'running' | 'stopping' | 'exited';

/** The result of {@link ManagedChild.start}. */
export type StartOutcome =
  | { readonly ok: true; readonly readyMs: number }
  | { readonly ok: false; readonly reason: 'bindFailed'; readonly errorCode: string; readonly message: string }
  | {
      readonly ok: false;
      readonly reason: 'readyTimeout' | 'exited' | 'cancelled' | 'sendFailed' | 'unresponsive';
    };

/** What the owner of children hears about them. Called synchronously; must not throw. */
export interface ChildObserver {
  /** A booting child said `idle` (it is ready to take a `start`). */
  idle(child: ManagedChild): void;
  /** A running child reported the end of its game (it exits next). */
  gameOver(child: ManagedChild, message: Extract<ChildToParentMessage, { type: 'gameOver' }>): void;
  /** A running (or stopping) child reported which seats of its game were joined (`joinReport`, once at most). */
  joinReport(child: ManagedChild, message: IpcJoinReport): void;
  /** A running (or stopping) child reported the UDP datagrams it dropped since its previous `stats`. */
  stats(child: ManagedChild, message: IpcStatsMessage): void;
  /**
   * The child is gone: called exactly once per child, after every other callback of that child. `previous` is the
   * state it was in when it exited.
   */
  exit(child: ManagedChild, exit: ChildExit, previous: ChildState): void;
}

let nextChildId = 1;

/**
 * One child game process and its lifecycle: ready deadline, bind failure, max duration, shutdown with a grace period
 * then SIGKILL, and exactly one exit report. It owns no port: whoever gave it a game releases the port on its exit.
 */
export class ManagedChild {
  /** A process-local sequence number (pids can be reused; these are not). */
  readonly id = nextChildId++;
  readonly handle: ChildProcessHandle;
  /** `performance.now()` when the process was spawned. */
  readonly spawnedAt: number;
  readonly #observer: ChildObserver;
  readonly #logger: Logger;
  #state: ChildState = 'booting';
  #assignment: GameAssignment | undefined;
  #joinReported = false;
  #settleStart: ((outcome: StartOutcome) => void) | undefined;
  #readyTimer: NodeJS.Timeout | undefined;
  #durationTimer: NodeJS.Timeout | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #exit: ChildExit | undefined;
  #lastHeardAt: number | undefined;
  readonly #now: () => number;

  /** `now` is the clock of {@link lastHeardAt} (default `performance.now()`; tests inject theirs). */
  constructor(
    handle: ChildProcessHandle,
    observer: ChildObserver,
    logger: Logger,
    now: () => number = () => performance.now(),
  ) {
    this.handle = handle;
    this.#now = now;
    this.spawnedAt = performance.now();
    this.#observer = observer;
    this.#logger = logger;
    handle.onMessage((message) => this.#onMessage(message));
    handle.onExit((exit) => this.#onExit(exit));
  }

  /** The OS process id (undefined if the process failed to start). */
  get pid(): number | undefined {
    return this.handle.pid;
  }

  /** Where the child is in its life. */
  get state(): ChildState {
    return this.#state;
  }

  /** The game given with `start`, if any. */
  get assignment(): GameAssignment | undefined {
    return this.#assignment;
  }

  /**
   * When (the constructor's clock, `performance.now()` by default) the child last sent anything over IPC (any
   * message, valid or not: it shows the process runs), or when it was sent its `start` if it had been heard from
   * before (a warm child); undefined while a child has not said anything since it was forked.
   */
  get lastHeardAt(): number | undefined {
    return this.#lastHeardAt;
  }

  /** How the process ended, once it has. */
  get exitInfo(): ChildExit | undefined {
    return this.#exit;
  }

  /**
   * Sends `start` with `assignment` and calls `onOutcome` exactly once, synchronously from the event that decides it:
   * `ready` for that game and port, or the reason it will not come: `bindFailed` (the child exits next; it is
   * SIGKILLed if it has not after a grace period), `readyTimeout` (the child is SIGKILLed), `exited` (reported before
   * the observer's `exit`), `cancelled` (by `cancelStart`, `stop` or `kill`), `sendFailed` (IPC closed; the child
   * is SIGKILLed; reported on a later tick). Only a `booting` or `idle` child can start; any other reports
   * `sendFailed`.
   */
  start(assignment: GameAssignment, readyTimeoutMs: number, onOutcome: (outcome: StartOutcome) => void): void {
    if (this.#state !== 'booting' && this.#state !== 'idle') {
      queueMicrotask(() => onOutcome({ ok: false, reason: 'sendFailed' }));
      return;
    }
    this.#assignment = assignment;
    const startedAt = performance.now();
    // From now on the child heartbeats; a warm child's silence counts from its start (it had nothing to say while
    // idle), a cold child's from its first message (until then it is booting, which the ready deadline bounds).
    if (this.#state === 'idle') this.#lastHeardAt = this.#now();
    this.#state = 'starting';
    this.#settleStart = (outcome) => {
      this.#settleStart = undefined;
      clearTimeout(this.#readyTimer);
      this.#readyTimer = undefined;
      onOutcome(outcome.ok ? { ok: true, readyMs: performance.now() - startedAt } : outcome);
    };
    if (!this.handle.send({ type: 'start', ipcVersion: IPC_VERSION, game: assignment })) {
      queueMicrotask(() => {
        if (this.#settleStart !== undefined) this.#fail({ ok: false, reason: 'sendFailed' });
      });
      return;
    }
    this.#readyTimer = setTimeout(() => {
      this.#logger.warn('child not ready before the deadline; killing it', {
        pid: this.pid,
        gameId: assignment.gameId,
        readyTimeoutMs,
      });
      this.#fail({ ok: false, reason: 'readyTimeout' });
    }, readyTimeoutMs);
  }

  /** Abandons a pending `start`: it resolves `cancelled` and the child is SIGKILLed. No-op otherwise. */
  cancelStart(): void {
    if (this.#settleStart !== undefined) this.#fail({ ok: false, reason: 'cancelled' });
  }

  /**
   * Tells a starting child that the seat `slot` now belongs to the player `name` (a backfill). Returns false when
   * the child is not starting (nothing sent).
   */
  reseat(slot: number, name: string): boolean {
    if (this.#state !== 'starting') return false;
    return this.handle.send({ type: 'seat', slot, name });
  }

  /**
   * Arms the maximum game duration of a running child: after `maxDurationMs` it is told to stop (reason
   * maxDuration) and SIGKILLed `graceMs` later if still alive.
   */
  armMaxDuration(maxDurationMs: number, graceMs: number): void {
    if (this.#state !== 'running') return;
    clearTimeout(this.#durationTimer);
    this.#durationTimer = setTimeout(() => {
      this.#durationTimer = undefined;
      this.#logger.info('game reached its maximum duration; stopping its child', {
        pid: this.pid,
        gameId: this.#assignment?.gameId,
      });
      this.stop('maxDuration', graceMs);
    }, maxDurationMs);
  }

  /**
   * Asks the child to stop (IPC `shutdown` with `reason`) and SIGKILLs it if it is still alive `graceMs` later. The
   * child is told a little less than `graceMs` (see {@link childGraceMs}) so that a child that lingers as long as
   * it is allowed (to resend its players their game-over) still exits by itself before the SIGKILL. A pending
   * `start` resolves `cancelled`. Idempotent: a second call never extends the deadline.
   */
  stop(reason: ShutdownReason, graceMs: number): void {
    if (this.#state === 'exited') return;
    this.#state = 'stopping';
    this.#settleStart?.({ ok: false, reason: 'cancelled' });
    this.handle.send({ type: 'shutdown', reason, graceMs: childGraceMs(graceMs) });
    this.#armKill(graceMs);
  }

  /**
   * The child went silent for too long (see ChildWatchdog): SIGKILL now (a stopped process ignores SIGTERM). A
   * pending `start` resolves `unresponsive`. A no-op once the child is stopping or gone.
   */
  killUnresponsive(): void {
    if (this.#state === 'stopping' || this.#state === 'exited') return;
    if (this.#settleStart !== undefined) this.#fail({ ok: false, reason: 'unresponsive' });
    else this.kill();
  }

  /** SIGKILLs the child now (a pending `start` resolves `cancelled`). */
  kill(): void {
    if (this.#state === 'exited') return;
    this.#state = 'stopping';
    this.#settleStart?.({ ok: false, reason: 'cancelled' });
    this.handle.kill('SIGKILL');
  }

  #fail(outcome: StartOutcome): void {
    this.#state = 'stopping';
    this.#settleStart?.(outcome);
    this.handle.kill('SIGKILL');
  }

  #armKill(graceMs: number): void {
    if (this.#killTimer !== undefined) return;
    this.#killTimer = setTimeout(() => {
      this.#killTimer = undefined;
      if (this.#state === 'exited') return;
      this.#logger.warn('child still alive after its grace period; SIGKILL', {
        pid: this.pid,
        gameId: this.#assignment?.gameId,
        graceMs,
      });
      this.handle.kill('SIGKILL');
    }, graceMs);
  }

  #onMessage(raw: unknown): void {
    if (this.#state === 'exited') return;
    this.#lastHeardAt = this.#now();
    let message: ChildToParentMessage;
    try {
      message = parseChildToParentMessage(raw);
    } catch (error) {
      this.#logger.warn('ignoring an invalid IPC message from a child', { pid: this.pid, error });
      return;
    }
    switch (message.type) {
      case 'idle':
        if (this.#state === 'booting') {
          this.#state = 'idle';
          // Before anything else, so a `start` sent at once is not the first message the child receives.
          if (message.warmUp === true) this.handle.send({ type: 'warmUp' });
          this.#observer.idle(this);
        }
        return;
      case 'ready': {
        const game = this.#assignment;
        if (
          this.#state !== 'starting' ||
          game === undefined ||
          message.gameId !== game.gameId ||
          message.port !== game.port
        ) {
          this.#logger.warn('ignoring an unexpected ready from a child', {
            pid: this.pid,
            state: this.#state,
            message,
          });
          return;
        }
        this.#state = 'running';
        this.#settleStart?.({ ok: true, readyMs: 0 });
        return;
      }
      case 'bindFailed': {
        const game = this.#assignment;
        if (this.#state !== 'starting' || game === undefined || message.gameId !== game.gameId) {
          this.#logger.warn('ignoring an unexpected bindFailed from a child', {
            pid: this.pid,
            state: this.#state,
            message,
          });
          return;
        }
        this.#state = 'stopping';
        this.#settleStart?.({
          ok: false,
          reason: 'bindFailed',
          errorCode: message.errorCode,
          message: message.message,
        });
        // The child exits by itself after bindFailed; make sure of it.
        this.#armKill(BIND_FAILED_EXIT_GRACE_MS);
        return;
      }
      case 'gameOver':
        if (this.#state === 'running' || this.#state === 'stopping') this.#observer.gameOver(this, message);
        return;
      case 'joinReport':
        if (
          !this.#joinReported &&
          (this.#state === 'running' || this.#state === 'stopping') &&
          message.gameId === this.#assignment?.gameId
        ) {
          this.#joinReported = true;
          this.#observer.joinReport(this, message);
        } else {
          this.#logger.warn('ignoring an unexpected joinReport from a child', { pid: this.pid, state: this.#state });
        }
        return;
      case 'heartbeat':
        // Liveness only (lastHeardAt, above).
        return;
      case 'stats':
        // Only a child that has its game reports drops for it; anything else is a confused or hostile child.
        if ((this.#state === 'running' || this.#state === 'stopping') && message.gameId === this.#assignment?.gameId)
          this.#observer.stats(this, message);
        else
          this.#logger.warn('ignoring unexpected stats from a child', {
            pid: this.pid,
            state: this.#state,
            gameId: message.gameId,
          });
        return;
    }
  }

  #onExit(exit: ChildExit): void {
    const previous = this.#state;
    if (previous === 'exited') return;
    this.#state = 'exited';
    this.#exit = exit;
    clearTimeout(this.#durationTimer);
    clearTimeout(this.#killTimer);
    this.#durationTimer = undefined;
    this.#killTimer = undefined;
    this.#settleStart?.({ ok: false, reason: 'exited' });
    this.#observer.exit(this, exit, previous);
  }
}

/** How long a child that reported bindFailed has to exit by itself before it is SIGKILLed. */
const BIND_FAILED_EXIT_GRACE_MS = 2_000;

/** The most of a stop's grace period kept back from the child for its own exit (closing sockets, process exit). */
const EXIT_MARGIN_MS = 250;

/**
 * The grace period a child is told in `shutdown` when it is SIGKILLed `graceMs` later: `graceMs` minus a margin for
 * its exit (a fifth of `graceMs`, at most 250 ms), never negative.
 */
export function childGraceMs(graceMs: number): number {
  return Math.max(0, graceMs - Math.min(EXIT_MARGIN_MS, Math.floor(graceMs / 5)));
}
