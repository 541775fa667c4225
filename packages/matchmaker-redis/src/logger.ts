/**
 * Where the backend writes what happens (reconnects, re-registrations, recoveries). The same shape as
 * `@proj/protocol`'s `Logger` (which this package may not import), so a pino logger or the orchestrator's logger
 * fits as is.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** A logger that discards everything: the default when no `logger` option is given. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
