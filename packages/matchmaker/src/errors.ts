/**
 * The one error class of this package: misuse of a matchmaking queue: unknown mode, duplicate player, bad group size.
 * `code` is a stable string (for example 'E_INVALID_ARGUMENT') that callers can switch on;
 * `cause` carries the underlying error, when there is one.
 */
export class MatchmakerError<Code extends string = string> extends Error {
  /** A stable, machine-readable code such as 'E_INVALID_ARGUMENT'. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MatchmakerError';
    this.code = code;
  }
}
