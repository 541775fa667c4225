import { PortRingError } from './errors.js';
import {
  type AcquireOptions,
  type PortRingOptions,
  type QuarantineOptions,
  checkQuarantineMs,
  isAbortSignalLike,
  resolveOptions,
} from './options.js';
import { type PortTable, slotOf, tableFromList, tableFromRange } from './port-list.js';
import { FREE, IN_USE, QUARANTINED, type PortState, stateName } from './port-state.js';
import type { QuarantineTimers } from './timers.js';
import { Waiters, abortedError } from './waiters.js';

function closedError(what: string): PortRingError<'E_CLOSED'> {
  return new PortRingError('E_CLOSED', `${what}: the port ring is closed`);
}

/**
 * A fixed-capacity ring queue of ports, the orchestrator's pool of N ports for child game processes.
 *
 * Every port of the ring is always in exactly one state ({@link PortState}): free, in use or quarantined, so
 * `available + inUse + quarantined === capacity` at every moment, and a port is never handed out twice before it
 * comes back. Free ports are handed out first in, first out (the port released longest ago goes first), and
 * `tryAcquire`/`release` are O(1) and allocate nothing. Callers that must wait for a port use `acquire()`, a
 * promise served in FIFO order among waiters and cancellable with an AbortSignal; a released port goes straight to
 * the oldest waiter, so a waiter is never overtaken.
 *
 * Misuse throws a {@link PortRingError} and leaves the ring unchanged: releasing a port the ring does not manage,
 * releasing one that is free (double release) or quarantined.
 *
 * Build one with {@link PortRing.fromRange} or {@link PortRing.fromList}.
 */
export class PortRing {
  readonly #table: PortTable;
  /** `#state[slot]` is FREE, IN_USE or QUARANTINED. */
  readonly #state: Uint8Array;
  /** The free slots, a circular buffer of `capacity` entries starting at `#head`, `#freeCount` long. */
  readonly #free: Uint16Array;
  #head = 0;
  #freeCount: number;
  #inUse = 0;
  #quarantined = 0;
  /** Bumped at every quarantine of a slot, so a stale timer (one a custom clock failed to clear) is ignored. */
  readonly #quarantineToken: Uint32Array;
  readonly #timerHandles: unknown[];
  readonly #waiters = new Waiters();
  readonly #timers: QuarantineTimers;
  readonly #quarantineMs: number;
  #closed = false;

  private constructor(table: PortTable, options: PortRingOptions | undefined) {
    const { quarantineMs, timers } = resolveOptions(options);
    this.#quarantineMs = quarantineMs;
    this.#timers = timers;
    this.#table = table;
    const capacity = table.ports.length;
    this.#state = new Uint8Array(capacity);
    this.#free = new Uint16Array(capacity);
    for (let slot = 0; slot < capacity; slot++) this.#free[slot] = slot;
    this.#freeCount = capacity;
    this.#quarantineToken = new Uint32Array(capacity);
    this.#timerHandles = new Array<unknown>(capacity).fill(undefined);
  }

  /**
   * A ring of the ports `first..last`, both included, handed out in ascending order at first.
   * @throws PortRingError `E_INVALID_PORT` when a bound is not an integer in 1..65535, `E_INVALID_RANGE` when
   *   `first > last`, `E_INVALID_ARGUMENT` for bad options.
   */
  static fromRange(first: number, last: number, options?: PortRingOptions): PortRing {
    return new PortRing(tableFromRange(first, last), options);
  }

  /**
   * A ring of the given ports, handed out in the given order at first.
   * @throws PortRingError `E_INVALID_PORT` for an entry that is not an integer in 1..65535, `E_DUPLICATE_PORT` for a
   *   port listed twice, `E_EMPTY` for no ports, `E_INVALID_ARGUMENT` for bad options.
   */
  static fromList(ports: Iterable<number>, options?: PortRingOptions): PortRing {
    return new PortRing(tableFromList(ports), options);
  }

  /** How many ports the ring manages; fixed for its lifetime. */
  get capacity(): number {
    return this.#free.length;
  }

  /** How many ports are free right now (`tryAcquire` succeeds iff this is above 0). */
  get available(): number {
    return this.#freeCount;
  }

  /** How many ports are handed out and not yet released or quarantined. */
  get inUse(): number {
    return this.#inUse;
  }

