/**
 * The one error class of this package: a client failure: refused by the server, timed out, aborted, or a protocol error.
 * `code` is a stable string (for example 'E_INVALID_ARGUMENT') that callers can switch on;
 * `cause` carries the underlying error, when there is one.
 */
export class ClientError<Code extends string = string> extends Error {
  /** A stable, machine-readable code such as 'E_INVALID_ARGUMENT'. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientError';
    this.code = code;
  }
}
