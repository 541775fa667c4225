import { abortError, type ClientError } from './errors.js';
import type { GameOver, SessionEnd } from './session-types.js';

/** Holds how a session ended, once, and lets callers wait for it with an AbortSignal. @internal */
export class EndLatch {
  #value: SessionEnd | undefined;
  #resolve!: (end: SessionEnd) => void;
  readonly #promise = new Promise<SessionEnd>((resolve) => (this.#resolve = resolve));

  /** The end, undefined until settled. */
  get value(): SessionEnd | undefined {
    return this.#value;
  }

  /** Records `end`; false (and nothing changes) if already settled. */
  settle(end: SessionEnd): boolean {
    if (this.#value !== undefined) return false;
    this.#value = end;
    this.#resolve(end);
    return true;
  }

  /** Resolves with the end; rejects with E_ABORTED if `signal` fires first. */
  wait(signal: AbortSignal | undefined, what: string): Promise<SessionEnd> {
    if (this.#value !== undefined || signal === undefined) return this.#promise;
    if (signal.aborted) return Promise.reject(abortError(signal, what));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(abortError(signal, what));
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#promise.then((end) => {
        signal.removeEventListener('abort', onAbort);
        resolve(end);
      });
    });
  }

  /**
   * Resolves with the game over; rejects with the end's error (`closedError()` for a session closed by the
   * application), or E_ABORTED if `signal` fires first.
   */
  async waitForGameOver(signal: AbortSignal | undefined, closedError: () => ClientError): Promise<GameOver> {
    const end = await this.wait(signal, 'waitForGameOver');
    if (end.kind === 'gameOver') return end.gameOver;
    throw end.kind === 'closed' ? closedError() : end.error;
  }
}
