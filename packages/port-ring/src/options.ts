import { PortRingError } from './errors.js';
import { MAX_TIMER_MS, type QuarantineTimers, unrefTimers } from './timers.js';

/** Options of `PortRing.fromRange` and `PortRing.fromList`. */
export interface PortRingOptions {
  /**
   * How long `quarantine(port)` sets a port aside when the call gives no `ms`, in milliseconds: a number in
   * 0..2147483647, or `Infinity` for "until `endQuarantine`". Default 30000.
   */
  readonly quarantineMs?: number;
  /** The timers that end quarantines. Default: the global ones, unref'ed (`unrefTimers`). */
  readonly timers?: QuarantineTimers;
}

/** Options of `PortRing#acquire`. */
export interface AcquireOptions {
  /** Gives up waiting when aborted: the promise rejects with `E_ABORTED` and no port is consumed. */
  readonly signal?: AbortSignal;
}

/** Options of `PortRing#quarantine`. */
export interface QuarantineOptions {
  /** How long to set the port aside, in ms (0..2147483647, or `Infinity`). Default: the ring's `quarantineMs`. */
  readonly ms?: number;
}

/** The default of `PortRingOptions.quarantineMs`. */
export const DEFAULT_QUARANTINE_MS = 30_000;

/**
 * `ms` when it is a valid quarantine length.
 * @throws PortRingError `E_INVALID_ARGUMENT` otherwise.
 */
export function checkQuarantineMs(ms: unknown, what: string): number {
  if (typeof ms !== 'number' || !(ms === Number.POSITIVE_INFINITY || (ms >= 0 && ms <= MAX_TIMER_MS))) {
    throw new PortRingError(
      'E_INVALID_ARGUMENT',
      `${what} must be a number of ms in 0..${MAX_TIMER_MS} or Infinity, got ${String(ms)}`,
    );
  }
  return ms;
}

/**
 * The validated options of a ring, defaults applied.
 * @throws PortRingError `E_INVALID_ARGUMENT` for a bad `quarantineMs` or `timers`.
 */
export function resolveOptions(options: PortRingOptions | undefined): Required<PortRingOptions> {
  const timers = options?.timers ?? unrefTimers;
  if (
    typeof timers !== 'object' ||
    timers === null ||
    typeof timers.setTimeout !== 'function' ||
    typeof timers.clearTimeout !== 'function'
  ) {
    throw new PortRingError('E_INVALID_ARGUMENT', 'options.timers needs setTimeout and clearTimeout functions');
  }
  return {
    quarantineMs: checkQuarantineMs(options?.quarantineMs ?? DEFAULT_QUARANTINE_MS, 'options.quarantineMs'),
    timers,
  };
}

/** True when `signal` looks like an AbortSignal (what `acquire` needs from it). */
export function isAbortSignalLike(signal: unknown): signal is AbortSignal {
  return (
    typeof signal === 'object' &&
    signal !== null &&
    typeof (signal as AbortSignal).addEventListener === 'function' &&
    typeof (signal as AbortSignal).removeEventListener === 'function' &&
    typeof (signal as AbortSignal).aborted === 'boolean'
  );
}
