/**
 * Every code an {@link OrchestratorError} can carry, as a constant object (use `OrchestratorErrorCode.INVALID_OPTIONS`
 * or the string itself; both are the same value). The keys are the codes without the `E_` prefix; the PascalCase keys
 * of earlier releases remain as deprecated aliases, so `Object.values` lists a code twice (`new Set` of it does not).
 *
 * Failures of a game launch (spawn errors, bind failures, ready timeouts) are not thrown: the players go back to the
 * queue and the `gameLaunchFailed` event reports the reason.
 */
export const OrchestratorErrorCode = {
  /** An option of `createOrchestrator` or `ForkSpawner` is out of its domain. */
  INVALID_OPTIONS: 'E_INVALID_OPTIONS',
  /** The TCP server could not listen (port taken, bad host...); `cause` is the system error. */
  LISTEN_FAILED: 'E_LISTEN_FAILED',
  /** `listen()` was called again after it succeeded or while it is pending. */
  ALREADY_LISTENING: 'E_ALREADY_LISTENING',
  /** `listen()` after `close()`. */
  CLOSED: 'E_CLOSED',
  /**
   * The shared queue's backend could not start (another orchestrator uses the instance id, modes differ...), or
   * (`queueHosts`) its store could not be read.
   */
  QUEUE_BACKEND: 'E_QUEUE_BACKEND',
  /** `endGame`: no game starting or running has that id (it never existed, or it already ended). */
  GAME_NOT_FOUND: 'E_GAME_NOT_FOUND',
  /** `endGame`: the game is still starting (its child is not ready yet); retry in a moment. */
  GAME_NOT_RUNNING: 'E_GAME_NOT_RUNNING',
  /** An argument of a method is out of its domain (e.g. `endGame`'s reason or grace period). */
  INVALID_ARGUMENT: 'E_INVALID_ARGUMENT',
  /** @deprecated Use {@link OrchestratorErrorCode.INVALID_OPTIONS}. */
  InvalidOptions: 'E_INVALID_OPTIONS',
  /** @deprecated Use {@link OrchestratorErrorCode.LISTEN_FAILED}. */
  ListenFailed: 'E_LISTEN_FAILED',
  /** @deprecated Use {@link OrchestratorErrorCode.ALREADY_LISTENING}. */
  AlreadyListening: 'E_ALREADY_LISTENING',
  /** @deprecated Use {@link OrchestratorErrorCode.CLOSED}. */
  Closed: 'E_CLOSED',
} as const;

/** The union of every string in {@link OrchestratorErrorCode}: what `OrchestratorError#code` can be. */
export type OrchestratorErrorCode = (typeof OrchestratorErrorCode)[keyof typeof OrchestratorErrorCode];

/**
 * The one error class of this package: bad options or arguments, a server that cannot listen, a shared queue that
 * cannot be reached, a game that cannot be ended.
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

/**
 * True when `value` is an {@link OrchestratorError}, and, if `code` is given, carries that code; false for anything
 * else (a plain `Error`, an object that merely has a `code`, `null`, `undefined`). Never throws. It tests `instanceof`,
 * so an error thrown by another copy of this package (two versions installed side by side) is not recognized.
 */
export function isOrchestratorError<Code extends OrchestratorErrorCode>(
  value: unknown,
  code?: Code,
): value is OrchestratorError<Code> {
  return value instanceof OrchestratorError && (code === undefined || value.code === code);
}
