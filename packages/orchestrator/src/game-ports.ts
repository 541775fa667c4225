import type { PortRing } from '@proj/port-ring';
import type { Emit } from './launched-game.js';
import { PortWatch } from './port-watch.js';

/**
 * Who holds which port of the ring: a port belongs to one game from `take` until it is given back, exactly once,
 * either by `release` (the game's child exited) or by `quarantine` (the child could not bind it); any later call
 * for that game is a no-op. Emits `portAcquired`, `portReleased` and `portQuarantined`. When no port is free,
 * `hasFree()` arranges for `onPortBack` to be called as soon as one comes back (a release or the end of a
 * quarantine).
 */
export class GamePorts {
  readonly #ring: PortRing;
  readonly #emit: Emit;
  readonly #watch: PortWatch;
  readonly #onPortBack: () => void;
  /** gameId -> the port it holds. */
  readonly #held = new Map<string, number>();

  constructor(ring: PortRing, emit: Emit, onPortBack: () => void) {
    this.#ring = ring;
    this.#emit = emit;
    this.#onPortBack = onPortBack;
    this.#watch = new PortWatch(ring, onPortBack);
  }

  /** How many ports are free now. */
  get free(): number {
    return this.#ring.available;
  }

  /** True when a port is free now; otherwise false, and `onPortBack` will be called once one is back. */
  hasFree(): boolean {
    if (this.#ring.available > 0) return true;
    this.#watch.arm();
    return false;
  }

  /**
   * Takes a free port for `gameId` (call only after `hasFree()` returned true).
   * @throws Error when no port is free or the game already holds one (both are bugs of the caller).
   */
  take(gameId: string): number {
    if (this.#held.has(gameId)) throw new Error(`game ${gameId} already holds a port`);
    const port = this.#ring.tryAcquire();
    if (port === undefined) throw new Error('GamePorts.take() without a free port (call hasFree() first)');
    this.#held.set(gameId, port);
    this.#emit('portAcquired', { port, gameId });
    return port;
  }

  /** A new map port -> the id of the game holding it, for every port held now. O(games). */
  holders(): Map<number, string> {
    const holders = new Map<number, string>();
    for (const [gameId, port] of this.#held) holders.set(port, gameId);
    return holders;
  }

  /** True while `gameId` holds its port. */
  holds(gameId: string): boolean {
    return this.#held.has(gameId);
  }

  /** Gives the port of `gameId` back to the ring; a no-op when it holds none (already released or quarantined). */
  release(gameId: string): void {
    const port = this.#held.get(gameId);
    if (port === undefined) return;
    this.#held.delete(gameId);
    // Straight to the free ring, not through the watch: the counts are right when portReleased is emitted.
    const watched = this.#watch.disarm();
    this.#ring.release(port);
    this.#emit('portReleased', { port, gameId });
    if (watched) this.#onPortBack();
  }

  /**
   * Sets the port of `gameId` aside (the ring's quarantine time) because its child could not bind it; a no-op when
   * the game holds none.
   */
  quarantine(gameId: string, errorCode: string): void {
    const port = this.#held.get(gameId);
    if (port === undefined) return;
    this.#held.delete(gameId);
    this.#ring.quarantine(port);
    this.#emit('portQuarantined', { port, gameId, errorCode });
  }

  /** Stops watching for ports (shutdown). Ports still held are still released or quarantined normally. */
  close(): void {
    this.#watch.close();
  }
}
