import { isAbsolute } from 'node:path';
import type { QueueBackend } from '@proj/matchmaker';
import { PortRing } from '@proj/port-ring';
import { defaultMaxConcurrentStarts } from './admission.js';
import type { ChildSpawner } from './child-process.js';
import { OrchestratorError } from './errors.js';
import { type Logger, silentLogger } from './logger.js';
import { MAX_TIMER_MS, integerOption } from './option-values.js';
import { NO_SHOW_DEFAULTS, type NoShowOptions, type NoShowPolicy, resolveNoShowPolicy } from './no-show-options.js';
import type { MessageLimits } from './message-budget.js';
import type { RateLimit } from './token-bucket.js';
import { WARM_POOL_DEFAULTS, type WarmPoolOptions, resolveWarmPoolPolicy } from './warm-pool-options.js';
import type { WarmPoolPolicy } from './warm-pool-policy.js';

/** One game mode. */
export interface ModeOptions {
  /** How many players one game takes (K): an integer in 1..255. */
  readonly playersPerGame: number;
  /** Game-specific options passed untouched to every child of this mode (`GameAssignment.options`). */
  readonly gameOptions?: Readonly<Record<string, unknown>>;
  /**
   * The game's module for every child of this mode (`GameAssignment.gameModule`): an absolute file path of an ES
   * module exporting `createGame(assignment)` (see @proj/game-child). Absent: the child's own game. The orchestrator
   * only passes it on; whoever configures it checks that it loads.
   */
  readonly gameModule?: string;
}

/**
 * Options of {@link createOrchestrator}. Only `spawner` and `ports` are required. The warm pool's (`warmPoolSize`,
 * `warmPoolBuffer`, `warmPoolMax`, `warmPoolRefillRate`, `warmPoolShrinkDelayMs`) are documented on
 * {@link WarmPoolOptions}, the no-show limits (`maxQueuedPerIp`, `noShowLimit`, `noShowWindowMs`, `noShowBackoffMs`)
 * on {@link NoShowOptions}.
 */
