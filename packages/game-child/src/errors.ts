/**
 * The one error class of this package: a game child failure: bad start options, bind failure, invalid game state.
 * `code` is a stable string (for example 'E_INVALID_ARGUMENT') that callers can switch on;
 * `cause` carries the underlying error, when there is one.
 */
export class GameChildError<Code extends string = string> extends Error {
  /** A stable, machine-readable code such as 'E_INVALID_ARGUMENT'. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GameChildError';
    this.code = code;
  }
}
