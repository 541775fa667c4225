import { performance } from 'node:perf_hooks';
import type { Logger } from './logger.js';
import type { ManagedChild } from './managed-child.js';
import { RefillLimiter } from './refill-limiter.js';

/** What a {@link WarmPool} needs from its owner. */
export interface WarmPoolHooks {
  /**
   * Starts one more child process for the pool and returns it (already counted by the owner as a live process),
   * or undefined when it could not be started. The pool calls it only while `budget()` and `startSlots()` are
   * above 0.
   */
  spawn(): ManagedChild | undefined;
  /** How many more processes may be started right now without going over the cap. */
  budget(): number;
  /** How many more children may start booting now under the start bound (shared with cold starts). */
  startSlots(): number;
  /** The pool's target size now (the owner's demand, already within the pool's bounds and the cap). */
  target(): number;
  /**
   * False while the host is loaded (CPU, running games ticking late): the pool then starts nothing and looks again
   * {@link LOADED_RETRY_MS} later, so warm boots never take CPU from late games. Default: always true.
   */
  hostHasRoom?(): boolean;
}

/** How soon a refill held by a loaded host looks again, ms. */
export const LOADED_RETRY_MS = 250;

/** Time and timers of a {@link WarmPool}; a `ManualClock` from `@proj/test-utils` fits. */
export interface PoolClock {
  /** Monotonic ms. */
  now(): number;
  /** Runs `callback` after `ms` (0: on a later turn of the event loop); returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers; a delay of 0 is a `setImmediate`. */
const REAL_CLOCK: PoolClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => (ms > 0 ? setTimeout(callback, ms) : { immediate: setImmediate(callback) }),
  clearTimeout: (handle) => {
    if (typeof handle === 'object' && handle !== null && 'immediate' in handle)
      clearImmediate(handle.immediate as NodeJS.Immediate);
    else clearTimeout(handle as NodeJS.Timeout);
  },
};

/** Options of {@link WarmPool}. */
export interface WarmPoolOptions {
  /** How long a warm child may take to say `idle`; after that it is killed. */
  readonly bootTimeoutMs: number;
  /** How long a warm child is given to exit after a pool shrink before SIGKILL. */
  readonly shutdownGraceMs: number;
  /** Most warm starts per second; 0: no limit. */
  readonly refillRate: number;
  /** How long the pool must be above its target before its surplus idle children are stopped, ms. */
  readonly shrinkDelayMs: number;
  readonly logger: Logger;
  /** Default: Node's timers and `performance.now()`. */
  readonly clock?: PoolClock;
}

/** Refill pause after consecutive boot failures: BACKOFF_BASE_MS * 2^(failures - 1), capped. */
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 5_000;

/**
 * The warm pool: child processes started ahead of need, idle and holding no port, so that a match pays an IPC round
 * trip instead of a process start. Its size follows the owner's `target()` (a fixed size, or a buffer that follows
 * demand): it grows at once, at most one start every 1000/refillRate ms and only while the owner's start bound has a
 * slot (so warm boots never hold a cold start back), and shrinks only after it held more than its target for
 * `shrinkDelayMs`, stopping its oldest idle children. The pool never starts a process beyond its owner's budget (the
 * cap on processes, warm and busy together). A child that fails to boot (exits or stays silent past the boot
 * deadline) slows refilling down exponentially, so a broken entry point cannot spin the CPU.
 */
export class WarmPool {
  readonly #hooks: WarmPoolHooks;
  readonly #options: WarmPoolOptions;
  readonly #clock: PoolClock;
  readonly #limiter: RefillLimiter;
  /** Warm children that said `idle`, in the order they did (Set keeps insertion order; delete is O(1)). */
  readonly #idle = new Set<ManagedChild>();
  /** Warm children still booting, with their boot deadline timers. */
  readonly #booting = new Map<ManagedChild, unknown>();
  #failures = 0;
  #pauseTimer: unknown;
  #refillTimer: unknown;
  #shrinkTimer: unknown;
  #started = 0;
  #stopped = 0;
  #closed = false;

  constructor(hooks: WarmPoolHooks, options: WarmPoolOptions) {
    this.#hooks = hooks;
    this.#options = options;
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#limiter = new RefillLimiter(options.refillRate, () => this.#clock.now());
  }

  /** The target size now. */
  get targetSize(): number {
    return this.#closed ? 0 : this.#hooks.target();
  }

  /** Warm children ready to take a game. */
  get idleCount(): number {
    return this.#idle.size;
  }

  /** Warm children still starting. */
  get bootingCount(): number {
    return this.#booting.size;
  }

  /** Warm children, idle and booting. */
  get size(): number {
    return this.#idle.size + this.#booting.size;
  }

