import type { ServerConfig, SettingKey } from './config-schema.js';
import { countPorts } from './config-values.js';
import { ServerConfigError } from './errors.js';

/** Every setting parsed on its own; the derived ones (no embedded default, not given) are undefined. */
export type ParsedSettings = { readonly [K in SettingKey]: ServerConfig[K] | undefined };

/** What validation knows about where each setting came from. */
export interface SettingOrigins {
  /**
   * Names a setting as the user gave it, for messages: `--udp-ports 7800-7700`, `PROJ_PORT=x`, `"port": 1 in f.json`.
   */
  label(key: SettingKey): string;
  /** True when the setting was not given and holds its embedded default. */
  isDefault(key: SettingKey): boolean;
}

/** The warm pool's buffer when neither it nor --warm-pool is given: half the games running, plus waiting groups. */
export const DEFAULT_WARM_POOL_BUFFER = '50%';
/** The warm pool's ceiling when not given (raised to --warm-pool, shrunk to the cap). */
export const DEFAULT_WARM_POOL_MAX = 8;

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

function sameListenAddress(a: string, b: string): boolean {
  return a === b || WILDCARD_HOSTS.has(a) || WILDCARD_HOSTS.has(b);
}

function need<K extends SettingKey>(parsed: ParsedSettings, key: K): NonNullable<ServerConfig[K]> {
  const value = parsed[key];
  // Only the derived settings may be missing; the others always have an embedded default.
  if (value === undefined || value === null) throw new Error(`internal: setting ${key} has no value`);
  return value;
}

function fail(label: string, reason: string, setting: SettingKey): never {
  throw new ServerConfigError('E_INVALID_CONFIG', `invalid config: ${label}: ${reason}`, { setting });
}

/**
 * Checks the settings against each other and fills in the derived defaults: the cap on games (the number of UDP
 * ports), the default mode (the first one); an embedded default warm pool above the cap shrinks to the cap; the
 * warm pool's buffer ({@link DEFAULT_WARM_POOL_BUFFER}, or 0 when `warmPool` alone is given: a plain number keeps
 * meaning a fixed pool) and ceiling ({@link DEFAULT_WARM_POOL_MAX}, at least `warmPool`, at most the cap).
 * @throws ServerConfigError `E_INVALID_CONFIG` naming the setting at fault: a cap above the number of UDP ports, a
 *   warm pool (or its ceiling) above the cap, a ceiling below the warm pool, a default mode that is not one of the
 *   modes, the admin port equal to the TCP port.
 */
