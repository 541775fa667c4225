import { PortRingError } from './errors.js';

/** One pending `acquire()`, linked into the queue itself so removing an aborted waiter is O(1). */
interface Waiter {
  readonly resolve: (port: number) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  /** The 'abort' listener registered on `signal`, removed once the waiter leaves the queue. */
  onAbort: (() => void) | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
  /** False once the waiter left the queue, so a second removal is a no-op. */
  queued: boolean;
}

/** The rejection of an aborted wait, carrying the signal's reason as `cause`. */
export function abortedError(signal: AbortSignal): PortRingError<'E_ABORTED'> {
  return new PortRingError('E_ABORTED', 'acquire() was aborted before a port was handed over', {
    cause: signal.reason,
  });
}

/**
 * The FIFO of `acquire()` calls waiting for a port: O(1) enqueue, serve and abort. A waiter whose signal aborts
 * leaves the queue at once and its promise rejects with `E_ABORTED`; it can never receive a port.
 */
export class Waiters {
  #head: Waiter | undefined = undefined;
  #tail: Waiter | undefined = undefined;
  #size = 0;

  /** How many waiters are queued. */
  get size(): number {
    return this.#size;
  }

  /**
   * Queues a waiter behind every waiter already queued; the promise resolves with the port `serve` hands it.
   * The caller has checked that `signal`, if any, is not aborted yet.
   */
  wait(signal: AbortSignal | undefined): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: undefined,
        prev: this.#tail,
        next: undefined,
        queued: true,
      };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          this.#remove(waiter);
          reject(abortedError(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      if (this.#tail === undefined) this.#head = waiter;
      else this.#tail.next = waiter;
      this.#tail = waiter;
      this.#size++;
    });
  }

  /**
   * Hands `port` to the oldest waiter whose signal is not aborted and returns true, or returns false when no such
   * waiter is left. Waiters found aborted on the way (their abort event not yet delivered) are rejected, not served.
   */
  serve(port: number): boolean {
    for (let waiter = this.#head; waiter !== undefined; waiter = this.#head) {
      this.#remove(waiter);
      if (waiter.signal?.aborted === true) {
        waiter.reject(abortedError(waiter.signal));
        continue;
      }
      waiter.resolve(port);
      return true;
    }
    return false;
  }

  /** Empties the queue, rejecting every waiter, oldest first, with `makeError()`. */
  rejectAll(makeError: () => unknown): void {
    for (let waiter = this.#head; waiter !== undefined; waiter = this.#head) {
      this.#remove(waiter);
      waiter.reject(makeError());
    }
  }

  #remove(waiter: Waiter): void {
    if (!waiter.queued) return;
    waiter.queued = false;
    if (waiter.prev === undefined) this.#head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.#tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    this.#size--;
    if (waiter.signal !== undefined && waiter.onAbort !== undefined) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
    }
  }
}
