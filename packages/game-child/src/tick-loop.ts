import { systemClock, type Clock } from './clock.js';
import { DurationWindow, type TickTimeStats } from './duration-window.js';
import { GameChildError } from './errors.js';

export type { TickTimeStats } from './duration-window.js';

/** What a tick callback learns about the tick it runs. */
export interface TickInfo {
  /** 1 for the first tick, then +1 per tick run (skipped ticks are not numbered). */
  readonly tick: number;
  /** The fixed step: 1000 / tickRateHz. */
  readonly dtMs: number;
  /** When this tick was due, on the clock's `now()` scale. */
  readonly scheduledAt: number;
  /** How late it started (`now() - scheduledAt`, never negative). */
  readonly lateMs: number;
  /** When the tick started (`now()` as the loop read it just before calling back). */
  readonly startedAt: number;
}

/** Options of a {@link TickLoop}. */
export interface TickLoopOptions {
  /** Ticks per second, 1..1000 (default 20, the game server's default too). */
  readonly tickRateHz?: number;
  readonly clock?: Clock;
  /** The work of one tick. */
  readonly onTick: (info: TickInfo) => void;
  /**
   * If the loop falls behind (a stalled event loop, a slow tick), it runs at most this many overdue ticks
   * back to back and skips the rest, counting them in `skippedTicks` (default 3, min 1).
   */
  readonly maxCatchUpTicks?: number;
  /** Called (once) if `onTick` throws; the loop is stopped first. Default: rethrow. */
  readonly onError?: (error: unknown) => void;
  /** How many recent tick durations the percentile stats cover (default 2048). */
  readonly statsWindow?: number;
}

/**
 * A fixed-rate, drift-free tick scheduler. Tick n is due at `start + n * dt` (absolute targets, so timer
 * lateness never accumulates); a timer that fires up to 1 ms early runs the tick, one that fires later runs it
 * late, and after a stall at most `maxCatchUpTicks` overdue ticks run back to back; older overdue ones are
 * skipped (counted), so the loop never spirals. One timer is
 * pending at a time; `stop()` cancels it, so a stopped loop holds nothing.
 */
export class TickLoop {
  /** Ticks per second (1..1000). */
  readonly tickRateHz: number;
  /** The fixed step in ms: 1000 / tickRateHz. */
  readonly dtMs: number;
  readonly #clock: Clock;
  readonly #onTick: (info: TickInfo) => void;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #maxCatchUp: number;
  readonly #durations: DurationWindow;
  #timer: unknown;
  #running = false;
  #startedAt = 0;
  #nextIndex = 1;
  #ticks = 0;
  #skipped = 0;
  #maxLate = 0;

  /** Throws GameChildError 'E_INVALID_ARGUMENT' on a tick rate outside 1..1000 or a bad option. */
  constructor(options: TickLoopOptions) {
    const rate = options.tickRateHz ?? 20;
    if (!Number.isFinite(rate) || rate < 1 || rate > 1000) {
      throw new GameChildError('E_INVALID_ARGUMENT', `tickRateHz must be in 1..1000, got ${rate}`);
    }
    const maxCatchUp = options.maxCatchUpTicks ?? 3;
    if (!Number.isInteger(maxCatchUp) || maxCatchUp < 1) {
      throw new GameChildError('E_INVALID_ARGUMENT', 'maxCatchUpTicks must be an integer >= 1');
    }
    const window = options.statsWindow ?? 2048;
    if (!Number.isInteger(window) || window < 1 || window > 1_000_000) {
      throw new GameChildError('E_INVALID_ARGUMENT', 'statsWindow must be an integer in 1..1000000');
    }
    if (typeof options.onTick !== 'function')
      throw new GameChildError('E_INVALID_ARGUMENT', 'onTick must be a function');
    this.tickRateHz = rate;
    this.dtMs = 1000 / rate;
    this.#clock = options.clock ?? systemClock;
    this.#onTick = options.onTick;
    this.#onError = options.onError;
    this.#maxCatchUp = maxCatchUp;
    this.#durations = new DurationWindow(window);
  }

  /** True between `start()` and `stop()`. */
  get running(): boolean {
    return this.#running;
  }
  /** Ticks run so far. */
  get ticks(): number {
    return this.#ticks;
  }
  /** Ticks skipped because the loop fell more than `maxCatchUpTicks` behind. */
  get skippedTicks(): number {
    return this.#skipped;
  }
  /** The largest lateness of a tick start seen so far, ms. */
  get maxLateMs(): number {
    return this.#maxLate;
  }

  /** Starts ticking: the first tick is due one `dtMs` from now. Starting a running loop does nothing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startedAt = this.#clock.now();
    this.#nextIndex = 1;
    this.#schedule();
  }

  /** Stops ticking and cancels the pending timer; a tick in progress finishes. Idempotent. */
  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Percentiles of the last `statsWindow` tick durations (zeros before the first tick). */
  tickTimes(): TickTimeStats {
    return this.#durations.stats();
  }

  /** Forgets the recorded tick durations (for example after a warm-up). */
  resetTickTimes(): void {
    this.#durations.reset();
  }

  #dueAt(index: number): number {
    return this.#startedAt + index * this.dtMs;
  }

  #schedule(): void {
    const delay = this.#dueAt(this.#nextIndex) - this.#clock.now();
    // Timers have 1 ms granularity and may fire up to 1 ms early; flooring keeps us from being late by design.
    this.#timer = this.#clock.setTimeout(this.#wake, Math.max(0, Math.floor(delay)));
  }

  readonly #wake = (): void => {
    this.#timer = undefined;
    if (!this.#running) return;
    const clock = this.#clock;
    for (let ran = 0; ran < this.#maxCatchUp && this.#running; ran++) {
      const now = clock.now();
      const behind = Math.floor((now - this.#dueAt(this.#nextIndex)) / this.dtMs);
      if (behind >= this.#maxCatchUp) {
        // Too far behind (a stall, or a tick slower than the budget): drop the oldest overdue ticks.
        const skip = behind - this.#maxCatchUp + 1;
        this.#skipped += skip;
        this.#nextIndex += skip;
      }
      const due = this.#dueAt(this.#nextIndex);
      if (due - now > 1) break;
      const late = Math.max(0, now - due);
      if (late > this.#maxLate) this.#maxLate = late;
      this.#nextIndex++;
      this.#ticks++;
      try {
        this.#onTick({ tick: this.#ticks, dtMs: this.dtMs, scheduledAt: due, lateMs: late, startedAt: now });
      } catch (error) {
        this.stop();
        if (this.#onError === undefined) throw error;
        this.#onError(error);
        return;
      }
      this.#durations.record(clock.now() - now);
    }
    if (this.#running) this.#schedule();
  };
}
