/**
 * Every code a {@link MatchmakerError} can carry, as a constant object (use `MatchmakerErrorCode.UnknownMode` or
 * the string itself; both are the same value).
 *
 * - `E_INVALID_CONFIG`: the options given to `new Matchmaker()` are not an object with a non-empty `modes` object.
 * - `E_INVALID_GROUP_SIZE`: a mode's `playersPerGame` is not a safe integer >= 1.
 * - `E_UNKNOWN_MODE`: a mode name that was not configured (join, size, takeGroup, requeueFront, waiting...).
 * - `E_ALREADY_QUEUED`: `join` of a player who is already waiting (in any mode), or `requeueFront` of a group with a
 *   member who is waiting again.
 * - `E_INVALID_GROUP`: `requeueFront` of something that cannot be a group of that mode: more members than the mode's
 *   `playersPerGame`, the same player twice, or a member whose `arrival` is not a non-negative safe integer.
 * - `E_CONCURRENT_MODIFICATION`: the queue of a mode changed while `waiting(mode)` was being iterated.
 */
export const MatchmakerErrorCode = {
  InvalidConfig: 'E_INVALID_CONFIG',
  InvalidGroupSize: 'E_INVALID_GROUP_SIZE',
  UnknownMode: 'E_UNKNOWN_MODE',
  AlreadyQueued: 'E_ALREADY_QUEUED',
  InvalidGroup: 'E_INVALID_GROUP',
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
