import { silentLogger, type Logger } from './logger.js';
import { MAX_TIMER_MS, intOption, signalOption } from './validate.js';

/** Options of {@link connect} (every one optional). */
export interface ConnectOptions {
  /** Cancels the connection attempt (E_ABORTED). Not used after `connect` resolved: call `session.close()`. */
  readonly signal?: AbortSignal;
  /** Host to send UDP to instead of the match's (a NAT or test override). */
  readonly host?: string;
  /** Gives up the UDP handshake after this long (default 10,000 ms): E_CONNECT_TIMEOUT. */
  readonly connectTimeoutMs?: number;
  /** First connect-request resend interval, doubled at each resend (default 250 ms). */
  readonly resendInitialMs?: number;
  /** Longest resend interval (default 2,000 ms). */
  readonly resendMaxMs?: number;
  /** The session fails with E_SERVER_TIMEOUT after hearing nothing from the child this long (default 5,000 ms). */
  readonly timeoutMs?: number;
  /**
   * When the child's port refuses what the session sends (ICMP "port unreachable": nothing listens there any more,
   * for example a killed child) at least twice with nothing received since, the session fails with
   * E_SERVER_TIMEOUT after this much silence instead of `timeoutMs` (default 1,000 ms, at most `timeoutMs`). Where
   * ICMP is filtered on the way, no refusal arrives and only `timeoutMs` applies.
   */
  readonly refusedTimeoutMs?: number;
  /** Pings the child this often to measure RTT and keep the slot alive (default 500 ms). */
  readonly pingIntervalMs?: number;
  /**
   * After this much silence, reconnect by itself from a new socket with the same token while it is valid
   * (default: off). Must be below `timeoutMs`, which still bounds the whole silence.
   */
  readonly autoReconnectAfterMs?: number;
  /** How long an event waits for a missing earlier one before the gap is skipped (default 1,000 ms). */
  readonly eventHoldMs?: number;
  /** Where to log (default: silent). */
  readonly logger?: Logger;
}

/** Options with defaults filled in. @internal */
export interface ResolvedConnectOptions {
  readonly signal: AbortSignal | undefined;
  readonly host: string | undefined;
  readonly connectTimeoutMs: number;
  readonly resendInitialMs: number;
  readonly resendMaxMs: number;
  readonly timeoutMs: number;
  readonly refusedTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly autoReconnectAfterMs: number | undefined;
  readonly eventHoldMs: number;
  readonly logger: Logger;
}

/** Validates and fills defaults. Throws ClientError E_INVALID_ARGUMENT naming the bad option. @internal */
export function resolveConnectOptions(options: ConnectOptions): ResolvedConnectOptions {
  const timeoutMs = intOption('timeoutMs', options.timeoutMs, 5000, 1, MAX_TIMER_MS);
  const resendInitialMs = intOption('resendInitialMs', options.resendInitialMs, 250, 1, MAX_TIMER_MS);
  return {
    signal: signalOption(options.signal),
    host: options.host === undefined || options.host === '' ? undefined : options.host,
    connectTimeoutMs: intOption('connectTimeoutMs', options.connectTimeoutMs, 10_000, 1, MAX_TIMER_MS),
    resendInitialMs,
    resendMaxMs: intOption(
      'resendMaxMs',
      options.resendMaxMs,
      Math.max(2000, resendInitialMs),
      resendInitialMs,
      MAX_TIMER_MS,
    ),
    timeoutMs,
    refusedTimeoutMs: intOption('refusedTimeoutMs', options.refusedTimeoutMs, Math.min(1000, timeoutMs), 1, timeoutMs),
    pingIntervalMs: intOption('pingIntervalMs', options.pingIntervalMs, 500, 1, MAX_TIMER_MS),
    autoReconnectAfterMs:
      options.autoReconnectAfterMs === undefined
        ? undefined
        : intOption('autoReconnectAfterMs', options.autoReconnectAfterMs, 0, 1, timeoutMs - 1),
    eventHoldMs: intOption('eventHoldMs', options.eventHoldMs, 1000, 0, MAX_TIMER_MS),
    logger: options.logger ?? silentLogger,
  };
}
