/**
 * The one error class of this package: a wire-format error: a frame, packet or token that could not be encoded or decoded.
 * `code` is a stable string (for example 'E_INVALID_ARGUMENT') that callers can switch on;
 * `cause` carries the underlying error, when there is one.
 */
export class ProtocolError<Code extends string = string> extends Error {
  /** A stable, machine-readable code such as 'E_INVALID_ARGUMENT'. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtocolError';
    this.code = code;
  }
}
