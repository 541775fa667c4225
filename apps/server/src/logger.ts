import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import { build as prettyStream } from 'pino-pretty';
import type { Logger } from '@proj/orchestrator';
import type { LogFormat, LogLevel } from './config-schema.js';

/**
 * The logger interface our packages take (`@proj/orchestrator`, `@proj/game-child`: one definition, theirs): a
 * message first, then an optional object of fields. pino's own order is `(fields, message)`, hence
 * {@link toPackageLogger}.
 */
export type PackageLogger = Logger;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where to write (default: stdout, synchronously, so nothing is lost when the process exits). */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
  /** Whether the output is a terminal, for format 'auto' and colors (default: `process.stdout.isTTY`). */
  readonly isTty?: boolean;
}

/** The format 'auto' stands for: pretty on a terminal, JSON otherwise. */
export function resolveLogFormat(format: LogFormat, isTty: boolean): 'pretty' | 'json' {
  return format === 'auto' ? (isTty ? 'pretty' : 'json') : format;
}

/**
 * Creates the server's pino logger: JSON lines (with `time`, `level` as a number, `pid`, `hostname`, `name`, `msg` and
 * the event's fields), or human-readable lines through pino-pretty (colored on a terminal). Both write synchronously:
 * log volume is per game and per player, not per packet, and a crash must not lose its last lines.
 */
export function createLogger(options: LoggerOptions): PinoLogger {
  const isTty = options.isTty ?? process.stdout.isTTY === true;
  const format = resolveLogFormat(options.format, isTty);
  // Our packages pass errors under `error` (pino only serializes `err` by default): both keep message, code and stack.
  const base = {
    level: options.level,
    name: 'proj-server',
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  if (format === 'pretty') {
    const stream = prettyStream({
      colorize: isTty,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      singleLine: true,
      ignore: 'pid,hostname,name',
      destination: options.destination ?? 1,
    });
    return pino(base, stream);
  }
  return pino(base, options.destination ?? pino.destination({ dest: 1, sync: true }));
}

/**
 * Adapts a pino logger to the `(message, fields)` {@link PackageLogger} our packages take. A `pid` field (our packages
 * use it for a child process) becomes `childPid`, so that it never clashes with pino's own `pid`, the server's.
 * Never throws.
 */
export function toPackageLogger(logger: PinoLogger): PackageLogger {
  const wrap =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      try {
        if (fields === undefined) logger[level](message);
        else if ('pid' in fields) {
          const { pid, ...rest } = fields;
          logger[level]({ ...rest, childPid: pid }, message);
        } else logger[level](fields, message);
      } catch {
        // A logger must never take the server down.
      }
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
