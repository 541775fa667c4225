import type { Logger as PinoLogger } from 'pino';
import { findLaunchers, watchLaunchers } from './launcher-watch.js';
import type { ServerHandle } from './server.js';

/**
 * Signals within this time of the first one are the same stop request: a wrapper that passes the terminal's Ctrl-C
 * on (`pnpm exec` turns it into a SIGTERM) makes the server get two signals a few milliseconds apart, which must not
 * count as the impatient "second signal" that kills the games.
 */
export const SIGNAL_COALESCE_MS = 500;

/** What {@link handleShutdown} needs besides the server. */
export interface ShutdownOptions {
  readonly logger: PinoLogger;
  readonly drainTimeoutMs: number;
  /** Ends the process (default: process.exit). */
  readonly exit?: (code: number) => void;
}

/**
 * Installs what stops the server:
 * - the first SIGTERM/SIGINT/SIGHUP drains (`server.close()` with the drain timeout), then exits 0; more signals
 *   within {@link SIGNAL_COALESCE_MS} are ignored (logged at debug), and once that time is over an info line says that
 *   another signal stops at once;
 * - a signal after that SIGKILLs every child and exits 1;
 * - the end of a wrapper the server was started by (`pnpm start`: pnpm dies of SIGTERM or SIGKILL without passing it
 *   on) stops the games at once, without a drain, since nothing supervises the server any more; then exits 0.
 */
export function handleShutdown(server: ServerHandle, options: ShutdownOptions): void {
  const { logger, drainTimeoutMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stoppingSince: number | undefined;
  const stop = (drainMs: number, fields: Record<string, unknown>): void => {
    stoppingSince = performance.now();
    void server.close({ drainMs }).then(() => {
      logger.info(fields, 'server stopped');
      exit(0);
    });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stoppingSince === undefined) {
      logger.info({ signal, drainTimeoutMs }, `${signal}: draining (no new players; running games may finish)`);
      stop(drainTimeoutMs, { signal });
      setTimeout(
        () => logger.info({ signal }, 'send the signal again (Ctrl-C) to stop the games at once'),
        SIGNAL_COALESCE_MS,
      ).unref();
      return;
    }
    if (performance.now() - stoppingSince < SIGNAL_COALESCE_MS) {
      logger.debug(
        { signal },
        `${signal} right after the first signal: the same stop request (a wrapper passing a signal on)`,
      );
      return;
    }
    logger.warn(
      { signal, childPids: server.childPids() },
      `${signal} again: killing the remaining games and exiting now`,
    );
    server.killChildren();
    exit(1);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, onSignal);

  const launchers = findLaunchers();
  if (launchers.length > 0)
    logger.debug({ launchers: launchers.map((l) => l.pid) }, 'watching the wrappers this server was started by');
  watchLaunchers(launchers, (launcher) => {
    if (stoppingSince !== undefined) return; // already stopping
    logger.warn(
      { launcherPid: launcher.pid, launcher: launcher.command },
      'the wrapper this server was started by is gone: stopping the games now',
    );
    stop(0, { launcherPid: launcher.pid });
  });
}