export interface OrchestratorOptions extends WarmPoolOptions, NoShowOptions {
  /** Starts child game processes: a {@link ForkSpawner} of the game child's entry, or your own. Required. */
  readonly spawner: ChildSpawner;
  /**
   * A FIFO queue shared with other orchestrators (e.g. `@proj/matchmaker-redis`), configured with the same modes.
   * Default: none, the in-memory queue of this process. With one, the orchestrator starts it in `listen()` (which
   * rejects `E_QUEUE_BACKEND` on a fatal conflict), claims groups of any host's players when it has room, and
   * closes it in `close()`; hellos get QUEUE_UNAVAILABLE while its store is out of reach.
   */
  readonly queueBackend?: QueueBackend;
  /** The UDP ports of the games: an inclusive range or a list. Their number N caps concurrent games. Required. */
  readonly ports: { readonly first: number; readonly last: number } | readonly number[];
  /** TCP address to listen on. Default '127.0.0.1'. */
  readonly host?: string;
  /** TCP port to listen on; 0 picks a free one (see `listen()`'s result). Default 0. */
  readonly port?: number;
  /**
   * The host players are told to send UDP to, in match-found. Default: `host`, or '' (meaning "the host you reached
   * over TCP") when `host` is a wildcard address ('0.0.0.0', '::').
   */
  readonly advertisedHost?: string;
  /** The address children bind their UDP sockets on. Default: `host`. */
  readonly udpBindHost?: string;
  /** The game modes. Default `{ default: { playersPerGame: 2 } }`. */
  readonly modes?: Readonly<Record<string, ModeOptions>>;
  /** The mode of a hello that names none. Default: the first key of `modes`. */
  readonly defaultMode?: string;
  /** A cap on concurrent games below the number of ports. Default: the number of ports. */
  readonly maxConcurrentGames?: number;
  /** How long a port whose bind failed is set aside. Default 30000. */
  readonly quarantineMs?: number;
  /** A connection must complete its hello within this time, or it is closed (HELLO_TIMEOUT). Default 5000. */
  readonly helloTimeoutMs?: number;
  /**
   * A queued client that sends nothing (pings included) for this long is closed (IDLE_TIMEOUT). 0 disables it and
   * relies on TCP keepalive alone. Default 0.
   */
  readonly queuedIdleTimeoutMs?: number;
  /** TCP keepalive probe delay on client sockets; 0 disables keepalive. Default 15000. */
  readonly keepAliveMs?: number;
  /**
   * A child must report its UDP socket bound within this time (a warm child: say idle), or it is killed. Default 10000.
   */
  readonly readyTimeoutMs?: number;
  /**
   * Child liveness: a game's child (starting or running, also lingering after its game over) that sends nothing
   * over IPC for longer than this is SIGKILLed (a frozen or SIGSTOPped process ignores SIGTERM), its port goes back
   * to the ring, and `childUnresponsive` is emitted; a starting one is a failed launch (`unresponsive`: its players
   * are requeued at the front). Children send something at least every second from their `start` (see
   * `IPC_HEARTBEAT_INTERVAL_MS` of `@proj/protocol`); a warm child waiting in the pool is not watched, nor a cold
   * one before its first message (`readyTimeoutMs` bounds its boot). 0 disables the check (for a custom child that
   * does not heartbeat). Default 3000 (under the client SDK's 5 s silence timeout: a running game's players are told
   * the game is over before they give up by themselves).
   */
  readonly childSilenceTimeoutMs?: number;
  /** A game running longer is told to stop, then killed after `shutdownGraceMs`; 0: no limit. Default 3600000. */
  readonly maxGameDurationMs?: number;
  /**
   * How long a child told to shut down has before SIGKILL. Its `shutdown` message says a little less (a fifth less,
   * at most 250 ms less), leaving it time to exit by itself after lingering. Default 5000.
   */
  readonly shutdownGraceMs?: number;
  /** Lifetime of connect tokens, from the launch of the game. Default 30000. */
  readonly tokenTtlMs?: number;
  /** Largest TCP frame accepted from a client (declared length). Default 1024. */
  readonly maxFrameBytes?: number;
  /** Most client connections held at once; more are refused with SERVER_FULL. Default 10000. */
  readonly maxConnections?: number;
  /** Most client connections from one IP address; more are refused with TOO_MANY_FROM_IP. Default 64. */
  readonly maxConnectionsPerIp?: number;
  /** A client whose unsent output exceeds this is closed as a slow reader. Default 65536. */
  readonly maxWriteBufferBytes?: number;
  /**
   * Position updates (`queued` frames to players whose place changed) are batched: at most one batch every this
   * many ms; 0 sends them on the next turn of the event loop. A batch costs one write per player whose position
   * changed, so with long queues a short interval costs CPU. The first `queued` of a player is always sent at once.
   * Default 250.
   */
  readonly queueUpdateIntervalMs?: number;
  /**
   * Admission: at most this many cold starts at once (games launched on a fresh process, not ready yet; a warm
   * child's start is not counted: it costs a bind). Players wait queued meanwhile. Default: the host's CPU count
   * (`os.availableParallelism()`), since a cold start keeps about one core busy for 100-150 ms.
   */
  readonly maxConcurrentStarts?: number;
  /**
   * Admission: no game is launched while the host's CPU utilisation (all cores, sampled from `os.cpus()` every
   * 500 ms and smoothed) is at or above this fraction; players wait queued until it drops. 0 or 1 disables the
   * check. With no game starting or running one game is always admitted. Default 0.9.
   */
  readonly admissionCpuThreshold?: number;
  /**
   * Admission: no game is launched while a running game's tick lateness p99 (reported by its child every second)
   * is over this many tick periods: the host does not keep up with the games it has. 0 disables the check.
   * Default 1.
   */
  readonly admissionMaxTickLate?: number;
  /** TCP listen backlog. Default 2048. */
  readonly backlog?: number;
  /**
   * Rate limit of every frame a client sends (a token bucket per connection: this refill per second, up to
   * `messageBurst` at once). A client over it is sent RATE_LIMITED and closed. 0 disables the limit. Default 10.
   */
  readonly messagesPerSecond?: number;
  /** Burst of the all-frames limit (`messagesPerSecond`): an integer >= 1. Default 20. */
  readonly messageBurst?: number;
  /**
   * Rate limit of a client's pings (each also counts against `messagesPerSecond`). The client SDK pings every 5 s.
   * 0 disables the limit. Default 2.
   */
  readonly pingsPerSecond?: number;
  /** Burst of the ping limit (`pingsPerSecond`): an integer >= 1. Default 10. */
  readonly pingBurst?: number;
  /**
   * The tighter budget of a connection that has not said hello yet: frames per second before hello (the hello
   * included), on top of the other limits. 0 disables it. Default 1.
   */
  readonly beforeHelloPerSecond?: number;
  /** Burst of the before-hello budget (`beforeHelloPerSecond`): an integer >= 1. Default 8. */
  readonly beforeHelloBurst?: number;
  /**
   * After a client was closed for RATE_LIMITED, new connections from its address are refused (RATE_LIMITED) for
   * this long, so that a flooder that reconnects at once costs an accept and a close, not a client. 0 disables it.
   * Default 10000.
   */
  readonly rateLimitPenaltyMs?: number;
  /** Where to log. Default: nowhere. */
  readonly logger?: Logger;
}

