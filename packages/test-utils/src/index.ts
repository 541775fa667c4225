// @proj/test-utils: one home for the helpers several packages' tests share. Private, never published: only
// tests, benches and examples may import it (scripts/check-deps.mjs enforces that), and only as a devDependency.
// Every export is documented where it is defined.

export { TestUtilsError, TestUtilsErrorCode } from './errors.js';

// Waiting, time
export { DEFAULT_WAIT_MS, waitUntil, type WaitOptions, type WakeEmitter, type WakeSource } from './wait-until.js';
export { ManualClock } from './manual-clock.js';
export { flushPromises } from './flush-promises.js';

// The repository, ports, environments, processes
export { REPO_ROOT, SOURCE_ARGS } from './repo.js';
export { freeTcpPort, freeUdpPort, freeUdpPortRange, freeUdpPorts } from './free-ports.js';
export { cleanEnv } from './clean-env.js';
export { HAS_PROC, descendants, isAlive } from './process-tree.js';
export { runProcess, type RunOptions, type RunResult } from './run-process.js';

// The server (apps/server) as a separate process
export {
  SERVER_BIN,
  SERVER_SOURCE,
  ServerProcess,
  destroyAll,
  startServer,
  stopAll,
  type GameListing,
  type LogLine,
  type ProcessExit,
  type ServerOptions,
} from './server-process.js';

// A real Redis for the queue backend's tests
export {
  findRedisServer,
  startRedisServer,
  stopAllRedis,
  type RedisServer,
  type RedisServerOptions,
} from './redis-server.js';
