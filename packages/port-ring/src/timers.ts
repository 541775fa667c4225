/**
 * The two timer functions a ring uses to end quarantines, injectable so tests (or an event loop other than
 * Node's) can drive time. `setTimeout` must call `callback` once, about `ms` milliseconds later, unless the handle
 * it returned is passed to `clearTimeout` first. Handles are opaque to the ring.
 */
export interface QuarantineTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The default timers: the global `setTimeout`/`clearTimeout`, looked up at each call (so test fake timers that
 * replace the globals apply), with every timer `unref()`ed so a pending quarantine never keeps a process alive.
 */
export const unrefTimers: QuarantineTimers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    // Fake timers in tests may return a plain object without unref.
    if (typeof handle === 'object' && typeof handle.unref === 'function') handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** The longest delay `setTimeout` honours; longer ones fire after 1 ms in Node, so the ring refuses them. */
export const MAX_TIMER_MS = 2_147_483_647;
