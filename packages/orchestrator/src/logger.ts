/**
 * The logger the orchestrator writes to: four levels, each taking a message and an optional object of fields
 * (pino's `(obj, msg)` order is not assumed; adapt with a one-line wrapper). Every method must not throw.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** A logger that discards everything: the default of every option that takes a {@link Logger}. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
