import {
  InvalidValue,
  type ModeConfig,
  type PortRange,
  formatDuration,
  parseChoice,
  parseDuration,
  parseGamePath,
  parseHost,
  parseInteger,
  parseListenPort,
  parseModeName,
  parseModes,
  parseNumber,
  parsePortRanges,
  parseWarmPoolBuffer,
} from './config-values.js';
import { parseAdminToken } from './config-admin.js';
import { parseInstanceId, parseKeyPrefix, parseRedisUrl } from './config-redis.js';

/** Log levels, most verbose first ('silent' logs nothing). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** A value of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Log formats: 'pretty' for people, 'json' (one object a line) for machines, 'auto' picks by whether stdout is a
 * terminal.
 */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
/** A value of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Where child game processes write their own output: the server's stdout/stderr, or nowhere. */
export const CHILD_OUTPUTS = ['inherit', 'ignore'] as const;
/** A value of {@link CHILD_OUTPUTS}. */
export type ChildOutput = (typeof CHILD_OUTPUTS)[number];

/**
 * How game children are started: through a small fork server process (the orchestrator's event loop never waits
 * for a fork), or forked by the server itself (each fork stops the server for tens of milliseconds).
 */
export const SPAWNERS = ['fork-server', 'fork'] as const;
/** A value of {@link SPAWNERS}. */
export type Spawner = (typeof SPAWNERS)[number];

/**
 * The server's configuration, every value resolved and validated. Its keys are also the config file's keys;
 * durations are in milliseconds.
 */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly udpPorts: readonly PortRange[];
  /** Undefined: the TCP host. */
  readonly udpBindHost: string | undefined;
  /** Undefined: the TCP host (or, for a wildcard host, the address each player reached). */
  readonly advertisedHost: string | undefined;
  readonly maxGames: number;
  readonly modes: readonly ModeConfig[];
  readonly defaultMode: string;
  /** The game module of every mode that names none; undefined: the arena. Absolute after resolveGamePaths. */
  readonly game: string | undefined;
  /** Alone: a fixed pool of this size; with a buffer, its floor. */
  readonly warmPool: number;
  /** A count, or a percentage of the games running ('25%'); 0: a fixed pool of `warmPool`. */
  readonly warmPoolBuffer: number | string;
  readonly warmPoolMax: number;
  /** Warm starts per second at most; 0: no limit (the start bound still holds). */
  readonly warmPoolRefillRate: number;
  readonly warmPoolShrinkDelay: number;
  readonly drainTimeout: number;
  readonly shutdownGrace: number;
  readonly readyTimeout: number;
  readonly helloTimeout: number;
  readonly queuedIdleTimeout: number;
  readonly keepAlive: number;
  readonly maxGameDuration: number;
  readonly childSilenceTimeout: number;
  readonly tokenTtl: number;
  readonly quarantine: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  readonly maxQueuedPerIp: number;
  /** 0: no-shows are not counted. */
  readonly noShowLimit: number;
  readonly noShowWindow: number;
  readonly noShowBackoff: number;
  readonly maxFrameBytes: number;
  /** Frames per second per connection; 0: no limit. */
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  /** Pings per second per connection; 0: no limit. */
  readonly pingsPerSecond: number;
  readonly pingBurst: number;
  /** Frames per second of a connection before its hello; 0: no limit. */
  readonly beforeHelloPerSecond: number;
  readonly beforeHelloBurst: number;
  /** How long an address whose client was rate-limited gets its new connections refused; 0: never. */
  readonly rateLimitPenalty: number;
  readonly adminHost: string;
  readonly adminPort: number;
  /** Undefined: no token (reads open; ending games only through a loopback listener). */
  readonly adminToken: string | undefined;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** Refusal logs: the first of a reason at once, the rest folded into one summary per reason and interval; 0: none. */
  readonly logSummaryInterval: number;
  readonly childOutput: ChildOutput;
  readonly spawner: Spawner;
  readonly childNice: number;
  /** Undefined: the orchestrator's default, the number of CPUs. */
  readonly maxConcurrentStarts: number | undefined;
  readonly admissionCpuThreshold: number;
  readonly admissionMaxTickLate: number;
  /** Undefined: the queue is this server's own (in memory). */
  readonly redisUrl: string | undefined;
  /** Undefined: `<hostname>-<random>`, new at each start. */
  readonly instanceId: string | undefined;
  readonly redisKeyPrefix: string;
  readonly redisLease: number;
  readonly redisHeartbeat: number;
  readonly redisHeartbeatTimeout: number;
}