/** The options with defaults applied, validated. */
export interface ResolvedOptions {
  readonly spawner: ChildSpawner;
  readonly queueBackend: QueueBackend | undefined;
  readonly ring: PortRing;
  readonly host: string;
  readonly port: number;
  readonly advertisedHost: string;
  readonly udpBindHost: string;
  readonly modes: ReadonlyMap<string, ModeOptions>;
  readonly defaultMode: string;
  readonly maxGames: number;
  readonly warmPool: WarmPoolPolicy;
  readonly noShows: NoShowPolicy;
  readonly helloTimeoutMs: number;
  readonly queuedIdleTimeoutMs: number;
  readonly keepAliveMs: number;
  readonly readyTimeoutMs: number;
  readonly maxGameDurationMs: number;
  readonly childSilenceTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly tokenTtlMs: number;
  readonly maxFrameBytes: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  readonly maxWriteBufferBytes: number;
  readonly queueUpdateIntervalMs: number;
  readonly maxConcurrentStarts: number;
  readonly admissionCpuThreshold: number;
  readonly admissionMaxTickLate: number;
  readonly backlog: number;
  readonly messageLimits: MessageLimits;
  readonly rateLimitPenaltyMs: number;
  readonly logger: Logger;
}

/** Default values of the optional {@link OrchestratorOptions}. */
export const ORCHESTRATOR_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  ...WARM_POOL_DEFAULTS,
  ...NO_SHOW_DEFAULTS,
  quarantineMs: 30_000,
  helloTimeoutMs: 5_000,
  queuedIdleTimeoutMs: 0,
  keepAliveMs: 15_000,
  readyTimeoutMs: 10_000,
  maxGameDurationMs: 3_600_000,
  childSilenceTimeoutMs: 3_000,
  shutdownGraceMs: 5_000,
  tokenTtlMs: 30_000,
  maxFrameBytes: 1_024,
  maxConnections: 10_000,
  maxConnectionsPerIp: 64,
  maxWriteBufferBytes: 65_536,
  queueUpdateIntervalMs: 250,
  admissionCpuThreshold: 0,
  admissionMaxTickLate: 1,
  backlog: 2_048,
  drainMs: 30_000,
  messagesPerSecond: 10,
  messageBurst: 20,
  pingsPerSecond: 2,
  pingBurst: 10,
  beforeHelloPerSecond: 1,
  beforeHelloBurst: 8,
  rateLimitPenaltyMs: 10_000,
} as const;

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

