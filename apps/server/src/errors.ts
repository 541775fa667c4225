/**
 * Every code a {@link ServerConfigError} or {@link ServerError} can carry. The keys are the codes without the `E_`
 * prefix.
 */
export const ServerErrorCode = {
  /** A setting has a bad value, or two settings contradict each other; the message names it. */
  INVALID_CONFIG: 'E_INVALID_CONFIG',
  /** The config file could not be read or is not a JSON object of known settings. */
  CONFIG_FILE: 'E_CONFIG_FILE',
  /** The command line itself is wrong (unknown flag, missing value). */
  USAGE: 'E_USAGE',
  /** The server could not start (a port taken, the game child entry not found); `cause` says why. */
  START_FAILED: 'E_START_FAILED',
} as const;

/** The union of every string in {@link ServerErrorCode}. */
export type ServerErrorCode = (typeof ServerErrorCode)[keyof typeof ServerErrorCode];

/**
 * The one error class of the server app: a stable string `code` from {@link ServerErrorCode} and, when there is one,
 * the underlying error as `cause`.
 */
export class ServerError<Code extends ServerErrorCode = ServerErrorCode> extends Error {
  /** A stable, machine-readable code such as 'E_INVALID_CONFIG'. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerError';
    this.code = code;
  }
}

/**
 * A configuration that cannot be used. Its message is one line that names the setting as the user gave it
 * (`--udp-ports 7800-7700`, `PROJ_UDP_PORTS=...`, `"udpPorts" in server.json`) and says what is wrong with it.
 * The bin prints it and exits with code 2.
 */
export class ServerConfigError extends ServerError<'E_INVALID_CONFIG' | 'E_CONFIG_FILE' | 'E_USAGE'> {
  /** The setting at fault (its config key, e.g. 'udpPorts'; 'config' for the file itself), when there is one. */
  readonly setting: string | undefined;

  constructor(
    code: 'E_INVALID_CONFIG' | 'E_CONFIG_FILE' | 'E_USAGE',
    message: string,
    options?: { cause?: unknown; setting?: string },
  ) {
    super(code, message, options);
    this.name = 'ServerConfigError';
    this.setting = options?.setting;
  }
}

/**
 * True when `value` is a {@link ServerError} ({@link ServerConfigError} included), and, if `code` is given, carries
 * that code; false for anything else (a plain `Error`, an object that merely has a `code`, `null`, `undefined`).
 * Never throws. It tests `instanceof`, so an error from another copy of this module is not recognized.
 */
export function isServerError<Code extends ServerErrorCode>(value: unknown, code?: Code): value is ServerError<Code> {
  return value instanceof ServerError && (code === undefined || value.code === code);
}
