import { TestUtilsError } from './errors.js';

/** Something that emits events, such as a socket, a child process or a stream. */
export interface WakeEmitter {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** An event after which the condition may hold: `[emitter, eventName]`. */
export type WakeSource = readonly [emitter: WakeEmitter, event: string];

/** How {@link waitUntil} waits. */
export interface WaitOptions {
  /** Gives up after this many milliseconds (default {@link DEFAULT_WAIT_MS}). */
  readonly timeoutMs?: number;
  /**
   * Events after which to check again at once, so a wait ends as soon as the event it waits for has happened.
   * Polling goes on beside them, for changes no event announces.
   */
  readonly wakeOn?: readonly WakeSource[];
  /** The longest pause between two polls (default 50 ms); the first pauses are shorter (10, 20, 40 ms). */
  readonly pollMs?: number;
}

/** How long {@link waitUntil} waits by default: generous, since tests share two cores with other runs. */
export const DEFAULT_WAIT_MS = 20_000;

const FIRST_POLL_MS = 10;
const DEFAULT_POLL_MS = 50;

/**
 * Checks `check` until it returns something other than `undefined` or `false`, and resolves with that value.
 * It checks at once, again right after any `wakeOn` event, and otherwise polls (after 10, 20, 40, then every 50 ms):
 * never a fixed sleep. Always bounded: rejects with a {@link TestUtilsError} `E_WAIT_TIMEOUT` that names `what`
 * once `timeoutMs` (or `options.timeoutMs`, default 20 s) have passed. An exception thrown (or a rejection
 * returned) by `check` ends the wait with that error. Listeners it added are removed before it settles.
 */
export async function waitUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  options: number | WaitOptions = {},
): Promise<T> {
  const {
    timeoutMs = DEFAULT_WAIT_MS,
    wakeOn = [],
    pollMs = DEFAULT_POLL_MS,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let woken: boolean;
  let wake: (() => void) | undefined;
  const onEvent = (): void => {
    woken = true;
    wake?.();
  };
  for (const [emitter, event] of wakeOn) emitter.on(event, onEvent);
  try {
    for (let pause = Math.min(FIRST_POLL_MS, pollMs); ; pause = Math.min(pause * 2, pollMs)) {
      woken = false;
      const value = await check();
      if (value !== undefined && value !== false) return value;
      const left = deadline - Date.now();
      if (left < 0) throw new TestUtilsError('E_WAIT_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`);
      // An event during the check: look again at once.
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(pause, left + 1));
        function done(): void {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    for (const [emitter, event] of wakeOn) emitter.off(event, onEvent);
  }
}
