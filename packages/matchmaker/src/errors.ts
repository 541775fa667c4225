/**
 * Every code a {@link MatchmakerError} can carry, as a constant object (use `MatchmakerErrorCode.UNKNOWN_MODE` or the
 * string itself; both are the same value). The keys are the codes without the `E_` prefix; the PascalCase keys of
 * earlier releases remain as deprecated aliases, so `Object.values` lists a code twice (`new Set` of it does not).
 */
export const MatchmakerErrorCode = {
  /** The options given to `new Matchmaker()` are not an object with a non-empty `modes` object. */
  INVALID_CONFIG: 'E_INVALID_CONFIG',
  /** A mode's `playersPerGame` is not a safe integer >= 1. */
  INVALID_GROUP_SIZE: 'E_INVALID_GROUP_SIZE',
  /** A mode name that was not configured (join, size, takeGroup, requeueFront, waiting...). */
  UNKNOWN_MODE: 'E_UNKNOWN_MODE',
  /**
   * `join` of a player who is already waiting (in any mode), or `requeueFront` of a group with a member who is waiting
   * again.
   */
  ALREADY_QUEUED: 'E_ALREADY_QUEUED',
  /**
   * `requeueFront` of something that cannot be a group of that mode: more members than the mode's `playersPerGame`,
   * the same player twice, or a member whose `arrival` is not a non-negative safe integer.
   */
  INVALID_GROUP: 'E_INVALID_GROUP',
  /** The queue of a mode changed while `waiting(mode)` was being iterated. */
  CONCURRENT_MODIFICATION: 'E_CONCURRENT_MODIFICATION',
  /** @deprecated Use {@link MatchmakerErrorCode.INVALID_CONFIG}. */
  InvalidConfig: 'E_INVALID_CONFIG',
  /** @deprecated Use {@link MatchmakerErrorCode.INVALID_GROUP_SIZE}. */
  InvalidGroupSize: 'E_INVALID_GROUP_SIZE',
  /** @deprecated Use {@link MatchmakerErrorCode.UNKNOWN_MODE}. */
  UnknownMode: 'E_UNKNOWN_MODE',
  /** @deprecated Use {@link MatchmakerErrorCode.ALREADY_QUEUED}. */
  AlreadyQueued: 'E_ALREADY_QUEUED',
  /** @deprecated Use {@link MatchmakerErrorCode.INVALID_GROUP}. */
  InvalidGroup: 'E_INVALID_GROUP',
  /** @deprecated Use {@link MatchmakerErrorCode.CONCURRENT_MODIFICATION}. */
  ConcurrentModification: 'E_CONCURRENT_MODIFICATION',
} as const;

/** The union of every string in {@link MatchmakerErrorCode}: what `MatchmakerError#code` can be. */
export type MatchmakerErrorCode = (typeof MatchmakerErrorCode)[keyof typeof MatchmakerErrorCode];

/**
 * The one error class of this package: misuse of a matchmaking queue (unknown mode, duplicate player, bad group
 * size...). Nothing in this package throws anything else. It is always thrown synchronously, and a failed call never
 * changes the matchmaker: every check runs before any state is touched.
 * `code` is a stable string from {@link MatchmakerErrorCode} that callers can switch on;
 * `cause` carries the underlying error, when there is one.
 */
export class MatchmakerError<Code extends MatchmakerErrorCode = MatchmakerErrorCode> extends Error {
  /** A stable, machine-readable code such as 'E_UNKNOWN_MODE'. */
  readonly code: Code;

  /** An error with a stable `code`, a human-readable `message`, and the underlying error as `options.cause`. */
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MatchmakerError';
    this.code = code;
  }
}

/**
 * True when `value` is a {@link MatchmakerError}, and, if `code` is given, carries that code; false for anything else
 * (a plain `Error`, an object that merely has a `code`, `null`, `undefined`). Never throws. It tests `instanceof`, so
 * an error thrown by another copy of this package (two versions installed side by side) is not recognized.
 */
export function isMatchmakerError<Code extends MatchmakerErrorCode>(
  value: unknown,
  code?: Code,
): value is MatchmakerError<Code> {
  return value instanceof MatchmakerError && (code === undefined || value.code === code);
}