/** The key of a setting: a key of {@link ServerConfig} and of the config file. */
export type SettingKey = keyof ServerConfig;

/** How a setting is described and read. */
export interface SettingSpec<K extends SettingKey = SettingKey> {
  readonly key: K;
  /** The command-line flag, '--udp-ports'. */
  readonly flag: string;
  /** The placeholder of the flag's value in --help, '<ranges>'. */
  readonly placeholder: string;
  /** The environment variable, 'PROJ_UDP_PORTS'. */
  readonly env: string;
  /** What the setting does, for --help and the README. */
  readonly doc: string;
  /** The embedded default as a user would write it ('7701-7716', '10s'), or undefined when it is derived. */
  readonly default: string | undefined;
  /** How --help shows the default ('7701-7716', 'the number of UDP ports'). */
  readonly defaultDoc: string;
  /** Reads a value (a string from a flag or the environment, any JSON value from the file). Throws InvalidValue. */
  readonly parse: (raw: unknown) => ServerConfig[K] & {};
  /** The --help section. */
  readonly group: SettingGroup;
  /** A secret (`--admin-token`): its value is never shown, not even in a configuration error. */
  readonly secret?: boolean;
}

/** The --help sections, in order. */
export const SETTING_GROUPS = ['Network', 'Games', 'Timeouts', 'Limits', 'Shared queue', 'Admin HTTP', 'Logs'] as const;
/** A value of {@link SETTING_GROUPS}. */
export type SettingGroup = (typeof SETTING_GROUPS)[number];

/** Prefix of every environment variable the server reads. */
export const ENV_PREFIX = 'PROJ_';
/** The environment variable naming the config file (same as --config). */
export const CONFIG_ENV = 'PROJ_CONFIG';

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

type Def<K extends SettingKey> = Omit<SettingSpec<K>, 'key' | 'flag' | 'env' | 'defaultDoc'> & {
  readonly defaultDoc?: string;
};

interface DurationDef {
  readonly group: SettingGroup;
  readonly placeholder: string;
  readonly default: string;
  readonly doc: string;
  readonly parse: (raw: unknown) => number;
}

/** A duration setting; `positive`: 0 is refused (a timeout of nothing makes no sense). */
function duration(group: SettingGroup, ms: number, doc: string, positive = false): DurationDef {
  const parse = (raw: unknown): number => {
    const value = parseDuration(raw);
    if (positive && value === 0) throw new InvalidValue('must be more than 0');
    return value;
  };
  return { group, placeholder: '<duration>', default: formatDuration(ms), doc, parse };
}

