/**
 * Every code a {@link GameChildError} can carry, as a constant object (use `GameChildErrorCode.BindFailed` or the
 * string itself; both are the same value).
 *
 * - `E_INVALID_ARGUMENT`: an option is out of its domain (tick rate, timeouts, arena options, a slot the game does
 *   not have, a reliable event larger than one datagram).
 * - `E_BIND_FAILED`: the UDP socket could not be bound; `cause` is the socket error (its `code`, e.g. EADDRINUSE).
 * - `E_GAME_FAILED`: the Game plug-in threw from a lifecycle method; `cause` is what it threw.
 */
export const GameChildErrorCode = {
  InvalidArgument: 'E_INVALID_ARGUMENT',
  BindFailed: 'E_BIND_FAILED',
  GameFailed: 'E_GAME_FAILED',
} as const;

/** The union of every string in {@link GameChildErrorCode}: what `GameChildError#code` can be. */
export type GameChildErrorCode = (typeof GameChildErrorCode)[keyof typeof GameChildErrorCode];

/**
 * The one error class of this package: a game child failure: bad start options, bind failure, invalid game state.
 * `code` is a stable string from {@link GameChildErrorCode} that callers can switch on;
 * `cause` carries the underlying error, when there is one.
 */
export class GameChildError<Code extends GameChildErrorCode = GameChildErrorCode> extends Error {
  /** A stable, machine-readable code such as 'E_INVALID_ARGUMENT'. */
  readonly code: Code;

  /** An error with a stable `code`, a human-readable `message`, and the underlying error as `options.cause`. */
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GameChildError';
    this.code = code;
  }
}