  /** Warm children started so far, and stopped because the pool was above its target. */
  get totals(): { readonly started: number; readonly shrunk: number } {
    return { started: this.#started, shrunk: this.#stopped };
  }

  /** True when `child` is one of the pool's (idle or booting). */
  has(child: ManagedChild): boolean {
    return this.#idle.has(child) || this.#booting.has(child);
  }

  /**
   * Removes and returns a warm child for a game: the newest idle one, else the oldest still booting (its `start`
   * waits in the IPC channel until it is up, which is still sooner than a new process), else undefined.
   * It does not refill: the owner calls `scheduleRefill()` once the game's launch settled, so the synchronous cost
   * of forking a replacement never sits between a match and its match-found.
   */
  take(): ManagedChild | undefined {
    let child: ManagedChild | undefined;
    // The most recently idle child: its memory is the least likely to have gone cold (paged out, evicted from
    // caches) while it waited.
    for (const idle of this.#idle) child = idle;
    if (child !== undefined) this.#idle.delete(child);
    if (child === undefined) {
      for (const [booting, timer] of this.#booting) {
        child = booting;
        this.#clock.clearTimeout(timer);
        this.#booting.delete(booting);
        break;
      }
    }
    return child;
  }

  /** The owner's report that `child` said `idle`. Ignored for a child that is not booting in this pool. */
  childIdle(child: ManagedChild): void {
    const timer = this.#booting.get(child);
    if (timer === undefined) return;
    this.#clock.clearTimeout(timer);
    this.#booting.delete(child);
    this.#idle.add(child);
    this.#failures = 0;
    // A start slot is free again.
    this.scheduleRefill();
  }

  /**
   * The owner's report that `child` exited. Returns true when it was one of the pool's (then it is forgotten; a
   * child that died before `idle` counts as a boot failure) and schedules a refill.
   */
  childExited(child: ManagedChild): boolean {
    const timer = this.#booting.get(child);
    if (timer !== undefined) {
      this.#clock.clearTimeout(timer);
      this.#booting.delete(child);
      this.#failures++;
    } else if (!this.#idle.delete(child)) {
      return false;
    }
    this.scheduleRefill();
    return true;
  }

  /**
   * Re-reads the target and acts on it, on the next turn of the event loop or `delayMs` later (never in the middle
   * of a match, whose latency it would add to): starts warm children while below it (rate-limited, within the
   * budget and the start bound), and arms the shrink timer while above it. Paused after boot failures. Call it
   * whenever the demand, the budget or the start bound may have changed. No-op once closed or already scheduled.
   */
  scheduleRefill(delayMs = 0): void {
    if (this.#closed || this.#refillTimer !== undefined) return;
    this.#refillTimer = this.#clock.setTimeout(() => {
      this.#refillTimer = undefined;
      this.#refill();
    }, delayMs);
  }

  /** Stops every warm child (shutdown, reason poolShrink, then SIGKILL after the grace period) and refills no more. */
  close(): void {
    this.#closed = true;
    for (const timer of [this.#pauseTimer, this.#refillTimer, this.#shrinkTimer]) this.#clock.clearTimeout(timer);
    const children = [...this.#idle, ...this.#booting.keys()];
    for (const timer of this.#booting.values()) this.#clock.clearTimeout(timer);
    this.#idle.clear();
    this.#booting.clear();
    for (const child of children) child.stop('poolShrink', this.#options.shutdownGraceMs);
  }

  #refill(): void {
    if (this.#closed) return;
    const target = this.#hooks.target();
    this.#checkSurplus(target);
    if (this.#pauseTimer !== undefined || this.size >= target) return;
    if (this.#failures > 0) {
      // Pause before retrying; every further failure doubles the pause.
      const pause = Math.min(BACKOFF_BASE_MS * 2 ** (this.#failures - 1), BACKOFF_MAX_MS);
      this.#pauseTimer = this.#clock.setTimeout(() => {
        this.#pauseTimer = undefined;
        // One probe after the pause; once it says idle the failures are forgotten and the pool fills up.
        this.#spawnWhileRoom(1);
      }, pause);
      return;
    }
    this.#spawnWhileRoom(Infinity);
  }

  #spawnWhileRoom(limit: number): void {
    let started = 0;
    while (
      !this.#closed &&
      started < limit &&
      this.size < this.#hooks.target() &&
      this.#hooks.budget() > 0 &&
      this.#hooks.startSlots() > 0
    ) {
      if (this.#hooks.hostHasRoom?.() === false) {
        this.scheduleRefill(LOADED_RETRY_MS);
        return;
      }
      if (!this.#limiter.tryTake()) {
        this.scheduleRefill(this.#limiter.waitMs());
        return;
      }
      const child = this.#hooks.spawn();
      if (child === undefined) {
        this.#failures++;
        this.scheduleRefill();
        return;
      }
      started++;
      this.#started++;
      if (child.state === 'exited') continue;
      const timer = this.#clock.setTimeout(() => {
        if (!this.#booting.has(child)) return;
        this.#options.logger.warn('warm child did not say idle before its deadline; killing it', {
          pid: child.pid,
          bootTimeoutMs: this.#options.bootTimeoutMs,
        });
        child.kill();
      }, this.#options.bootTimeoutMs);
      this.#booting.set(child, timer);
    }
  }

  /** Arms the shrink timer while the pool holds more than `target` and has an idle child to stop; else disarms it. */
  #checkSurplus(target: number): void {
    const surplus = this.size > target && this.#idle.size > 0;
    if (!surplus) {
      this.#clock.clearTimeout(this.#shrinkTimer);
      this.#shrinkTimer = undefined;
    } else if (this.#shrinkTimer === undefined) {
      this.#shrinkTimer = this.#clock.setTimeout(() => {
        this.#shrinkTimer = undefined;
        this.#shrink();
      }, this.#options.shrinkDelayMs);
    }
  }

  /** Stops the surplus over the target, oldest idle children first. */
  #shrink(): void {
    if (this.#closed) return;
    let surplus = this.size - this.#hooks.target();
    for (const child of this.#idle) {
      if (surplus <= 0) break;
      this.#idle.delete(child);
      this.#stopped++;
      surplus--;
      this.#options.logger.debug('warm pool above its target; stopping an idle child', { pid: child.pid });
      child.stop('poolShrink', this.#options.shutdownGraceMs);
    }
  }
}
