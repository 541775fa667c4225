import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createRedisQueue } from '@proj/matchmaker-redis';
import type { QueueBackend } from '@proj/orchestrator';
import type { ServerConfig } from './config-schema.js';
import type { PackageLogger } from './logger.js';
import type { SharedQueueMetrics } from './queue-metrics.js';

/** A default instance id: the host's name (cut to fit, allowed characters only) and 6 random hex digits. */
export function defaultInstanceId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._:-]/g, '-')
      .slice(0, 48) || 'host';
  return `${host}-${randomBytes(3).toString('hex')}`;
}

/**
 * The queue shared with other servers through Redis when `--redis-url` is set (undefined otherwise): the configured
 * modes, lease and heartbeats, its operations timed into `metrics`.
 */
export function createSharedQueue(
  config: ServerConfig,
  logger: PackageLogger,
  metrics: SharedQueueMetrics,
): QueueBackend | undefined {
  if (config.redisUrl === undefined) return undefined;
  return createRedisQueue({
    url: config.redisUrl,
    instanceId: config.instanceId ?? defaultInstanceId(),
    modes: Object.fromEntries(config.modes.map((m) => [m.name, { playersPerGame: m.playersPerGame }])),
    keyPrefix: config.redisKeyPrefix,
    leaseMs: config.redisLease,
    heartbeatIntervalMs: config.redisHeartbeat,
    heartbeatTimeoutMs: config.redisHeartbeatTimeout,
    logger,
    hooks: {
      roundTrip: (operation, ms) => metrics.recordRoundTrip(operation, ms),
      claimed: (groups) => metrics.recordClaimed(groups),
      requeued: (players, why) => metrics.recordRequeued(players, why),
      recovered: (result) => {
        metrics.recordRecovered(result);
        if (result.instances > 0 || result.groups > 0) logger.warn('recovered the work of dead servers', result);
      },
    },
  });
}