const DEFS: { readonly [K in SettingKey]: Def<K> } = {
  host: {
    group: 'Network',
    placeholder: '<host>',
    default: '127.0.0.1',
    parse: parseHost,
    doc: 'TCP address players connect to for matchmaking (0.0.0.0 or :: for every interface).',
  },
  port: {
    group: 'Network',
    placeholder: '<port>',
    default: '7700',
    parse: parseListenPort,
    doc: 'TCP port players connect to; 0 picks a free port.',
  },
  udpPorts: {
    group: 'Network',
    placeholder: '<ranges>',
    default: '7701-7716',
    parse: parsePortRanges,
    doc: 'UDP ports of the games: first-last ranges or single ports, comma-separated (7701-7708,7801). One game per port: their number N caps concurrent games.',
  },
  udpBindHost: {
    group: 'Network',
    placeholder: '<host>',
    default: undefined,
    defaultDoc: 'the TCP --host',
    parse: parseHost,
    doc: 'Address the game children bind their UDP sockets on.',
  },
  advertisedHost: {
    group: 'Network',
    placeholder: '<host>',
    default: undefined,
    defaultDoc: 'the TCP --host; for 0.0.0.0/::, the address each player reached',
    parse: parseHost,
    doc: 'Host players are told to send UDP to (set it behind NAT or a load balancer).',
  },
  maxGames: {
    group: 'Games',
    placeholder: '<n>',
    default: undefined,
    defaultDoc: 'the number of UDP ports',
    parse: (raw) => parseInteger(raw, 1, 65_535),
    doc: 'Cap on concurrent games, at most the number of UDP ports.',
  },
  modes: {
    group: 'Games',
    placeholder: '<name:K,...>',
    default: 'arena:4,duel:2',
    parse: parseModes,
    doc: 'Game modes and their players per game K (1..255), comma-separated. Each mode has its own FIFO queue.',
  },
  defaultMode: {
    group: 'Games',
    placeholder: '<mode>',
    default: undefined,
    defaultDoc: 'the first of --modes',
    parse: parseModeName,
    doc: 'Mode of a player who names none.',
  },
  game: {
    group: 'Games',
    placeholder: '<module>',
    default: undefined,
    defaultDoc: 'the arena',
    parse: parseGamePath,
    doc: 'Game module (an ES module exporting createGame) of every mode that names none: a path relative to the working directory (in the config file: to the file). Checked at start.',
  },
  spawner: {
    group: 'Games',
    placeholder: '<how>',
    default: 'fork-server',
    parse: (raw) => parseChoice(raw, SPAWNERS),
    doc: 'How game children start: fork-server (a helper process forks them, so the server never stops to fork) or fork.',
  },
  childNice: {
    group: 'Games',
    placeholder: '<n>',
    default: '5',
    parse: (raw) => parseInteger(raw, 0, 19),
    doc: 'Nice value of game children (0-19; higher runs later): under load the server, accepting players, goes first.',
  },
  warmPool: {
    group: 'Games',
    placeholder: '<n>',
    default: '2',
    parse: (raw) => parseInteger(raw, 0, 65_535),
    doc: 'Child processes started ahead of need, idle, to cut the time to match: alone a fixed pool of this size, with --warm-pool-buffer the floor of a pool that follows demand (at most --max-games; the default shrinks to it).',
  },
  warmPoolBuffer: {
    group: 'Games',
    placeholder: '<n|p%>',
    default: undefined,
    defaultDoc: '50% (0, a fixed pool, when --warm-pool is given alone)',
    parse: parseWarmPoolBuffer,
    doc: 'Makes the warm pool follow demand, like a fleet buffer: idle children wanted as a count (4) or a percentage of the games running (50%), plus one per group of players waiting for a start; kept between --warm-pool and --warm-pool-max.',
  },
  warmPoolMax: {
    group: 'Games',
    placeholder: '<n>',
    default: undefined,
    defaultDoc: '8 (at least --warm-pool, at most --max-games)',
    parse: (raw) => parseInteger(raw, 0, 65_535),
    doc: 'Ceiling of the warm pool.',
  },
  warmPoolRefillRate: {
    group: 'Games',
    placeholder: '<per-second>',
    default: '0',
    parse: (raw) => parseNumber(raw, 10_000),
    doc: 'Most warm children started per second; 0 (default): no rate limit, the start bound (--max-concurrent-starts, shared with cold starts, which go first) and the host check of admission pace refills.',
  },
  warmPoolShrinkDelay: duration(
    'Games',
    30_000,
    'The warm pool stops its surplus idle children (oldest first) only after holding more than its target this long.',
  ),
  drainTimeout: duration(
    'Timeouts',
    10_000,
    'On SIGTERM/SIGINT: how long running games may go on before they are told to stop.',
  ),
  shutdownGrace: duration('Timeouts', 5_000, 'How long a child told to stop has before it is killed.'),
  readyTimeout: duration(
    'Timeouts',
    10_000,
    'A child must bind its UDP port within this time, or it is killed and its players requeued.',
    true,
  ),
  helloTimeout: duration('Timeouts', 5_000, 'A new TCP connection must say hello within this time.', true),
  queuedIdleTimeout: duration(
    'Timeouts',
    0,
    'A queued player silent (no ping) this long is dropped; 0 disables it (TCP keepalive only).',
  ),
  keepAlive: duration('Timeouts', 15_000, 'TCP keepalive delay on player connections; 0 disables keepalive.'),
  maxGameDuration: duration('Timeouts', 3_600_000, 'A game running longer is stopped; 0 means no limit.'),
  childSilenceTimeout: duration(
    'Timeouts',
    3_000,
    "A game's child silent on IPC this long (frozen, SIGSTOPped) is killed, its players told the game is over (ABORTED) and its port freed; 0 disables it.",
  ),
  tokenTtl: duration('Timeouts', 30_000, 'Lifetime of the connect tokens players get with their match.', true),
  quarantine: duration('Timeouts', 30_000, 'How long a UDP port that failed to bind is set aside.'),
  maxConnections: {
    group: 'Limits',
    placeholder: '<n>',
    default: '10000',
    parse: (raw) => parseInteger(raw, 1, 1 << 24),
    doc: 'Most player TCP connections at once.',
  },
  maxConnectionsPerIp: {
    group: 'Limits',
    placeholder: '<n>',
    default: '64',
    parse: (raw) => parseInteger(raw, 1, 1 << 24),
    doc: 'Most player TCP connections from one IP address.',
  },
  maxQueuedPerIp: {
    group: 'Limits',
    placeholder: '<n>',
    default: '16',
    parse: (raw) => parseInteger(raw, 1, 1 << 24),
    doc: 'Most players from one IP address between hello and joining their game (queued, matched, or told their match and not yet seen in the game); more hellos get TOO_MANY_QUEUED_FROM_IP. Players who join leave this count within milliseconds.',
  },
  noShowLimit: {
    group: 'Limits',
    placeholder: '<n>',
    default: '3',
    parse: (raw) => parseInteger(raw, 0, 1_000),
    doc: 'An address or player name with this many no-shows (matches never joined) within --no-show-window, and more no-shows than joins there, gets its hellos refused (NO_SHOW_BACKOFF) for --no-show-backoff, doubled at each further offence; 0 disables it.',
  },
  noShowWindow: duration('Limits', 600_000, 'How far back no-shows and joins are counted.', true),
  noShowBackoff: duration(
    'Limits',
    30_000,
    'How long hellos are refused after the no-show limit is reached (doubled at each further offence, at most --no-show-window).',
    true,
  ),
  maxConcurrentStarts: {
    group: 'Limits',
    placeholder: '<n>',
    default: undefined,
    defaultDoc: 'the number of CPUs',
    parse: (raw) => parseInteger(raw, 1, 65_535),
    doc: 'Admission: most games starting on a fresh child process at once (a start keeps about a core busy); more players wait queued.',
  },
  admissionCpuThreshold: {
    group: 'Limits',
    placeholder: '<fraction>',
    default: '0',
    parse: (raw) => parseNumber(raw, 1),
    doc: 'Admission: no game is started while host CPU use (all cores, smoothed over about 1 s) is at or above this; 0 (default) or 1 disables the check.',
  },
  admissionMaxTickLate: {
    group: 'Limits',
    placeholder: '<ticks>',
    default: '1',
    parse: (raw) => parseNumber(raw, 1_000),
    doc: "Admission: no game is started while a running game's ticks run late by more than this many tick periods (p99); 0 disables the check.",
  },
  maxFrameBytes: {
    group: 'Limits',
    placeholder: '<bytes>',
    default: '1024',
    parse: (raw) => parseInteger(raw, 256, 1 << 20),
    doc: 'Largest TCP frame accepted from a player (256..1048576).',
  },
  messagesPerSecond: {
    group: 'Limits',
    placeholder: '<per-second>',
    default: '10',
    parse: (raw) => parseNumber(raw, 1_000_000),
    doc: 'Rate limit of the frames a player connection sends (a token bucket: this refill per second, up to --message-burst at once); a player over it gets RATE_LIMITED and is disconnected. 0 disables it.',
  },
  messageBurst: {
    group: 'Limits',
    placeholder: '<n>',
    default: '20',
    parse: (raw) => parseInteger(raw, 1, 1_000_000),
    doc: 'Burst of --messages-per-second: frames a connection may send at once.',
  },
  pingsPerSecond: {
    group: 'Limits',
    placeholder: '<per-second>',
    default: '2',
    parse: (raw) => parseNumber(raw, 1_000_000),
    doc: 'Rate limit of the pings of a player connection (the client SDK pings every 5 s); 0 disables it.',
  },
  pingBurst: {
    group: 'Limits',
    placeholder: '<n>',
    default: '10',
    parse: (raw) => parseInteger(raw, 1, 1_000_000),
    doc: 'Burst of --pings-per-second.',
  },
  beforeHelloPerSecond: {
    group: 'Limits',
    placeholder: '<per-second>',
    default: '1',
    parse: (raw) => parseNumber(raw, 1_000_000),
    doc: 'The tighter rate limit of a connection that has not said hello yet: frames per second before hello, the hello included; 0 disables it.',
  },
  beforeHelloBurst: {
    group: 'Limits',
    placeholder: '<n>',
    default: '8',
    parse: (raw) => parseInteger(raw, 1, 1_000_000),
    doc: 'Burst of --before-hello-per-second.',
  },
  rateLimitPenalty: duration(
    'Limits',
    10_000,
    'After a player was disconnected for RATE_LIMITED, new connections from its IP address are refused (RATE_LIMITED) for this long, so a flooder that reconnects at once costs little; 0 disables it.',
  ),
  adminHost: {
    group: 'Admin HTTP',
    placeholder: '<host>',
    default: '127.0.0.1',
    parse: parseHost,
    doc: 'Address of the admin HTTP listener (the monitor page at /, /healthz, /readyz, /metrics, /games). Keep it private, and set --admin-token when it is not loopback.',
  },
  adminPort: {
    group: 'Admin HTTP',
    placeholder: '<port>',
    default: '7799',
    parse: parseListenPort,
    doc: 'Port of the admin HTTP listener; 0 picks a free port.',
  },
  adminToken: {
    group: 'Admin HTTP',
    placeholder: '<token>',
    default: undefined,
    defaultDoc: 'none: reads are open, games can be ended only through a loopback listener',
    parse: parseAdminToken,
    secret: true,
    doc: 'Token every admin request must carry (Authorization: Bearer <token>; in a browser, the password of its login prompt, any user name). Needed to end games from the monitor page when --admin-host is not loopback. 16 to 256 visible characters; prefer PROJ_ADMIN_TOKEN or the config file, since ps shows flags.',
  },
  logLevel: {
    group: 'Logs',
    placeholder: '<level>',
    default: 'info',
    parse: (raw) => parseChoice(raw, LOG_LEVELS),
    doc: `Log level: ${LOG_LEVELS.join(', ')}.`,
  },
  logFormat: {
    group: 'Logs',
    placeholder: '<format>',
    default: 'auto',
    parse: (raw) => parseChoice(raw, LOG_FORMATS),
    doc: 'Log format: pretty, json, or auto (pretty on a terminal, JSON otherwise).',
  },
  logSummaryInterval: duration(
    'Logs',
    10_000,
    'Refused connections and clients closed for a bad frame or a timeout: the first of a reason is logged at once, the rest of the interval folded into one summary line per reason (count, a sample address); 0 logs each one. Metrics count them all.',
  ),
  redisUrl: {
    group: 'Shared queue',
    placeholder: '<url>',
    default: undefined,
    defaultDoc: 'none: this server has its own queue',
    parse: parseRedisUrl,
    doc: 'Share one FIFO queue per mode with every server given the same Redis (redis://host:port[/db]): players on different servers are matched together, in arrival order. Use Redis with appendonly yes.',
  },
  instanceId: {
    group: 'Shared queue',
    placeholder: '<id>',
    default: undefined,
    defaultDoc: 'the host name and a random suffix, new at each start',
    parse: parseInstanceId,
    doc: "This server's name in the shared queue (letters, digits, . _ : -; at most 64). Two live servers cannot share one.",
  },
  redisKeyPrefix: {
    group: 'Shared queue',
    placeholder: '<prefix>',
    default: 'proj:mm:',
    parse: parseKeyPrefix,
    doc: 'Prefix of every Redis key of the shared queue: servers with another prefix have another queue.',
  },
  redisLease: duration(
    'Shared queue',
    15_000,
    'A group claimed by a server goes back to the queue if its game is not confirmed this long after the claim (above --ready-timeout).',
    true,
  ),
  redisHeartbeat: duration('Shared queue', 1_000, 'How often a server tells the shared queue it is alive.', true),
  redisHeartbeatTimeout: duration(
    'Shared queue',
    5_000,
    'A server not heard from this long is dead: its waiting players are removed, its claimed groups go back to the queue (at least twice --redis-heartbeat).',
    true,
  ),
  childOutput: {
    group: 'Logs',
    placeholder: '<mode>',
    default: 'inherit',
    parse: (raw) => parseChoice(raw, CHILD_OUTPUTS),
    doc: "Game children's stdout/stderr: inherit (the server's) or ignore.",
  },
};

function spec<K extends SettingKey>(key: K): SettingSpec<K> {
  const def = DEFS[key];
  return {
    ...def,
    key,
    flag: `--${kebab(key)}`,
    env: `${ENV_PREFIX}${kebab(key).replace(/-/g, '_').toUpperCase()}`,
    defaultDoc: def.defaultDoc ?? def.default ?? '',
  };
}

/** Every setting, keyed by its config key. */
export const SETTINGS: { readonly [K in SettingKey]: SettingSpec<K> } = Object.fromEntries(
  (Object.keys(DEFS) as SettingKey[]).map((key) => [key, spec(key)]),
) as unknown as { readonly [K in SettingKey]: SettingSpec<K> };

/** Every setting in --help order. */
export const SETTING_LIST: readonly SettingSpec[] = Object.values(SETTINGS);
