import { RedisQueueError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';

/** Metric hooks of a {@link RedisQueueOptions}: all optional, called synchronously, must not throw. */
export interface RedisQueueHooks {
  /**
   * Every script or command call, with its round trip in ms (also a failed one): `operation` is one of 'join',
   * 'leave', 'claim', 'confirm', 'requeue', 'positions', 'restore', 'heartbeat', 'register', 'recover', 'sizes',
   * 'inbox', 'close'.
   */
  roundTrip?(operation: string, ms: number): void;
  /** A `claim` took `groups` groups (called only when at least one). */
  claimed?(groups: number): void;
  /**
   * `tickets` tickets went back to the queue at their old place: 'failed' by `requeue`, 'incomplete' by a confirm
   * that found members missing, 'lease' by a lease that ended, 'deadInstance' by the recovery of a dead claimer.
   */
  requeued?(tickets: number, why: 'failed' | 'incomplete' | 'lease' | 'deadInstance'): void;
  /**
   * A recovery run (of this orchestrator) removed dead orchestrators: `instances` fully removed, `groups` of theirs
   * requeued, `tickets` of theirs (waiting, or claimed by another orchestrator) removed. Called when any is > 0.
   */
  recovered?(result: { instances: number; groups: number; tickets: number }): void;
}

/** The options of a {@link RedisQueueBackend}. */
export interface RedisQueueOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). A single Redis server: no Cluster. */
  url: string;
  /** This orchestrator's id in the shared queue: 1..64 characters of `[A-Za-z0-9._:-]`, unique among hosts. */
  instanceId: string;
  /**
   * The modes this orchestrator serves, with their group size (a safe integer 1..1000). Every orchestrator sharing
   * the queue must give a mode they have in common the same `playersPerGame`. Mode names: 1..64 UTF-8 bytes, no
   * control characters.
   */
  modes: Readonly<Record<string, { readonly playersPerGame: number }>>;
  /** Every key (and the pub/sub channel) starts with it: 1..128 bytes. Default 'proj:mm:'. */
  keyPrefix?: string;
  /** A claimed group goes back to the queue this long after the claim unless confirmed. Default 15000. */
  leaseMs?: number;
  /** How often this orchestrator heartbeats and runs the recovery. Default 1000. */
  heartbeatIntervalMs?: number;
  /** An orchestrator not heard from this long is dead: must be > 2 x heartbeatIntervalMs. Default 5000. */
  heartbeatTimeoutMs?: number;
  /**
   * How long `start` waits for the first connection, and how long a command may take before it fails with
   * E_UNAVAILABLE (and the connection is reset). Default 2000.
   */
  connectTimeoutMs?: number;
  /** Default: silent. */
  logger?: Logger;
  /** Metric hooks. */
  hooks?: RedisQueueHooks;
}

/** Options with every default applied, validated. */
export interface ResolvedOptions {
  readonly url: string;
  readonly instanceId: string;
  /** [mode, K] pairs, in the order given. */
  readonly modes: ReadonlyMap<string, number>;
  readonly keyPrefix: string;
  readonly leaseMs: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
  readonly hooks: RedisQueueHooks;
}

const INSTANCE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Bounds on ids and names sent to Redis: what the protocol allows, with a margin. */
export const MAX_STRING_BYTES = 256;
/** Bound on one confirm payload (a match-found is about 1 KB). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_TIMER_MS = 2_147_483_647;

function invalid(message: string): RedisQueueError {
  return new RedisQueueError('E_INVALID_OPTIONS', message);
}

function duration(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw invalid(`${name} must be an integer in ${min}..${MAX_TIMER_MS} ms, got ${String(value)}`);
  }
  return value;
}

function checkUrl(url: unknown): string {
  if (typeof url !== 'string' || url.length > 2048) throw invalid('url must be a redis:// URL string');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new RedisQueueError('E_INVALID_OPTIONS', `url is not a URL: ${JSON.stringify(url)}`, { cause });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw invalid(`url must start with redis:// or rediss://, got ${parsed.protocol}`);
  }
  if (parsed.hostname === '') throw invalid('url has no host');
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,5}$/.test(db)) throw invalid(`url path must be a database number, got /${db}`);
  if (parsed.search !== '' || parsed.hash !== '') throw invalid('url must not have a query or a fragment');
  return url;
}

/** Validates `options` and applies the defaults; throws a {@link RedisQueueError} E_INVALID_OPTIONS. */
export function resolveOptions(options: RedisQueueOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  const url = checkUrl(options.url);
  if (typeof options.instanceId !== 'string' || !INSTANCE_ID.test(options.instanceId)) {
    throw invalid(`instanceId must be 1..64 characters of [A-Za-z0-9._:-], got ${JSON.stringify(options.instanceId)}`);
  }
  if (typeof options.modes !== 'object' || options.modes === null) throw invalid('modes must be an object');
  const modes = new Map<string, number>();
  for (const [mode, config] of Object.entries(options.modes)) {
    if (Buffer.byteLength(mode) > 64 || mode === '' || CONTROL.test(mode)) {
      throw invalid(`mode names must be 1..64 bytes without control characters, got ${JSON.stringify(mode)}`);
    }
    const k = (config as { playersPerGame?: unknown } | undefined)?.playersPerGame;
    if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 1 || k > 1000) {
      throw invalid(`modes.${mode}.playersPerGame must be an integer in 1..1000, got ${String(k)}`);
    }
    modes.set(mode, k);
  }
  if (modes.size === 0) throw invalid('modes must hold at least one mode');
  const keyPrefix = options.keyPrefix ?? 'proj:mm:';
  if (typeof keyPrefix !== 'string' || keyPrefix === '' || Buffer.byteLength(keyPrefix) > 128) {
    throw invalid('keyPrefix must be a string of 1..128 bytes');
  }
  const heartbeatIntervalMs = duration(options.heartbeatIntervalMs, 'heartbeatIntervalMs', 1000, 10);
  const heartbeatTimeoutMs = duration(options.heartbeatTimeoutMs, 'heartbeatTimeoutMs', 5000, 10);
  if (heartbeatTimeoutMs <= 2 * heartbeatIntervalMs) {
    throw invalid(
      `heartbeatTimeoutMs (${heartbeatTimeoutMs}) must be more than 2 x heartbeatIntervalMs (${heartbeatIntervalMs})`,
    );
  }
  const logger = options.logger ?? silentLogger;
  const hooks = options.hooks ?? {};
  if (typeof logger !== 'object' || logger === null) throw invalid('logger must be an object');
  if (typeof hooks !== 'object' || hooks === null) throw invalid('hooks must be an object');
  return {
    url,
    instanceId: options.instanceId,
    modes,
    keyPrefix,
    leaseMs: duration(options.leaseMs, 'leaseMs', 15_000, 1),
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    connectTimeoutMs: duration(options.connectTimeoutMs, 'connectTimeoutMs', 2000, 1),
    logger,
    hooks,
  };
}
