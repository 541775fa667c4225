interface ManualTimer {
  readonly at: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when told to, for tests of anything that takes injectable time: game-child's `Clock`
 * (`now`, `epochNow`, `setTimeout`, `clearTimeout`) and port-ring's `QuarantineTimers` (`setTimeout`,
 * `clearTimeout`) alike. `advance(ms)` moves time forward and runs every timer that falls due, in order of due
 * time (then creation), each seeing `now()` equal to its due time; timers scheduled by those callbacks run too if
 * they fall due within the advance. Never throws, except that an exception from a timer callback propagates out of
 * `advance` (time then stays at that timer's due time, and the timer is spent).
 */
export class ManualClock {
  #now: number;
  readonly #epochOffset: number;
  // Insertion order is creation order: the tie-break between timers due at the same time.
  readonly #timers = new Map<number, ManualTimer>();
  #nextId = 1;

  /** Starts at monotonic time `start` (default 0) and wall-clock time `epochStart` (default 1.7e12). */
  constructor(start = 0, epochStart = 1_700_000_000_000) {
    this.#now = start;
    this.#epochOffset = epochStart - start;
  }

  /** The current monotonic time in ms: moves only with `advance` and `spend`. */
  now(): number {
    return this.#now;
  }

  /** Wall-clock time in ms (whole), moving with `now()`. */
  epochNow(): number {
    return Math.floor(this.#now + this.#epochOffset);
  }

  /**
   * Runs `callback` once `advance` reaches `now() + ms` (`ms` <= 0 or not finite: on the next advance); returns
   * its handle for `clearTimeout`.
   */
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#timers.set(id, { at: this.#now + delay, callback });
    return id;
  }

  /** Cancels the timer of `handle`; an unknown or spent handle is ignored. */
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** How many timers are scheduled and not yet run or cleared. */
  get pendingCount(): number {
    return this.#timers.size;
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
      let nextId: number | undefined;
      let next: ManualTimer | undefined;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= target && (next === undefined || timer.at < next.at)) {
          nextId = id;
          next = timer;
        }
      }
      if (next === undefined) break;
      this.#timers.delete(nextId!);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = Math.max(this.#now, target);
  }
}