export function validateConfig(parsed: ParsedSettings, origins: SettingOrigins): ServerConfig {
  const label = (key: SettingKey): string => origins.label(key);
  const udpPorts = need(parsed, 'udpPorts');
  const portCount = countPorts(udpPorts);
  const maxGames = parsed.maxGames ?? portCount;
  if (maxGames > portCount) {
    fail(
      label('maxGames'),
      `the cap is above the number of UDP ports (${portCount}, from ${label('udpPorts')})`,
      'maxGames',
    );
  }
  let warmPool = need(parsed, 'warmPool');
  if (warmPool > maxGames && origins.isDefault('warmPool')) warmPool = maxGames;
  if (warmPool > maxGames) {
    fail(label('warmPool'), `the warm pool is above the cap on concurrent games (${maxGames})`, 'warmPool');
  }
  const warmPoolBuffer = parsed.warmPoolBuffer ?? (origins.isDefault('warmPool') ? DEFAULT_WARM_POOL_BUFFER : 0);
  const warmPoolMax = parsed.warmPoolMax ?? Math.min(maxGames, Math.max(warmPool, DEFAULT_WARM_POOL_MAX));
  if (warmPoolMax > maxGames) {
    fail(
      label('warmPoolMax'),
      `the warm pool's ceiling is above the cap on concurrent games (${maxGames})`,
      'warmPoolMax',
    );
  }
  if (warmPoolMax < warmPool) {
    fail(label('warmPoolMax'), `the warm pool's ceiling is below the warm pool (${warmPool})`, 'warmPoolMax');
  }
  const modes = need(parsed, 'modes');
  const defaultMode = parsed.defaultMode ?? modes[0]!.name;
  if (!modes.some((m) => m.name === defaultMode)) {
    fail(
      label('defaultMode'),
      `unknown mode '${defaultMode}' (the modes are ${modes.map((m) => m.name).join(', ')})`,
      'defaultMode',
    );
  }
  const host = need(parsed, 'host');
  const port = need(parsed, 'port');
  const adminHost = need(parsed, 'adminHost');
  const adminPort = need(parsed, 'adminPort');
  if (port !== 0 && adminPort === port && sameListenAddress(host, adminHost)) {
    fail(label('adminPort'), `the admin listener cannot share the players' TCP port (${label('port')})`, 'adminPort');
  }
  const redisUrl = parsed.redisUrl;
  const readyTimeout = need(parsed, 'readyTimeout');
  const redisLease = need(parsed, 'redisLease');
  const redisHeartbeat = need(parsed, 'redisHeartbeat');
  const redisHeartbeatTimeout = need(parsed, 'redisHeartbeatTimeout');
  if (redisUrl !== undefined) {
    if (redisLease <= readyTimeout) {
      fail(
        label('redisLease'),
        `a claim must outlast a game's start (${label('readyTimeout')}, ${readyTimeout} ms)`,
        'redisLease',
      );
    }
    if (redisHeartbeatTimeout < 2 * redisHeartbeat) {
      fail(
        label('redisHeartbeatTimeout'),
        `must be at least twice ${label('redisHeartbeat')} (${redisHeartbeat} ms)`,
        'redisHeartbeatTimeout',
      );
    }
  }
  return {
    host,
    port,
    udpPorts,
    udpBindHost: parsed.udpBindHost,
    advertisedHost: parsed.advertisedHost,
    maxGames,
    modes,
    defaultMode,
    game: parsed.game,
    warmPool,
    warmPoolBuffer,
    warmPoolMax,
    warmPoolRefillRate: need(parsed, 'warmPoolRefillRate'),
    warmPoolShrinkDelay: need(parsed, 'warmPoolShrinkDelay'),
    drainTimeout: need(parsed, 'drainTimeout'),
    shutdownGrace: need(parsed, 'shutdownGrace'),
    readyTimeout,
    helloTimeout: need(parsed, 'helloTimeout'),
    queuedIdleTimeout: need(parsed, 'queuedIdleTimeout'),
    keepAlive: need(parsed, 'keepAlive'),
    maxGameDuration: need(parsed, 'maxGameDuration'),
    childSilenceTimeout: need(parsed, 'childSilenceTimeout'),
    tokenTtl: need(parsed, 'tokenTtl'),
    quarantine: need(parsed, 'quarantine'),
    maxConnections: need(parsed, 'maxConnections'),
    maxConnectionsPerIp: need(parsed, 'maxConnectionsPerIp'),
    maxQueuedPerIp: need(parsed, 'maxQueuedPerIp'),
    noShowLimit: need(parsed, 'noShowLimit'),
    noShowWindow: need(parsed, 'noShowWindow'),
    noShowBackoff: need(parsed, 'noShowBackoff'),
    maxFrameBytes: need(parsed, 'maxFrameBytes'),
    messagesPerSecond: need(parsed, 'messagesPerSecond'),
    messageBurst: need(parsed, 'messageBurst'),
    pingsPerSecond: need(parsed, 'pingsPerSecond'),
    pingBurst: need(parsed, 'pingBurst'),
    beforeHelloPerSecond: need(parsed, 'beforeHelloPerSecond'),
    beforeHelloBurst: need(parsed, 'beforeHelloBurst'),
    rateLimitPenalty: need(parsed, 'rateLimitPenalty'),
    adminHost,
    adminPort,
    adminToken: parsed.adminToken,
    logLevel: need(parsed, 'logLevel'),
    logFormat: need(parsed, 'logFormat'),
    logSummaryInterval: need(parsed, 'logSummaryInterval'),
    childOutput: need(parsed, 'childOutput'),
    spawner: need(parsed, 'spawner'),
    childNice: need(parsed, 'childNice'),
    maxConcurrentStarts: parsed.maxConcurrentStarts,
    admissionCpuThreshold: need(parsed, 'admissionCpuThreshold'),
    admissionMaxTickLate: need(parsed, 'admissionMaxTickLate'),
    redisUrl,
    instanceId: parsed.instanceId,
    redisKeyPrefix: need(parsed, 'redisKeyPrefix'),
    redisLease,
    redisHeartbeat,
    redisHeartbeatTimeout,
  };
}
