/**
 * The logger this package writes to: four levels, each taking a message and optional structured fields.
 * Compatible with console-like objects (pino takes `(fields, message)`: adapt it with a one-line wrapper).
 * Nothing in this package logs unless a logger is passed in; its methods must not throw.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** A logger that drops everything: the default wherever a logger is optional. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