function invalid(message: string, cause?: unknown): never {
  throw new OrchestratorError(
    'E_INVALID_OPTIONS',
    `invalid orchestrator options: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

function int(value: unknown, name: string, fallback: number, min: number, max: number): number {
  const v = integerOption(value, name, fallback, min, max);
  if (typeof v === 'string') invalid(v);
  return v;
}

function fraction(value: unknown, name: string, fallback: number, max: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max)
    invalid(`${name} must be a number in 0..${max}, got ${String(value)}`);
  return v;
}

/** A rate limit option pair, validated: undefined (not enforced) when the rate is 0. */
function rateLimit(
  o: OrchestratorOptions,
  rate: 'messagesPerSecond' | 'pingsPerSecond' | 'beforeHelloPerSecond',
  burst: 'messageBurst' | 'pingBurst' | 'beforeHelloBurst',
): RateLimit | undefined {
  const perSecond = fraction(o[rate], rate, ORCHESTRATOR_DEFAULTS[rate], 1_000_000);
  const tokens = int(o[burst], burst, ORCHESTRATOR_DEFAULTS[burst], 1, 1_000_000);
  return perSecond === 0 ? undefined : { perSecond, burst: tokens };
}

/** Control characters and lone surrogates: what the wire format refuses in its identifier fields. */
const NOT_IDENTIFIER = /[\p{Cc}\p{Surrogate}]/u;

function host(value: unknown, name: string, fallback: string, allowEmpty = false): string {
  const v = value ?? fallback;
  if (
    typeof v !== 'string' ||
    Buffer.byteLength(v) > 255 ||
    NOT_IDENTIFIER.test(v) ||
    (v.length === 0 && !allowEmpty)
  ) {
    invalid(`${name} must be a host name or IP address (at most 255 bytes, no control characters)`);
  }
  return v;
}

/**
 * Validates `options` and applies the defaults; builds the port ring.
 * @throws OrchestratorError `E_INVALID_OPTIONS` naming the first bad option (the port ring's own error as `cause`).
 */
export function resolveOptions(options: OrchestratorOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalid('options must be an object');
  const o = options;
  const d = ORCHESTRATOR_DEFAULTS;
  if (typeof o.spawner !== 'object' || o.spawner === null || typeof o.spawner.spawn !== 'function') {
    invalid('spawner must be an object with a spawn() method (for example a ForkSpawner)');
  }
  const backend: unknown = o.queueBackend;
  if (backend !== undefined && (typeof backend !== 'object' || backend === null || !isQueueBackend(backend))) {
    invalid('queueBackend must be a QueueBackend (start, join, leave, claim, confirm, requeue... methods)');
  }
  const quarantineMs = int(o.quarantineMs, 'quarantineMs', d.quarantineMs, 0, MAX_TIMER_MS);
  let ring: PortRing;
  try {
    const ports: unknown = o.ports;
    if (Array.isArray(ports)) ring = PortRing.fromList(ports as number[], { quarantineMs });
    else if (typeof ports === 'object' && ports !== null) {
      const { first, last } = ports as { first: number; last: number };
      ring = PortRing.fromRange(first, last, { quarantineMs });
    } else invalid('ports must be { first, last } or an array of ports');
  } catch (error) {
    if (error instanceof OrchestratorError) throw error;
    invalid(`ports: ${(error as Error).message}`, error);
  }

  const tcpHost = host(o.host, 'host', d.host);
  const modesIn: unknown = o.modes ?? { default: { playersPerGame: 2 } };
  if (typeof modesIn !== 'object' || modesIn === null) invalid('modes must be an object of { playersPerGame }');
  const modes = new Map<string, ModeOptions>();
  for (const [name, mode] of Object.entries(modesIn as Record<string, unknown>)) {
    if (name.length === 0 || Buffer.byteLength(name) > 32 || NOT_IDENTIFIER.test(name)) {
      invalid(`mode name '${name}' must be 1..32 UTF-8 bytes without control characters`);
    }
    if (typeof mode !== 'object' || mode === null) invalid(`modes.${name} must be an object`);
    const m = mode as Record<string, unknown>;
    const playersPerGame = int(m['playersPerGame'], `modes.${name}.playersPerGame`, 0, 1, 255);
    const gameOptions = m['gameOptions'];
    if (
      gameOptions !== undefined &&
      (typeof gameOptions !== 'object' || gameOptions === null || Array.isArray(gameOptions))
    ) {
      invalid(`modes.${name}.gameOptions must be an object`);
    }
    const gameModule = m['gameModule'];
    if (gameModule !== undefined && (typeof gameModule !== 'string' || !isAbsolute(gameModule))) {
      invalid(`modes.${name}.gameModule must be an absolute file path`);
    }
    modes.set(name, {
      playersPerGame,
      ...(gameOptions !== undefined ? { gameOptions: gameOptions as Record<string, unknown> } : {}),
      ...(gameModule !== undefined ? { gameModule } : {}),
    });
  }
  if (modes.size === 0) invalid('modes must configure at least one mode');
  const defaultMode = o.defaultMode ?? modes.keys().next().value!;
  if (!modes.has(defaultMode)) invalid(`defaultMode '${String(defaultMode)}' is not one of the modes`);

  const maxGames = Math.min(int(o.maxConcurrentGames, 'maxConcurrentGames', ring.capacity, 1, 65_535), ring.capacity);
  const logger = o.logger ?? silentLogger;
  if (
    ['debug', 'info', 'warn', 'error'].some(
      (level) => typeof (logger as unknown as Record<string, unknown>)[level] !== 'function',
    )
  ) {
    invalid('logger must have debug, info, warn and error methods');
  }
  const warmPool = resolveWarmPoolPolicy(o, maxGames);
  if (typeof warmPool === 'string') invalid(warmPool);
  const noShows = resolveNoShowPolicy(o);
  if (typeof noShows === 'string') invalid(noShows);
  return {
    spawner: o.spawner,
    queueBackend: o.queueBackend,
    ring,
    host: tcpHost,
    port: int(o.port, 'port', d.port, 0, 65_535),
    advertisedHost: host(o.advertisedHost, 'advertisedHost', WILDCARDS.has(tcpHost) ? '' : tcpHost, true),
    udpBindHost: host(o.udpBindHost, 'udpBindHost', tcpHost === '' ? '0.0.0.0' : tcpHost),
    modes,
    defaultMode,
    maxGames,
    warmPool,
    noShows,
    helloTimeoutMs: int(o.helloTimeoutMs, 'helloTimeoutMs', d.helloTimeoutMs, 1, MAX_TIMER_MS),
    queuedIdleTimeoutMs: int(o.queuedIdleTimeoutMs, 'queuedIdleTimeoutMs', d.queuedIdleTimeoutMs, 0, MAX_TIMER_MS),
    keepAliveMs: int(o.keepAliveMs, 'keepAliveMs', d.keepAliveMs, 0, MAX_TIMER_MS),
    readyTimeoutMs: int(o.readyTimeoutMs, 'readyTimeoutMs', d.readyTimeoutMs, 1, MAX_TIMER_MS),
    maxGameDurationMs: int(o.maxGameDurationMs, 'maxGameDurationMs', d.maxGameDurationMs, 0, MAX_TIMER_MS),
    childSilenceTimeoutMs: int(
      o.childSilenceTimeoutMs,
      'childSilenceTimeoutMs',
      d.childSilenceTimeoutMs,
      0,
      MAX_TIMER_MS,
    ),
    shutdownGraceMs: int(o.shutdownGraceMs, 'shutdownGraceMs', d.shutdownGraceMs, 0, MAX_TIMER_MS),
    tokenTtlMs: int(o.tokenTtlMs, 'tokenTtlMs', d.tokenTtlMs, 1, MAX_TIMER_MS),
    maxFrameBytes: int(o.maxFrameBytes, 'maxFrameBytes', d.maxFrameBytes, 256, 1 << 20),
    maxConnections: int(o.maxConnections, 'maxConnections', d.maxConnections, 1, 1 << 24),
    maxConnectionsPerIp: int(o.maxConnectionsPerIp, 'maxConnectionsPerIp', d.maxConnectionsPerIp, 1, 1 << 24),
    maxWriteBufferBytes: int(o.maxWriteBufferBytes, 'maxWriteBufferBytes', d.maxWriteBufferBytes, 1_024, 1 << 30),
    queueUpdateIntervalMs: int(
      o.queueUpdateIntervalMs,
      'queueUpdateIntervalMs',
      d.queueUpdateIntervalMs,
      0,
      MAX_TIMER_MS,
    ),
    maxConcurrentStarts: int(o.maxConcurrentStarts, 'maxConcurrentStarts', defaultMaxConcurrentStarts(), 1, 65_535),
    admissionCpuThreshold: fraction(o.admissionCpuThreshold, 'admissionCpuThreshold', d.admissionCpuThreshold, 1),
    admissionMaxTickLate: fraction(o.admissionMaxTickLate, 'admissionMaxTickLate', d.admissionMaxTickLate, 1_000),
    backlog: int(o.backlog, 'backlog', d.backlog, 1, 1 << 20),
    messageLimits: {
      messages: rateLimit(o, 'messagesPerSecond', 'messageBurst'),
      pings: rateLimit(o, 'pingsPerSecond', 'pingBurst'),
      beforeHello: rateLimit(o, 'beforeHelloPerSecond', 'beforeHelloBurst'),
    },
    rateLimitPenaltyMs: int(o.rateLimitPenaltyMs, 'rateLimitPenaltyMs', d.rateLimitPenaltyMs, 0, MAX_TIMER_MS),
    logger,
  };
}

/** The methods a {@link QueueBackend} must have (a cheap check against passing something else by mistake). */
const QUEUE_BACKEND_METHODS = [
  'start',
  'join',
  'leave',
  'positions',
  'restore',
  'claim',
  'confirm',
  'requeue',
  'sizes',
  'close',
];

function isQueueBackend(value: object): boolean {
  const record = value as Record<string, unknown>;
  return (
    QUEUE_BACKEND_METHODS.every((name) => typeof record[name] === 'function') &&
    typeof record['instanceId'] === 'string' &&
    typeof record['leaseMs'] === 'number'
  );
}
