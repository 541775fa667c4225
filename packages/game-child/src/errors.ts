/**
 * Every code a {@link GameChildError} can carry, as a constant object (use `GameChildErrorCode.BIND_FAILED` or the
 * string itself; both are the same value). The keys are the codes without the `E_` prefix; the PascalCase keys of
 * earlier releases remain as deprecated aliases, so `Object.values` lists a code twice (`new Set` of it does not).
 */
export const GameChildErrorCode = {
  /**
   * An option is out of its domain (tick rate, timeouts, arena options, a slot the game does not have, a reliable
   * event larger than one datagram).
   */
  INVALID_ARGUMENT: 'E_INVALID_ARGUMENT',
  /** The UDP socket could not be bound; `cause` is the socket error (its `code`, e.g. EADDRINUSE). */
  BIND_FAILED: 'E_BIND_FAILED',
  /** The Game plug-in threw from a lifecycle method; `cause` is what it threw. */
  GAME_FAILED: 'E_GAME_FAILED',
  /**
   * A game module cannot be used: the file cannot be imported (`cause`: why), it exports no `createGame` function,
   * or `createGame` threw (`cause`) or returned something that is not a Game.
   */
  GAME_MODULE: 'E_GAME_MODULE',
  /** @deprecated Use {@link GameChildErrorCode.INVALID_ARGUMENT}. */
  InvalidArgument: 'E_INVALID_ARGUMENT',
  /** @deprecated Use {@link GameChildErrorCode.BIND_FAILED}. */
  BindFailed: 'E_BIND_FAILED',
  /** @deprecated Use {@link GameChildErrorCode.GAME_FAILED}. */
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

/**
 * True when `value` is a {@link GameChildError}, and, if `code` is given, carries that code; false for anything else
 * (a plain `Error`, an object that merely has a `code`, `null`, `undefined`). Never throws. It tests `instanceof`, so
 * an error thrown by another copy of this package (two versions installed side by side) is not recognized.
 */
export function isGameChildError<Code extends GameChildErrorCode>(
  value: unknown,
  code?: Code,
): value is GameChildError<Code> {
  return value instanceof GameChildError && (code === undefined || value.code === code);
}
