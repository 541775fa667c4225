import { performance } from 'node:perf_hooks';

/**
 * The time source of a game: a monotonic clock for ticks and timeouts, the wall clock for token expiry, and
 * one-shot timers. Injectable so tests drive time by hand ({@link ManualClock}).
 * `setTimeout` must call `callback` once, no earlier than `ms` milliseconds of `now()` later (a real clock may
 * be up to a millisecond early or arbitrarily late), unless the handle is passed to `clearTimeout` first.
 */
export interface Clock {
  /** Monotonic milliseconds (fractional allowed); only differences are meaningful. */
  now(): number;
  /** Wall-clock epoch milliseconds, used only to check connect-token expiry. */
  epochNow(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock: `performance.now()`, `Date.now()` and the global timers (looked up at each call, so fake
 * timers that replace the globals apply). Timers are not unref'ed: a running game keeps its process alive.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  epochNow: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface ManualTimer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when told to, for tests of games and loops. `advance(ms)` moves time forward and runs
 * every timer that falls due, in order of due time (then creation), each seeing `now()` equal to its due time;
 * timers scheduled by those callbacks run too if they fall due within the advance. Never throws, except that an
 * exception from a timer callback propagates out of `advance` (time then stays at that timer's due time).
 */
export class ManualClock implements Clock {
  #now: number;
  #epochOffset: number;
  #timers: ManualTimer[] = [];
  #nextId = 1;

  /** Starts at monotonic time `start` (default 0) and wall-clock time `epochStart` (default 1.7e12). */
  constructor(start = 0, epochStart = 1_700_000_000_000) {
    this.#now = start;
    this.#epochOffset = epochStart - start;
  }

  /** The current monotonic time in ms: moves only with `advance`. */
  now(): number {
    return this.#now;
  }

  /** Wall-clock time in ms, moving with `now()`. */
  epochNow(): number {
    return Math.floor(this.#now + this.#epochOffset);
  }

  /** Runs `callback` once `advance` reaches `now() + ms` (ms <= 0: on the next advance); returns its handle. */
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#timers.push({ id, at: this.#now + delay, callback });
    return id;
  }

  /** Cancels the timer of `handle`; an unknown or spent handle is ignored. */
  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Number of timers waiting to run. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms` (>= 0) without running any timer (those that fall due run at the next
   * `advance`): simulates a callback that takes `ms` of work.
   */
  spend(ms: number): void {
    this.#now += Math.max(0, ms);
  }

  /** Moves time forward by `ms` (>= 0), running the timers that fall due on the way. */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.#timers) {
        if (t.at <= target && (next === undefined || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      }
      if (next === undefined) break;
      const due = next;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.callback();
    }
    this.#now = Math.max(this.#now, target);
  }
}
