/**
 * Every code an {@link OrchestratorError} can carry, as a constant object (use `OrchestratorErrorCode.InvalidOptions`
 * or the string itself; both are the same value).
 *
 * - `E_INVALID_OPTIONS`: an option of `createOrchestrator` or `ForkSpawner` is out of its domain.
 * - `E_LISTEN_FAILED`: the TCP server could not listen (port taken, bad host...); `cause` is the system error.
 * - `E_ALREADY_LISTENING`: `listen()` was called again after it succeeded or while it is pending.
 * - `E_CLOSED`: `listen()` after `close()`.
 *
 * Failures of a game launch (spawn errors, bind failures, ready timeouts) are not thrown: the players go back to the
 * queue and the `gameLaunchFailed` event reports the reason.
 */
export const OrchestratorErrorCode = {
  InvalidOptions: 'E_INVALID_OPTIONS',
  ListenFailed: 'E_LISTEN_FAILED',
  AlreadyListening: 'E_ALREADY_LISTENING',
  Closed: 'E_CLOSED',
} as const;

/** The union of every string in {@link OrchestratorErrorCode}: what `OrchestratorError#code` can be. */
export type OrchestratorErrorCode = (typeof OrchestratorErrorCode)[keyof typeof OrchestratorErrorCode];

/**
 * The one error class of this package: bad options, or a server that cannot listen.
 * `code` is a stable string from {@link OrchestratorErrorCode} that callers can switch on;
 * `cause` carries the underlying error, when there is one.
 */
export class OrchestratorError<Code extends OrchestratorErrorCode = OrchestratorErrorCode> extends Error {
  /** A stable, machine-readable code such as 'E_INVALID_OPTIONS'. */
  readonly code: Code;

  /** An error with a stable `code`, a human-readable `message`, and the underlying error as `options.cause`. */
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrchestratorError';
    this.code = code;
  }
}