  /** How many ports are set aside in quarantine. */
  get quarantined(): number {
    return this.#quarantined;
  }

  /** How many `acquire()` calls are waiting for a port (always 0 while `available > 0`). */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** True once `close()` ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Takes the next free port, in O(1) and without allocating, or returns undefined when none is free (it never
   * waits; use `acquire` for that). The port is in use until `release` or `quarantine`.
   * @throws PortRingError `E_CLOSED` after `close()`.
   */
  tryAcquire(): number | undefined {
    if (this.#closed) throw closedError('tryAcquire()');
    if (this.#freeCount === 0) return undefined;
    const slot = this.#free[this.#head]!;
    this.#head = this.#head + 1 === this.#free.length ? 0 : this.#head + 1;
    this.#freeCount--;
    this.#state[slot] = IN_USE;
    this.#inUse++;
    return this.#table.ports[slot]!;
  }

  /**
   * Resolves with a port, at once when one is free, otherwise when one comes back (release or end of a
   * quarantine). Waiters are served strictly in call order. The port is in use from the moment it is handed
   * over, even before the promise's callbacks run, until `release` or `quarantine`.
   *
   * Rejects (never throws) with PortRingError `E_ABORTED` (cause: the signal's reason) when `options.signal` is
   * already aborted or aborts while waiting, in which case no port is taken; `E_CLOSED` when the ring is closed or
   * closes while waiting; `E_INVALID_ARGUMENT` when `options.signal` is not an AbortSignal.
   */
  acquire(options?: AcquireOptions): Promise<number> {
    const signal = options?.signal;
    if (this.#closed) return Promise.reject(closedError('acquire()'));
    if (signal !== undefined && !isAbortSignalLike(signal)) {
      return Promise.reject(new PortRingError('E_INVALID_ARGUMENT', 'options.signal must be an AbortSignal'));
    }
    if (signal?.aborted === true) return Promise.reject(abortedError(signal));
    const port = this.tryAcquire();
    if (port !== undefined) return Promise.resolve(port);
    return this.#waiters.wait(signal);
  }

  /**
   * Gives back a port taken with `tryAcquire`/`acquire`: it goes to the oldest waiter if there is one, otherwise
   * to the back of the free ring. O(1); allocates nothing when nobody waits. Allowed after `close()`.
   * @throws PortRingError `E_NOT_IN_RING` for a port this ring does not manage, `E_ALREADY_FREE` for a free port
   *   (a double release), `E_QUARANTINED` for a port in quarantine (it was given up by `quarantine`).
   */
  release(port: number): void {
    const slot = this.#slotOfOwnPort(port, 'release');
    this.#inUse--;
    this.#state[slot] = FREE;
    this.#giveBack(slot);
  }

  /**
   * Sets aside a port that is in use, typically one a child process failed to bind because another program holds
   * it: it stops being in use, is not free either, and after `options.ms` (default: the ring's `quarantineMs`)
   * returns to the oldest waiter or the free ring, as a release would. The timer is unref'ed by default, so it never
   * keeps a process alive. After `close()`, the port goes straight back to the free ring.
   * @throws PortRingError `E_NOT_IN_RING`, `E_ALREADY_FREE` or `E_QUARANTINED` as `release` does, and
   *   `E_INVALID_ARGUMENT` for an `ms` outside 0..2147483647 that is not `Infinity`.
   */
  quarantine(port: number, options?: QuarantineOptions): void {
    const slot = this.#slotOfOwnPort(port, 'quarantine');
    const ms = options?.ms === undefined ? this.#quarantineMs : checkQuarantineMs(options.ms, 'options.ms');
    this.#inUse--;
    if (this.#closed) {
      this.#state[slot] = FREE;
      this.#giveBack(slot);
      return;
    }
    this.#state[slot] = QUARANTINED;
    this.#quarantined++;
    const token = ++this.#quarantineToken[slot]!;
    if (ms === Number.POSITIVE_INFINITY) return;
    const handle = this.#timers.setTimeout(() => {
      if (this.#state[slot] !== QUARANTINED || this.#quarantineToken[slot] !== token) return;
      this.#timerHandles[slot] = undefined; // it fired: nothing to clear
      this.#endQuarantine(slot);
    }, ms);
    // A custom clock may have run the callback synchronously; then there is nothing left to clear.
    if (this.#state[slot] === QUARANTINED && this.#quarantineToken[slot] === token) this.#timerHandles[slot] = handle;
  }

  /**
   * Ends the quarantine of `port` now: it goes to the oldest waiter or the free ring, and its timer is cleared.
   * @throws PortRingError `E_NOT_IN_RING` for a port this ring does not manage, `E_NOT_QUARANTINED` for a port
   *   that is not in quarantine.
   */
  endQuarantine(port: number): void {
    const slot = slotOf(this.#table, port);
    if (slot < 0) throw new PortRingError('E_NOT_IN_RING', `endQuarantine(${String(port)}): not a port of this ring`);
    if (this.#state[slot] !== QUARANTINED) {
      throw new PortRingError('E_NOT_QUARANTINED', `endQuarantine(${port}): the port is not in quarantine`);
    }
    this.#endQuarantine(slot);
  }

  /** Ends every quarantine now, in port-list order, as `endQuarantine` does; returns how many ended. */
  endAllQuarantines(): number {
    let ended = 0;
    for (let slot = 0; slot < this.#state.length; slot++) {
      if (this.#state[slot] === QUARANTINED) {
        this.#endQuarantine(slot);
        ended++;
      }
    }
    return ended;
  }

  /** True when `port` is one of the ring's ports (whatever its state). */
  has(port: number): boolean {
    return slotOf(this.#table, port) >= 0;
  }

  /** The state of `port` ({@link PortState}), or undefined when it is not one of the ring's ports. */
  stateOf(port: number): PortState | undefined {
    const slot = slotOf(this.#table, port);
    return slot < 0 ? undefined : stateName(this.#state[slot]!);
  }

  /** The ports in use (the ones that are out), in port-list order. A new array each call. */
  portsInUse(): number[] {
    return this.#portsIn(IN_USE);
  }

  /** The ports in quarantine, in port-list order. A new array each call. */
  quarantinedPorts(): number[] {
    return this.#portsIn(QUARANTINED);
  }

  /** The free ports, in the order they will be handed out. A new array each call. */
  freePorts(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#freeCount; i++) {
      out.push(this.#table.ports[this.#free[(this.#head + i) % this.#free.length]!]!);
    }
    return out;
  }

  /**
   * Closes the ring: pending `acquire()` promises reject with `E_CLOSED`, quarantine timers are cleared and
   * quarantined ports return to the free ring, and later `tryAcquire`/`acquire` fail with `E_CLOSED`.
   * Ports in use stay in use; `release` and `quarantine` keep working so owners can still give them back.
   * Idempotent; never throws.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiters.rejectAll(() => closedError('acquire()'));
    this.endAllQuarantines();
  }

  /** The slot of a port that must be in use, for `release` and `quarantine`. */
  #slotOfOwnPort(port: number, method: string): number {
    const slot = slotOf(this.#table, port);
    if (slot < 0) throw new PortRingError('E_NOT_IN_RING', `${method}(${String(port)}): not a port of this ring`);
    const state = this.#state[slot];
    if (state === FREE) {
      throw new PortRingError(
        'E_ALREADY_FREE',
        `${method}(${port}): the port is free (never acquired, or released twice)`,
      );
    }
    if (state === QUARANTINED) {
      throw new PortRingError('E_QUARANTINED', `${method}(${port}): the port is in quarantine, no longer in use`);
    }
    return slot;
  }

  #endQuarantine(slot: number): void {
    const handle = this.#timerHandles[slot];
    if (handle !== undefined) {
      this.#timerHandles[slot] = undefined;
      this.#timers.clearTimeout(handle);
    }
    this.#quarantined--;
    this.#state[slot] = FREE;
    this.#giveBack(slot);
  }

  /** Hands a slot whose state is FREE to the oldest live waiter, or puts it at the back of the free ring. */
  #giveBack(slot: number): void {
    if (this.#waiters.size > 0 && this.#waiters.serve(this.#table.ports[slot]!)) {
      this.#state[slot] = IN_USE;
      this.#inUse++;
      return;
    }
    const capacity = this.#free.length;
    const tail = this.#head + this.#freeCount;
    this.#free[tail >= capacity ? tail - capacity : tail] = slot;
    this.#freeCount++;
  }

  #portsIn(state: number): number[] {
    const out: number[] = [];
    for (let slot = 0; slot < this.#state.length; slot++) {
      if (this.#state[slot] === state) out.push(this.#table.ports[slot]!);
    }
    return out;
  }
}
