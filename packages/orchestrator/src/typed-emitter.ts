import type { Logger } from './logger.js';

/** A map from event name to the payload its listeners receive. */
export type EventMap = object;

/** A listener of event `E` of map `M`. */
export type Listener<M extends EventMap, E extends keyof M> = (payload: M[E]) => void;

/**
 * A small typed event emitter: one payload object per event, listeners called synchronously in the order they were
 * added. A listener that throws is logged and skipped, never propagated, so a faulty metrics hook cannot break the
 * bookkeeping (port release, requeue) of the code that emitted the event.
 */
export class TypedEmitter<M extends EventMap> {
  readonly #listeners = new Map<keyof M, Set<(payload: never) => void>>();
  readonly #logger: Logger;

  /** An emitter without listeners; `logger` gets an error entry for each listener that throws. */
  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Adds `listener` for `event`; returns a function that removes it. Adding the same function twice is a no-op. */
  on<E extends keyof M>(event: E, listener: Listener<M, E>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Like `on`, but the listener is removed before its first call. */
  once<E extends keyof M>(event: E, listener: Listener<M, E>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  /** Removes `listener` from `event`; does nothing when it is not there. */
  off<E extends keyof M>(event: E, listener: Listener<M, E>): void {
    this.#listeners.get(event)?.delete(listener);
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof M): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener of `event` with `payload`. Never throws. */
  protected emit<E extends keyof M>(event: E, payload: M[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined || set.size === 0) return;
    // Iterating the live Set is safe: a listener removed meanwhile is skipped, none is called twice.
    for (const listener of set) {
      try {
        (listener as Listener<M, E>)(payload);
      } catch (error) {
        this.#logger.error('event listener threw', { event: String(event), error });
      }
    }
  }

  /** True when `event` has at least one listener: lets callers skip building a payload nobody reads. */
  protected hasListeners(event: keyof M): boolean {
    const set = this.#listeners.get(event);
    return set !== undefined && set.size > 0;
  }
}
