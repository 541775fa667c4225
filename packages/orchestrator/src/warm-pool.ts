import type { Logger } from './logger.js';
import type { ManagedChild } from './managed-child.js';

/** What a {@link WarmPool} needs from its owner. */
export interface WarmPoolHooks {
  /**
   * Starts one more child process for the pool and returns it (already counted by the owner as a live process),
   * or undefined when it could not be started. The pool calls it only while `budget()` is above 0.
   */
  spawn(): ManagedChild | undefined;
  /** How many more processes may be started right now without going over the cap. */
  budget(): number;
}

/** Options of {@link WarmPool}. */
export interface WarmPoolOptions {
  /** How many warm children to keep (W); 0 disables the pool. */
  readonly size: number;
  /** How long a warm child may take to say `idle`; after that it is killed. */
  readonly bootTimeoutMs: number;
  /** How long a warm child is given to exit after a pool shrink before SIGKILL. */
  readonly shutdownGraceMs: number;
  readonly logger: Logger;
}

/** Refill pause after consecutive boot failures: BACKOFF_BASE_MS * 2^(failures - 1), capped. */
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 5_000;

/**
 * The warm pool: up to W child processes started ahead of need, idle and holding no port, so that a match pays an
 * IPC round trip instead of a process start. The pool never starts a process beyond its owner's budget (the cap on
 * processes, warm and busy together). A child that fails to boot (exits or stays silent past the boot deadline)
 * slows refilling down exponentially, so a broken entry point cannot spin the CPU.
 */
export class WarmPool {
  readonly #hooks: WarmPoolHooks;
  readonly #options: WarmPoolOptions;
  /** Warm children that said `idle`, in the order they did (Set keeps insertion order; delete is O(1)). */
  readonly #idle = new Set<ManagedChild>();
  /** Warm children still booting, with their boot deadline timers. */
  readonly #booting = new Map<ManagedChild, NodeJS.Timeout>();
  #failures = 0;
  #pauseTimer: NodeJS.Timeout | undefined;
  #refillScheduled = false;
  #closed = false;

  constructor(hooks: WarmPoolHooks, options: WarmPoolOptions) {
    this.#hooks = hooks;
    this.#options = options;
  }

  /** The target size W. */
  get targetSize(): number {
    return this.#options.size;
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
        clearTimeout(timer);
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
    clearTimeout(timer);
    this.#booting.delete(child);
    this.#idle.add(child);
    if (this.#failures > 0) {
      this.#failures = 0;
      this.scheduleRefill();
    }
  }

  /**
   * The owner's report that `child` exited. Returns true when it was one of the pool's (then it is forgotten; a
   * child that died before `idle` counts as a boot failure) and schedules a refill.
   */
  childExited(child: ManagedChild): boolean {
    const timer = this.#booting.get(child);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.#booting.delete(child);
      this.#failures++;
    } else if (!this.#idle.delete(child)) {
      return false;
    }
    this.scheduleRefill();
    return true;
  }

  /**
   * Starts warm children until the pool holds W or the budget is spent, on the next turn of the event loop or
   * `delayMs` later (never in the middle of a match, whose latency it would add to). Paused after boot failures.
   * No-op once closed.
   */
  scheduleRefill(delayMs = 0): void {
    if (this.#closed || this.#refillScheduled || this.#options.size === 0) return;
    this.#refillScheduled = true;
    const refill = (): void => {
      this.#refillScheduled = false;
      this.#refill();
    };
    if (delayMs > 0) setTimeout(refill, delayMs);
    else setImmediate(refill);
  }

  /** Stops every warm child (shutdown, reason poolShrink, then SIGKILL after the grace period) and refills no more. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#pauseTimer);
    const children = [...this.#idle, ...this.#booting.keys()];
    for (const timer of this.#booting.values()) clearTimeout(timer);
    this.#idle.clear();
    this.#booting.clear();
    for (const child of children) child.stop('poolShrink', this.#options.shutdownGraceMs);
  }

  #refill(): void {
    if (this.#closed || this.#pauseTimer !== undefined) return;
    if (this.#failures > 0 && this.size < this.#options.size) {
      // Pause before retrying; every further failure doubles the pause.
      const pause = Math.min(BACKOFF_BASE_MS * 2 ** (this.#failures - 1), BACKOFF_MAX_MS);
      this.#pauseTimer = setTimeout(() => {
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
    while (!this.#closed && started < limit && this.size < this.#options.size && this.#hooks.budget() > 0) {
      const child = this.#hooks.spawn();
      if (child === undefined) {
        this.#failures++;
        this.scheduleRefill();
        return;
      }
      started++;
      if (child.state === 'exited') continue;
      const timer = setTimeout(() => {
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
}
