/**
 * Every code a {@link PortRingError} can carry, as a constant object (use `PortRingErrorCode.CLOSED` or the string
 * itself; both are the same value). The keys are the codes without the `E_` prefix; the PascalCase keys of earlier
 * releases remain as deprecated aliases, so `Object.values` lists a code twice (`new Set` of it does not).
 */
export const PortRingErrorCode = {
  /** A port given to build a ring is not an integer in 1..65535. */
  INVALID_PORT: 'E_INVALID_PORT',
  /** `fromRange(first, last)` with `first > last`. */
  INVALID_RANGE: 'E_INVALID_RANGE',
  /** The same port appears twice in the list a ring is built from. */
  DUPLICATE_PORT: 'E_DUPLICATE_PORT',
  /** A ring was built from no ports at all. */
  EMPTY: 'E_EMPTY',
  /**
   * An option is out of its domain (a negative or non-numeric quarantine time, a timer that is not a function, a
   * signal that is not an AbortSignal-like object).
   */
  INVALID_ARGUMENT: 'E_INVALID_ARGUMENT',
  /** `release`/`quarantine`/`endQuarantine` of a port this ring does not manage. */
  NOT_IN_RING: 'E_NOT_IN_RING',
  /** `release` or `quarantine` of a port that is free (never acquired, or released twice). */
  ALREADY_FREE: 'E_ALREADY_FREE',
  /** `release` or `quarantine` of a port that is in quarantine (it is no longer the caller's). */
  QUARANTINED: 'E_QUARANTINED',
  /** `endQuarantine` of a port that is not in quarantine. */
  NOT_QUARANTINED: 'E_NOT_QUARANTINED',
  /**
   * The AbortSignal given to `acquire` was aborted before a port was handed over; `cause` is the signal's `reason`.
   */
  ABORTED: 'E_ABORTED',
  /** `acquire`/`tryAcquire` after `close()`, or a waiter still pending when `close()` ran. */
  CLOSED: 'E_CLOSED',
  /** @deprecated Use {@link PortRingErrorCode.INVALID_PORT}. */
  InvalidPort: 'E_INVALID_PORT',
  /** @deprecated Use {@link PortRingErrorCode.INVALID_RANGE}. */
  InvalidRange: 'E_INVALID_RANGE',
  /** @deprecated Use {@link PortRingErrorCode.DUPLICATE_PORT}. */
  DuplicatePort: 'E_DUPLICATE_PORT',
  /** @deprecated Use {@link PortRingErrorCode.EMPTY}. */
  Empty: 'E_EMPTY',
  /** @deprecated Use {@link PortRingErrorCode.INVALID_ARGUMENT}. */
  InvalidArgument: 'E_INVALID_ARGUMENT',
  /** @deprecated Use {@link PortRingErrorCode.NOT_IN_RING}. */
  NotInRing: 'E_NOT_IN_RING',
  /** @deprecated Use {@link PortRingErrorCode.ALREADY_FREE}. */
  AlreadyFree: 'E_ALREADY_FREE',
  /** @deprecated Use {@link PortRingErrorCode.QUARANTINED}. */
  Quarantined: 'E_QUARANTINED',
  /** @deprecated Use {@link PortRingErrorCode.NOT_QUARANTINED}. */
  NotQuarantined: 'E_NOT_QUARANTINED',
  /** @deprecated Use {@link PortRingErrorCode.ABORTED}. */
  Aborted: 'E_ABORTED',
  /** @deprecated Use {@link PortRingErrorCode.CLOSED}. */
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

/**
 * True when `value` is a {@link PortRingError}, and, if `code` is given, carries that code; false for anything else
 * (a plain `Error`, an object that merely has a `code`, `null`, `undefined`). Never throws. It tests `instanceof`, so
 * an error thrown by another copy of this package (two versions installed side by side) is not recognized.
 */
export function isPortRingError<Code extends PortRingErrorCode>(
  value: unknown,
  code?: Code,
): value is PortRingError<Code> {
  return value instanceof PortRingError && (code === undefined || value.code === code);
}
