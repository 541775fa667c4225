import type { Logger } from './logger.js';

/** Failed launches in a row before launching pauses. */
const FAILURES_BEFORE_PAUSE = 3;
const PAUSE_BASE_MS = 100;
const PAUSE_MAX_MS = 5_000;

/**
 * Pauses game launches after several failures in a row (crashes before ready, ready timeouts, spawn errors), for
 * 100 ms, then twice as long after each further failure, up to 5 s; a success resets it. So a broken child entry
 * point turns into a slow retry, not a fork loop, and the players wait in the queue meanwhile.
 */
export class LaunchBackoff {
  readonly #logger: Logger;
  readonly #onResume: () => void;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(logger: Logger, onResume: () => void) {
    this.#logger = logger;
    this.#onResume = onResume;
  }

  /** True while launches are paused. */
  get paused(): boolean {
    return this.#timer !== undefined;
  }

  /** Records a failed launch; may start a pause (`onResume` is called when it ends). */
  failed(): void {
    this.#failures++;
    if (this.#failures < FAILURES_BEFORE_PAUSE || this.#timer !== undefined || this.#closed) return;
    const ms = Math.min(PAUSE_BASE_MS * 2 ** (this.#failures - FAILURES_BEFORE_PAUSE), PAUSE_MAX_MS);
    this.#logger.warn('game launches keep failing; pausing launches', { failures: this.#failures, pauseMs: ms });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#onResume();
    }, ms);
  }

  /** Records a successful launch: the failure count starts over. */
  succeeded(): void {
    this.#failures = 0;
  }

  /** Cancels a pause; no more pauses. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
