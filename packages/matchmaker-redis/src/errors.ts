/**
 * Every code a {@link RedisQueueError} can carry, as a constant object (use `RedisQueueErrorCode.UNAVAILABLE` or the
 * string itself; both are the same value). The keys are the codes without the `E_` prefix.
 */
export const RedisQueueErrorCode = {
  /** The options given to `new RedisQueueBackend()` are invalid (bad URL, instance id, modes, timings...). */
  INVALID_OPTIONS: 'E_INVALID_OPTIONS',
  /**
   * An argument of an operation is out of bounds: an empty or oversized ticket id, name or payload (more than
   * 256 bytes for ids and names, 64 KiB for a payload), a `maxGroups` that is not an integer in 1..100, a confirm
   * without a payload for a member.
   */
  INVALID_ARGUMENT: 'E_INVALID_ARGUMENT',
  /**
   * Redis cannot be reached now (not connected yet, connection lost, command timed out) or a command failed on the
   * connection. The operation may or may not have been applied when the connection broke while it was in flight.
   */
  UNAVAILABLE: 'E_UNAVAILABLE',
  /** At the first start: another live orchestrator (heartbeat fresher than `heartbeatTimeoutMs`) uses this id. */
  INSTANCE_IN_USE: 'E_INSTANCE_IN_USE',
  /** A mode is configured with another `playersPerGame` by an orchestrator registered in the same queue. */
  MODES_MISMATCH: 'E_MODES_MISMATCH',
  /** `join` or `restore` of a ticket whose mode this orchestrator was not configured with. */
  UNKNOWN_MODE: 'E_UNKNOWN_MODE',
  /** `join` of a ticket id the queue holds already (waiting, claimed, or matched less than 120 s ago). */
  ALREADY_QUEUED: 'E_ALREADY_QUEUED',
  /**
   * This orchestrator is not registered in the queue (it was declared dead after missed heartbeats and has not
   * registered again yet): `join`, `restore` and `claim` are refused until it has.
   */
  NOT_REGISTERED: 'E_NOT_REGISTERED',
  /** `start` called twice, or an operation before `start`. */
  NOT_STARTED: 'E_NOT_STARTED',
  /** An operation after `close`. */
  CLOSED: 'E_CLOSED',
} as const;

/** The union of every string in {@link RedisQueueErrorCode}: what `RedisQueueError#code` can be. */
export type RedisQueueErrorCode = (typeof RedisQueueErrorCode)[keyof typeof RedisQueueErrorCode];

/**
 * The one error class of this package. Every rejection of a {@link RedisQueueBackend} operation and every error
 * passed to `handlers.fatal` is one. `code` is a stable string from {@link RedisQueueErrorCode} that callers can
 * switch on; `cause` carries the underlying error (e.g. ioredis' connection error), when there is one.
 */
export class RedisQueueError<Code extends RedisQueueErrorCode = RedisQueueErrorCode> extends Error {
  /** A stable, machine-readable code such as 'E_UNAVAILABLE'. */
  readonly code: Code;

  /** An error with a stable `code`, a human-readable `message`, and the underlying error as `options.cause`. */
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisQueueError';
    this.code = code;
  }
}

/**
 * True when `value` is a {@link RedisQueueError}, and, if `code` is given, carries that code; false for anything
 * else. Never throws. It tests `instanceof`, so an error of another copy of this package is not recognized.
 */
export function isRedisQueueError<Code extends RedisQueueErrorCode>(
  value: unknown,
  code?: Code,
): value is RedisQueueError<Code> {
  return value instanceof RedisQueueError && (code === undefined || value.code === code);
}
