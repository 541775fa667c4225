/**
 * Every code a {@link PortRingError} can carry, as a constant object (use `PortRingErrorCode.Closed` or the
 * string itself; both are the same value).
 *
 * - `E_INVALID_PORT`: a port given to build a ring is not an integer in 1..65535.
 * - `E_INVALID_RANGE`: `fromRange(first, last)` with `first > last`.
 * - `E_DUPLICATE_PORT`: the same port appears twice in the list a ring is built from.
 * - `E_EMPTY`: a ring was built from no ports at all.
 * - `E_INVALID_ARGUMENT`: an option is out of its domain (a negative or non-numeric quarantine time, a timer
 *   that is not a function, a signal that is not an AbortSignal-like object).
 * - `E_NOT_IN_RING`: `release`/`quarantine`/`endQuarantine` of a port this ring does not manage.
 * - `E_ALREADY_FREE`: `release` or `quarantine` of a port that is free (never acquired, or released twice).
 * - `E_QUARANTINED`: `release` or `quarantine` of a port that is in quarantine (it is no longer the caller's).
 * - `E_NOT_QUARANTINED`: `endQuarantine` of a port that is not in quarantine.
 * - `E_ABORTED`: the AbortSignal given to `acquire` was aborted before a port was handed over; `cause` is the
 *   signal's `reason`.
 * - `E_CLOSED`: `acquire`/`tryAcquire` after `close()`, or a waiter still pending when `close()` ran.
 */
export const PortRingErrorCode = {
  InvalidPort: 'E_INVALID_PORT',
  InvalidRange: 'E_INVALID_RANGE',
  DuplicatePort: 'E_DUPLICATE_PORT',
  Empty: 'E_EMPTY',
  InvalidArgument: 'E_INVALID_ARGUMENT',
  NotInRing: 'E_NOT_IN_RING',
  AlreadyFree: 'E_ALREADY_FREE',
  Quarantined: 'E_QUARANTINED',
  NotQuarantined: 'E_NOT_QUARANTINED',
  Aborted: 'E_ABORTED',
  Closed: 'E_CLOSED',
} as const;

/** The union of every string in {@link PortRingErrorCode}: what `PortRingError#code` can be. */
export type PortRingErrorCode = (typeof PortRingErrorCode)[keyof typeof PortRingErrorCode];

/**
 * The one error class of this package: misuse of a port ring (releasing a port that is not out, an empty range,
 * an aborted wait...). It is thrown synchronously by the synchronous methods and is the rejection reason of
 * `acquire()`; nothing in this package throws or rejects with anything else.
 * `code` is a stable string from {@link PortRingErrorCode} that callers can switch on;
 * `cause` carries the underlying error or abort reason, when there is one.
 * A failed call never changes the ring: every check runs before any state is touched.
 */
export class PortRingError<Code extends PortRingErrorCode = PortRingErrorCode> extends Error {
  /** A stable, machine-readable code such as 'E_ALREADY_FREE'. */
  readonly code: Code;

  /** An error with `code`, a human-readable `message` and optionally the underlying `cause`. */
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PortRingError';
    this.code = code;
  }
}
