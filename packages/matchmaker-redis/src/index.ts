// The public API of @proj/matchmaker-redis. Each export is documented where it is declared.
export { RedisQueueError, RedisQueueErrorCode, isRedisQueueError } from './errors.js';
export { silentLogger, type Logger } from './logger.js';
export type { RedisQueueHooks, RedisQueueOptions } from './options.js';
export { RedisQueueBackend, createRedisQueue } from './redis-queue-backend.js';
