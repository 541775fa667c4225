import {
  ForkServerSpawner,
  ForkSpawner,
  type ModeOptions,
  type Orchestrator,
  createOrchestrator,
  isOrchestratorError,
} from '@proj/orchestrator';
import type { Logger as PinoLogger } from 'pino';
import { isLoopbackHost } from './admin-access.js';
import { type AdminServer, startAdminServer } from './admin-server.js';
import { type ChildEntry, resolveChildEntry } from './child-entry.js';
import type { ServerConfig } from './config-schema.js';
import { ServerError } from './errors.js';
import { checkGameModules } from './game-modules.js';
import { describeListenFailure } from './listen-failure.js';
import { type PackageLogger, toPackageLogger } from './logger.js';
import { ServerMetrics } from './metrics.js';
import { observeSharedQueue } from './observe-shared-queue.js';
import { ChildPids, observeOrchestrator, toAdmissionInfo, toGameInfo, toServerStats } from './observe.js';
import { RefusalLog } from './refusal-log.js';
import { SharedQueueMetrics } from './queue-metrics.js';
import { createSharedQueue } from './shared-queue.js';
import { endGameOutcome } from './end-game.js';
import { MonitorHistoryRecorder, startMonitorHistory } from './monitor-history.js';
import { monitorSources } from './monitor-sources.js';
import { MonitorState } from './monitor-state.js';

/** Options of {@link startServer} beyond the configuration. */
export interface StartServerOptions {
  /** The server's logger (see createLogger); default: silent. */
  readonly logger?: PinoLogger;
  /** The game child entry; default: `@proj/game-child/main` as this process resolves it. */
  readonly childEntry?: ChildEntry;
  /** Environment of the children; default: this process's. */
  readonly childEnv?: NodeJS.ProcessEnv;
}

/** A running server. */
export interface ServerHandle {
  /** Where players connect (the real port when 0 was configured). */
  readonly tcp: { readonly host: string; readonly port: number };
  /** The admin HTTP listener. */
  readonly admin: { readonly host: string; readonly port: number; readonly url: string };
  readonly orchestrator: Orchestrator;
  readonly metrics: ServerMetrics;
  /** Pids of the child processes alive. */
  childPids(): number[];
  /** SIGKILLs every child still alive, synchronously (last resort before the process dies). */
  killChildren(): void;
  /** Writes the pending refusal summaries now, synchronously (before the process exits without `close`). */
  flushLogs(): void;
  /**
   * Graceful shutdown: readiness goes to 503, no new players, running games get `drainMs` (default: the config's
   * drainTimeout) to finish, then are told to stop and killed after shutdownGrace; then the pending refusal
   * summaries are written and the admin listener closes. Idempotent; never rejects.
   */
  close(options?: { readonly drainMs?: number }): Promise<void>;
}

const silent: PackageLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The orchestrator's `modes` option from the configured modes and their game modules (absolute paths). */
function modesOption(config: ServerConfig, gameModules: ReadonlyMap<string, string>): Record<string, ModeOptions> {
  return Object.fromEntries(
    config.modes.map((m) => {
      const gameModule = gameModules.get(m.name);
      return [
        m.name,
        {
          playersPerGame: m.playersPerGame,
          ...(m.gameOptions !== undefined ? { gameOptions: m.gameOptions } : {}),
          ...(gameModule !== undefined ? { gameModule } : {}),
        },
      ];
    }),
  );
}

/**
 * Starts the whole server: the orchestrator (TCP, matchmaking, port ring, child processes forked from the game child
 * entry), the metrics and the admin HTTP listener. Resolves once both listeners listen.
 * Game modules (a mode's `game`, or the `game` setting; relative paths against the working directory) are checked
 * first, as {@link checkGameModules} does, and each child gets its mode's as `GameAssignment.gameModule`.
 * @throws ServerConfigError `E_INVALID_CONFIG` when a game module cannot be used (nothing started yet).
 * @throws ServerError `E_START_FAILED` when a listener cannot listen (port taken...) or the game child entry cannot
 *   be found; whatever was started is stopped first.
 */
