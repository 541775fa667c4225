import { performance } from 'node:perf_hooks';

/**
 * The time source of a game: a monotonic clock for ticks and timeouts, the wall clock for token expiry, and
 * one-shot timers. Injectable so tests can drive time by hand.
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
