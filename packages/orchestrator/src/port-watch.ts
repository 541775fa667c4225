import type { PortRing } from '@proj/port-ring';

/**
 * Tells its owner when a port comes back to a ring that had none free: a release, or the end of a quarantine, which
 * the ring does not announce otherwise. It registers one `acquire()` waiter and uses it only as a notification: the
 * port it is handed goes straight back, then `onPortBack` runs. Only the orchestrator takes ports from its ring, so
 * nobody can take that port in between.
 */
export class PortWatch {
  readonly #ring: PortRing;
  readonly #onPortBack: () => void;
  #wait: AbortController | undefined;
  #closed = false;

  constructor(ring: PortRing, onPortBack: () => void) {
    this.#ring = ring;
    this.#onPortBack = onPortBack;
  }

  /** Starts watching, unless already watching or closed. */
  arm(): void {
    if (this.#wait !== undefined || this.#closed) return;
    const controller = new AbortController();
    this.#wait = controller;
    this.#ring.acquire({ signal: controller.signal }).then(
      (port) => {
        if (this.#wait === controller) this.#wait = undefined;
        this.#ring.release(port);
        if (!this.#closed) this.#onPortBack();
      },
      () => {
        if (this.#wait === controller) this.#wait = undefined;
      },
    );
  }

  /**
   * Stops the current watch (if any) without closing: returns true when one was armed. The owner calls it before it
   * releases a port itself, so that the port goes straight to the free ring instead of passing through the watch
   * (where, until a microtask later, it would count as in use), and then calls `onPortBack` itself.
   */
  disarm(): boolean {
    const wait = this.#wait;
    if (wait === undefined) return false;
    this.#wait = undefined;
    wait.abort();
    return true;
  }

  /** Stops watching for good. */
  close(): void {
    this.#closed = true;
    this.#wait?.abort();
    this.#wait = undefined;
  }
}
