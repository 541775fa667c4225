/**
 * Every code a {@link TestUtilsError} can carry.
 *
 * - `E_WAIT_TIMEOUT`: `waitUntil` (or a wait built on it) gave up: the condition did not hold in time.
 * - `E_PROCESS_TIMEOUT`: `runProcess` killed a process that did not exit in time.
 * - `E_SERVER_EXITED`: a server process ended before what a test waited for (its output is in the message).
 * - `E_REDIS_MISSING`: `redis-server` is not on the PATH (install it: `apt-get install redis-server`).
 */
export const TestUtilsErrorCode = {
  WaitTimeout: 'E_WAIT_TIMEOUT',
  ProcessTimeout: 'E_PROCESS_TIMEOUT',
  ServerExited: 'E_SERVER_EXITED',
  RedisMissing: 'E_REDIS_MISSING',
} as const;

/** The union of every string in {@link TestUtilsErrorCode}. */
export type TestUtilsErrorCode = (typeof TestUtilsErrorCode)[keyof typeof TestUtilsErrorCode];

/** The one error class of the test helpers: a wait that gave up, a process that hung or died early. */
export class TestUtilsError extends Error {
  /** A stable code such as 'E_WAIT_TIMEOUT'. */
  readonly code: TestUtilsErrorCode;

  /** An error with `code`, a message that says what was waited for, and optionally the underlying `cause`. */
  constructor(code: TestUtilsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TestUtilsError';
    this.code = code;
  }
}
