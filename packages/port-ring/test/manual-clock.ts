import type { QuarantineTimers } from '../src/index.js';

/**
 * A deterministic clock for tests: timers only fire inside `advance`, in due order (ties in creation order).
 * Implements the ring's injectable timers.
 */
export class ManualClock implements QuarantineTimers {
  now = 0;
  #nextId = 1;
  readonly #pending = new Map<number, { due: number; callback: () => void }>();

  /** How many timers are scheduled and not yet fired or cleared. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#pending.set(id, { due: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let nextId = -1;
      let nextDue = Number.POSITIVE_INFINITY;
      for (const [id, timer] of this.#pending) {
        if (timer.due <= target && timer.due < nextDue) {
          nextDue = timer.due;
          nextId = id;
        }
      }
      const timer = this.#pending.get(nextId);
      if (timer === undefined) break;
      this.#pending.delete(nextId);
      this.now = nextDue;
      timer.callback();
    }
    this.now = target;
  }
}

/** Lets already-settled promises run their callbacks (microtasks only, so it works under fake timers too). */
export async function flushPromises(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
