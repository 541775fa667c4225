import { Redis } from 'ioredis';
import { scriptSource, SCRIPTS, type ScriptName } from './lua.js';
import type { ResolvedOptions } from './options.js';

/** The three connections of a backend: commands and scripts, the blocking inbox read, the pub/sub subscriber. */
export type ConnectionRole = 'command' | 'blocking' | 'subscriber';

/** Reconnect delays: 100 ms, doubling, at most 2 s; ioredis never gives up. */
export function reconnectDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, Math.min(attempt - 1, 10)), 2000);
}

/**
 * A lazy ioredis connection for one role. Commands never wait for a connection (no offline queue, no retry, no
 * resend after a reconnect: an operation whose connection broke rejects at once, and is never applied twice); the
 * command connection also times commands out after `connectTimeoutMs` and has every script defined.
 */
export function createConnection(options: ResolvedOptions, role: ConnectionRole): Redis {
  const redis = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    connectTimeout: options.connectTimeoutMs,
    ...(role === 'command' ? { commandTimeout: options.connectTimeoutMs } : {}),
    retryStrategy: reconnectDelay,
    connectionName: `mm:${options.instanceId}:${role}`,
    keepAlive: 10_000,
  });
  if (role === 'command') {
    for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
      redis.defineCommand(name, { numberOfKeys: 0, lua: scriptSource(name) });
    }
  }
  return redis;
}

/** Runs a script defined by {@link createConnection}: the key prefix first, then `args`. */
export function runScript(
  redis: Redis,
  name: ScriptName,
  prefix: string,
  args: readonly (string | number)[],
): Promise<unknown> {
  const script = (redis as unknown as Record<ScriptName, (...a: (string | number)[]) => Promise<unknown>>)[name];
  return script.call(redis, prefix, ...args);
}