export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<ServerHandle> {
  const gameModules = await checkGameModules(config, { builtInArena: options.childEntry === undefined });
  const pinoLogger = options.logger;
  const logger = pinoLogger === undefined ? silent : toPackageLogger(pinoLogger);
  const orchestratorLogger =
    pinoLogger === undefined ? silent : toPackageLogger(pinoLogger.child({ component: 'orchestrator' }));
  for (const [mode, gameModule] of gameModules) logger.info('game module checked', { mode, gameModule });
  const entry = options.childEntry ?? resolveChildEntry();
  const spawnerOptions = {
    entry: entry.path,
    execArgv: entry.execArgv,
    stdio: config.childOutput,
    childNice: config.childNice,
    ...(options.childEnv !== undefined ? { env: options.childEnv } : {}),
  };
  const spawner =
    config.spawner === 'fork-server' ? new ForkServerSpawner(spawnerOptions) : new ForkSpawner(spawnerOptions);
  const modeNames = config.modes.map((m) => m.name);
  // Read at each scrape, once the orchestrator below exists.
  const metrics = new ServerMetrics({ stats: () => toServerStats(orchestrator.stats(), modeNames) });
  const queueMetrics = config.redisUrl === undefined ? undefined : new SharedQueueMetrics(metrics.registry);
  const queueLogger =
    pinoLogger === undefined ? silent : toPackageLogger(pinoLogger.child({ component: 'shared-queue' }));
  const queueBackend = queueMetrics && createSharedQueue(config, queueLogger, queueMetrics);
  const orchestrator = createOrchestrator({
    spawner,
    ...(queueBackend !== undefined ? { queueBackend } : {}),
    ports:
      config.udpPorts.length === 1
        ? config.udpPorts[0]!
        : config.udpPorts.flatMap((r) => Array.from({ length: r.last - r.first + 1 }, (_, i) => r.first + i)),
    host: config.host,
    port: config.port,
    ...(config.advertisedHost !== undefined ? { advertisedHost: config.advertisedHost } : {}),
    ...(config.udpBindHost !== undefined ? { udpBindHost: config.udpBindHost } : {}),
    modes: modesOption(config, gameModules),
    defaultMode: config.defaultMode,
    maxConcurrentGames: config.maxGames,
    warmPoolSize: config.warmPool,
    warmPoolBuffer: config.warmPoolBuffer,
    warmPoolMax: config.warmPoolMax,
    warmPoolRefillRate: config.warmPoolRefillRate,
    warmPoolShrinkDelayMs: config.warmPoolShrinkDelay,
    quarantineMs: config.quarantine,
    helloTimeoutMs: config.helloTimeout,
    queuedIdleTimeoutMs: config.queuedIdleTimeout,
    keepAliveMs: config.keepAlive,
    readyTimeoutMs: config.readyTimeout,
    maxGameDurationMs: config.maxGameDuration,
    childSilenceTimeoutMs: config.childSilenceTimeout,
    shutdownGraceMs: config.shutdownGrace,
    tokenTtlMs: config.tokenTtl,
    maxFrameBytes: config.maxFrameBytes,
    maxConnections: config.maxConnections,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    maxQueuedPerIp: config.maxQueuedPerIp,
    noShowLimit: config.noShowLimit,
    noShowWindowMs: config.noShowWindow,
    noShowBackoffMs: config.noShowBackoff,
    messagesPerSecond: config.messagesPerSecond,
    messageBurst: config.messageBurst,
    pingsPerSecond: config.pingsPerSecond,
    pingBurst: config.pingBurst,
    beforeHelloPerSecond: config.beforeHelloPerSecond,
    beforeHelloBurst: config.beforeHelloBurst,
    rateLimitPenaltyMs: config.rateLimitPenalty,
    ...(config.maxConcurrentStarts !== undefined ? { maxConcurrentStarts: config.maxConcurrentStarts } : {}),
    admissionCpuThreshold: config.admissionCpuThreshold,
    admissionMaxTickLate: config.admissionMaxTickLate,
    logger: orchestratorLogger,
  });
  const children = new ChildPids();
  const refusals = new RefusalLog({
    logger,
    intervalMs: config.logSummaryInterval,
    onFolded: (reason) => metrics.recordLogLineFolded(reason),
  });
  observeOrchestrator(orchestrator, metrics, logger, children, refusals);
  if (queueMetrics !== undefined) observeSharedQueue(orchestrator, queueMetrics, logger);

  let phase: 'starting' | 'listening' | 'draining' | 'closed' = 'starting';
  const readiness = (): { ready: boolean; status: string } => {
    const queueDown = orchestrator.stats().sharedQueue?.available === false;
    return phase === 'listening' && queueDown
      ? { ready: false, status: 'queueUnavailable' }
      : { ready: phase === 'listening', status: phase };
  };
  const warmPool = (): { target: number; idle: number; booting: number } => {
    const s = orchestrator.stats();
    return { target: s.warmTarget, idle: s.warmIdle, booting: s.warmBooting };
  };
  const history = new MonitorHistoryRecorder({ queued: () => orchestrator.stats().queued });
  orchestrator.on('gameStarted', ({ timeToMatchMs }) => history.gameStarted(timeToMatchMs));
  const stopHistory = startMonitorHistory(history);
  const loopbackAdmin = isLoopbackHost(config.adminHost);
  if (config.adminToken === undefined && !loopbackAdmin) {
    logger.warn(
      'the admin listener is not on loopback and has no --admin-token: whoever reaches it reads the games and the ' +
        "players' names, and games cannot be ended through it",
      { adminHost: config.adminHost },
    );
  }
  const monitor = new MonitorState(
    monitorSources(orchestrator, {
      readiness,
      warmPool,
      history,
      endGames:
        config.adminToken !== undefined || loopbackAdmin
          ? { allowed: true }
          : {
              allowed: false,
              reason: 'this admin listener is not on loopback: start the server with --admin-token to end games here',
            },
    }),
  );
  let admin: AdminServer | undefined;
  try {
    admin = await startAdminServer({
      host: config.adminHost,
      port: config.adminPort,
      ...(config.adminToken !== undefined ? { token: config.adminToken } : {}),
      logger,
      handlers: {
        metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.text() }),
        readiness,
        games: () => orchestrator.games().map((g) => toGameInfo(g)),
        admission: () => toAdmissionInfo(orchestrator.stats().admission),
        warmPool,
        monitor: () => monitor.snapshot(),
        endGame: (gameId, reason) => endGameOutcome(orchestrator, gameId, reason),
      },
    });
    await orchestrator.listen().catch((error: unknown) => {
      if (isOrchestratorError(error, 'E_QUEUE_BACKEND')) {
        throw new ServerError('E_START_FAILED', `${error.message} (--redis-url, --instance-id)`, { cause: error });
      }
      throw new ServerError(
        'E_START_FAILED',
        `cannot listen for players on ${config.host}:${config.port}: ${describeListenFailure(error, { host: '--host', port: '--port' })}`,
        { cause: error },
      );
    });
  } catch (error) {
    stopHistory();
    await Promise.all([orchestrator.close({ drainMs: 0 }), admin?.close()]);
    throw error;
  }
  phase = 'listening';
  const tcp = orchestrator.address!;
  const adminServer = admin;

  let closing: Promise<void> | undefined;
  return {
    tcp,
    admin: { ...adminServer.address, url: adminServer.url },
    orchestrator,
    metrics,
    childPids: () => children.list(),
    killChildren: () => children.killAll(),
    flushLogs: () => refusals.flush(),
    close(closeOptions = {}) {
      closing ??= (async () => {
        phase = 'draining';
        await orchestrator.close({ drainMs: closeOptions.drainMs ?? config.drainTimeout });
        refusals.flush();
        phase = 'closed';
        stopHistory();
        await adminServer.close();
      })();
      return closing;
    },
  };
}
