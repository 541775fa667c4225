import { performance } from 'node:perf_hooks';
import { IPC_HEARTBEAT_INTERVAL_MS } from '@proj/protocol';
import type { ChildState } from './managed-child.js';

/** What the watchdog reads of a child. */
export interface WatchedChild {
  readonly state: ChildState;
  /**
   * `performance.now()` when the child was last heard from over IPC, counted from its `start`; undefined while it
   * has not been heard from since it was forked (a cold child still booting: the ready deadline covers it).
   */
  readonly lastHeardAt: number | undefined;
}

/** The timers the watchdog uses (injectable for tests). */
export interface WatchdogClock {
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const nodeClock: WatchdogClock = {
  now: () => performance.now(),
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/** Options of {@link ChildWatchdog}. */
export interface ChildWatchdogOptions<C extends WatchedChild> {
  /** A child with a game silent for longer than this is reported; 0 turns the watchdog off. */
  readonly timeoutMs: number;
  /** The children that may be watched (the watchdog itself picks those starting or running). */
  readonly children: () => Iterable<C>;
  /** Called once per silent child found by a check (the callee is expected to kill it, which ends the watch). */
  readonly onSilent: (child: C, silentMs: number) => void;
  readonly clock?: WatchdogClock;
}

/** How long a silent child is shown `late` (in the games list) before it is killed, at most. */
export const LATE_AFTER_MS = 2 * IPC_HEARTBEAT_INTERVAL_MS;

/** Whether a child has a game whose silence is watched: `starting` or `running` (also after its gameOver). */
function watched(child: WatchedChild): boolean {
  return child.state === 'starting' || child.state === 'running';
}

/**
 * Child liveness: one interval timer (never one per child) that, while some child has a game, checks every child
 * `starting` or `running` that has been heard from since its `start` and reports the ones silent for longer than
 * `timeoutMs` to `onSilent` (a child in `stopping` already has a SIGKILL deadline; a warm child waiting in the pool
 * is not watched). The timer checks about ten times per timeout (every 50..500 ms), so a child is reported within
 * `timeoutMs` plus one check period of its last message; it stops by itself when no child is left to watch, and
 * `watch()` arms it again (the timer is unref'd: it never keeps the process alive).
 */
export class ChildWatchdog<C extends WatchedChild> {
  readonly #options: ChildWatchdogOptions<C>;
  readonly #clock: WatchdogClock;
  readonly #periodMs: number;
  #timer: unknown;

  constructor(options: ChildWatchdogOptions<C>) {
    this.#options = options;
    this.#clock = options.clock ?? nodeClock;
    this.#periodMs = Math.min(500, Math.max(50, Math.floor(options.timeoutMs / 10)));
  }

  /** True when the timeout is on. */
  get enabled(): boolean {
    return this.#options.timeoutMs > 0;
  }

  /** How often the timer checks, ms. */
  get periodMs(): number {
    return this.#periodMs;
  }

  /** True while the timer is armed. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** A child got a game: make sure the timer runs. A no-op when disabled. */
  watch(): void {
    if (!this.enabled || this.#timer !== undefined) return;
    this.#timer = this.#clock.setInterval(() => this.check(), this.#periodMs);
  }

  /** One check now: reports every silent child; disarms the timer when no child is watched any more. */
  check(): void {
    const now = this.#clock.now();
    let any = false;
    for (const child of [...this.#options.children()]) {
      if (!watched(child)) continue;
      any = true;
      const silentMs = silenceOf(child, now);
      if (silentMs !== undefined && silentMs > this.#options.timeoutMs) this.#options.onSilent(child, silentMs);
    }
    if (!any) this.#disarm();
  }

  /**
   * Whether `child` is late: watched and silent for longer than about two heartbeat intervals
   * ({@link LATE_AFTER_MS}, or the timeout when that is shorter). Shown whether or not the timeout is on.
   */
  isLate(child: WatchedChild, now = this.#clock.now()): boolean {
    if (!watched(child)) return false;
    const silentMs = silenceOf(child, now);
    const lateAfter = this.enabled ? Math.min(LATE_AFTER_MS, this.#options.timeoutMs) : LATE_AFTER_MS;
    return silentMs !== undefined && silentMs > lateAfter;
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** How long `child` has been silent at `now`, ms (undefined when it was never heard from since its start). */
export function silenceOf(child: WatchedChild, now: number): number | undefined {
  return child.lastHeardAt === undefined ? undefined : Math.max(0, now - child.lastHeardAt);
}
