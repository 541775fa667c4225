/**
 * The logger our packages write to: four levels, each taking a message and then an optional object of fields,
 * `(message, fields?)`. pino's own order is `(fields, message)`, so an app that logs with pino passes a small
 * wrapper that swaps the two (apps/server's `toPackageLogger`). Nothing logs unless a logger is passed in; its
 * methods must not throw.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** A logger that discards everything: the default wherever a {@link Logger} is optional. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
