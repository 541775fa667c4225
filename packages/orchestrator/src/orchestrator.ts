import { type Server, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { QueueHost } from '@proj/matchmaker';
import type { AdmissionState } from './admission.js';
import { ClientConnections } from './client-connections.js';
import { ClientFlow } from './client-flow.js';
import { type EndGameOptions, type EndedGame, checkEndGame, endRunningGame } from './end-game.js';
import { OrchestratorError } from './errors.js';
import type { OrchestratorEvents } from './events.js';
import { type GameInfo, gameInfo } from './game-info.js';
import { GameLauncher } from './game-launcher.js';
import type { Emit } from './launched-game.js';
import type { MatchFlow } from './match-flow.js';
import { ORCHESTRATOR_DEFAULTS, type OrchestratorOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type PortInfo, portInfos } from './port-info.js';
import type { QueueInfo } from './queue-info.js';
import { SharedQueueFlow } from './shared-queue-flow.js';
import { TypedEmitter } from './typed-emitter.js';

/** The address the orchestrator listens on. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** A snapshot of the orchestrator for metrics and health checks. */
export interface OrchestratorStats {
  /** Client connections in the table (all states). */
  readonly connectedClients: number;
  /** Connections that have not said hello yet. */
  readonly awaitingHello: number;
  /** Players waiting in a queue, all modes. */
  readonly queued: number;
  /** Players waiting, per mode. */
  readonly queuedByMode: Readonly<Record<string, number>>;
  /** Players matched whose game's child is starting. */
  readonly matched: number;
  /** Games whose child is starting. */
  readonly gamesStarting: number;
  /** Games running (child ready and alive). */
  readonly gamesRunning: number;
  /** The cap on concurrent games (and on processes). */
  readonly maxGames: number;
  /** Live child processes: warm, starting, running, exiting. */
  readonly processes: number;
  /** Warm children ready to take a game. */
  readonly warmIdle: number;
  /** Warm children still starting. */
  readonly warmBooting: number;
  /**
   * The warm pool's target size now: its fixed size, or with a buffer `clamp(buffer + waiting groups,
   * warmPoolSize, warmPoolMax)`, never above the room the busy processes leave under the cap.
   */
  readonly warmTarget: number;
  /** Warm children started since `listen()`, and stopped because the pool held more than its target. */
  readonly warmStarted: number;
  readonly warmShrunk: number;
  /** The port ring. */
  readonly ports: {
    readonly total: number;
    readonly free: number;
    readonly inUse: number;
    readonly quarantined: number;
  };
  /** True once `close()` was called. */
  readonly closing: boolean;
  /**
   * The queue shared with other orchestrators, when one is configured: this orchestrator's instance id and whether
   * its store is reachable now (while not, hellos are refused with QUEUE_UNAVAILABLE). Undefined with the local queue.
   */
  readonly sharedQueue: { readonly instanceId: string; readonly available: boolean } | undefined;
  /**
   * Admission by capacity: whether a game may be launched now as far as the host's capacity goes (ports and the
   * cap apart), why not (`startsInFlight`, `hostCpu`, `tickLate`), the smoothed host CPU utilisation (0..1,
   * undefined before two samples or with the CPU check off), the cold starts in flight, and the worst recent tick
   * lateness p99 (ms) among running games.
   */
  readonly admission: AdmissionState;
}

/** Options of {@link Orchestrator.close}. */
export interface CloseOptions {
  /** How long running games may go on before their children are told to stop. Default 30000. */
  readonly drainMs?: number;
}

/**
 * The session orchestrator: a TCP server where players say hello and wait in FIFO queues (one per mode); when K
 * wait and a port is free, it starts (or wakes) one child game process for them, waits for the child's UDP socket
 * to be bound, sends each player match-found (host, port, slot, signed token) and closes their connections. At most
 * N games run at once (N ports, or `maxConcurrentGames`); with no free port players stay queued and matching resumes
 * when a child exits. Typed events report everything that happens (see {@link OrchestratorEvents}); listener errors
 * are logged, never propagated.
 */
export class Orchestrator extends TypedEmitter<OrchestratorEvents> {
  readonly #options: ResolvedOptions;
  readonly #server: Server;
  readonly #connections: ClientConnections;
  readonly #flow: MatchFlow;
  readonly #sharedFlow: SharedQueueFlow | undefined;
  readonly #launcher: GameLauncher;
  #address: ListenAddress | undefined;
  #listening: Promise<ListenAddress> | undefined;
  #closing: Promise<void> | undefined;

  /** @throws OrchestratorError `E_INVALID_OPTIONS` for bad options. */
  constructor(options: OrchestratorOptions) {
    const resolved = resolveOptions(options);
    super(resolved.logger);
    this.#options = resolved;
    const emit: Emit = (event, payload) => this.emit(event, payload);
    this.#launcher = new GameLauncher({
      spawner: resolved.spawner,
      ring: resolved.ring,
      maxGames: resolved.maxGames,
      warmPool: resolved.warmPool,
      waitingGroups: () => this.#flow.waitingGroups,
      bindHost: resolved.udpBindHost,
      readyTimeoutMs: resolved.readyTimeoutMs,
      shutdownGraceMs: resolved.shutdownGraceMs,
      maxGameDurationMs: resolved.maxGameDurationMs,
      childSilenceTimeoutMs: resolved.childSilenceTimeoutMs,
      tokenTtlMs: resolved.tokenTtlMs,
      logger: resolved.logger,
      emit,
      // Never called before listen(), so the flow exists by then.
      onCapacity: () => this.#flow.schedule(),
      onJoinReport: (game, joined, missing) => this.#flow.joinReported(game, joined, missing),
      onGameEnded: (game) => this.#flow.gameEnded(game),
      admission: {
        maxConcurrentStarts: resolved.maxConcurrentStarts,
        cpuThreshold: resolved.admissionCpuThreshold,
        maxTickLateTicks: resolved.admissionMaxTickLate,
        sampleIntervalMs: ADMISSION_SAMPLE_MS,
      },
    });
    this.#connections = new ClientConnections(
      resolved,
      {
        hello: (client, message) => this.#flow.hello(client, message),
        gone: (client, reason) => this.#flow.gone(client, reason),
      },
      emit,
    );
    const backend = resolved.queueBackend;
    this.#sharedFlow =
      backend === undefined
        ? undefined
        : new SharedQueueFlow(resolved, this.#connections, this.#launcher, emit, backend);
    this.#flow = this.#sharedFlow ?? new ClientFlow(resolved, this.#connections, this.#launcher, emit);
    this.#server = createServer({ noDelay: true }, (socket) => this.#connections.accept(socket));
    this.#server.on('error', (error) => {
      // Before the listener listens, the error is listen()'s to report: it rejects with it.
      if (this.#address === undefined) resolved.logger.debug('TCP listen failed', { error });
      else resolved.logger.error('TCP server error', { error });
    });
  }

  /** The address listened on, once `listen()` resolved. */
  get address(): ListenAddress | undefined {
    return this.#address;
  }

  /**
   * Starts the shared queue's backend when one is configured, then the TCP server (and fills the warm pool). Resolves
   * with the address (the actual port when `port` was 0). Rejects with OrchestratorError `E_LISTEN_FAILED` (cause:
   * the system error, EADDRINUSE...; the call may be retried), `E_QUEUE_BACKEND` (cause: the backend's fatal
   * conflict, e.g. an instance id in use), `E_ALREADY_LISTENING` on a second call, `E_CLOSED` after `close()`.
   */
  listen(): Promise<ListenAddress> {
    if (this.#closing !== undefined)
      return Promise.reject(new OrchestratorError('E_CLOSED', 'the orchestrator is closed'));
    if (this.#listening !== undefined)
      return Promise.reject(new OrchestratorError('E_ALREADY_LISTENING', 'listen() was already called'));
    const backendStarted =
      this.#sharedFlow?.start().catch((error: unknown) => {
        throw new OrchestratorError(
          'E_QUEUE_BACKEND',
          `the shared queue cannot start: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }) ?? Promise.resolve();
    this.#listening = backendStarted.then(() => this.#listenTcp());
    this.#listening.catch(() => {
      this.#listening = undefined; // a failed listen() may be retried
    });
    return this.#listening;
  }

  #listenTcp(): Promise<ListenAddress> {
    return new Promise<ListenAddress>((resolve, reject) => {
      const onError = (error: Error): void => {
        reject(
          new OrchestratorError(
            'E_LISTEN_FAILED',
            `cannot listen on ${this.#options.host}:${this.#options.port}: ${error.message}`,
            { cause: error },
          ),
        );
      };
      this.#server.once('error', onError);
      this.#server.listen(
        { host: this.#options.host, port: this.#options.port, backlog: this.#options.backlog },
        () => {
          this.#server.off('error', onError);
          const info = this.#server.address();
          const address = {
            host: this.#options.host,
            port: typeof info === 'object' && info !== null ? info.port : this.#options.port,
          };
          this.#address = address;
          this.#launcher.start();
          this.emit('listening', address);
          resolve(address);
        },
      );
    });
  }

  /**
   * Graceful shutdown: stops accepting connections, tells queued players SHUTTING_DOWN and closes them, cancels
   * launches still starting (their players are told SHUTTING_DOWN too), stops warm children, lets running games go
   * on for up to `drainMs`, then tells the remaining children to stop and SIGKILLs them after `shutdownGraceMs`.
   * Resolves once every child has exited and every connection is closed. Idempotent (a second call returns the same
   * promise). Never rejects.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.drainMs ?? ORCHESTRATOR_DEFAULTS.drainMs);
    return this.#closing;
  }

  /** A snapshot of clients, queues, games, processes and ports. O(modes). */
  stats(): OrchestratorStats {
    const table = this.#connections.table;
    const ring = this.#options.ring;
    const pool = this.#launcher.pool;
    return {
      connectedClients: table.size,
      awaitingHello: table.countIn('awaitingHello'),
      queued: this.#flow.queuedCount,
      queuedByMode: Object.fromEntries(this.#flow.queuedByMode()),
      matched: table.countIn('matched'),
      gamesStarting: this.#launcher.startingGames,
      gamesRunning: this.#launcher.runningCount,
      maxGames: this.#options.maxGames,
      processes: this.#launcher.processes,
      warmIdle: pool.idleCount,
      warmBooting: pool.bootingCount,
      warmTarget: pool.targetSize,
      warmStarted: pool.totals.started,
      warmShrunk: pool.totals.shrunk,
      ports: { total: ring.capacity, free: ring.available, inUse: ring.inUse, quarantined: ring.quarantined },
      closing: this.#closing !== undefined,
      sharedQueue:
        this.#sharedFlow === undefined
          ? undefined
          : { instanceId: this.#options.queueBackend!.instanceId, available: this.#sharedFlow.available },
      admission: this.#launcher.admission,
    };
  }

  /** The games starting or running, oldest first. O(games). */
  games(): GameInfo[] {
    const now = performance.now();
    return this.#launcher.games().map((game) => gameInfo(game, now, this.#launcher.liveness(game)));
  }

  /** Every port of the ring, ascending by port number: its state and, in use, the game holding it. O(N log N). */
  ports(): PortInfo[] {
    return portInfos(this.#options.ring, this.#launcher.portHolders());
  }

  /**
   * One entry per configured mode, in configuration order: this orchestrator's waiting players, how long the
   * longest-waiting of them has waited, and (shared queue) every host's waiting players as last read. Cheap: O(modes)
   * with the local queue, O(modes + this host's queued players) with a shared one.
   */
  queues(): QueueInfo[] {
    return this.#flow.queues(performance.now());
  }

  /**
   * Ends a running game for an operator: its child is told to stop (IPC `shutdown`, reason `endedByOperator`: the
   * players get the game-over "server stopped the game" with their scores; it exits SHUTDOWN) and is SIGKILLed if
   * still alive `graceMs` later (default `shutdownGraceMs`). Emits `gameEndRequested`; the game is `ending` in
   * `games()` until its child exits, and its `gameEnded` carries `endRequest` (the reason). A second call for a game
   * already ending changes nothing and returns the same answer.
   * @throws OrchestratorError `E_INVALID_ARGUMENT` (a reason that is not 1..200 characters or holds a control
   * character; a `graceMs` that is not an integer in 0..2^31 - 1), `E_GAME_NOT_FOUND` (no game starting or running
   * has that id), `E_GAME_NOT_RUNNING` (the game is still starting: retry in a moment).
   */
  endGame(gameId: string, options: EndGameOptions): EndedGame {
    const request = checkEndGame(gameId, options, this.#options.shutdownGraceMs);
    const emit: Emit = (event, payload) => this.emit(event, payload);
    return endRunningGame(this.#launcher.game(gameId), gameId, request, emit);
  }

  /**
   * The orchestrators registered in the shared queue (see `QueueBackend.hosts`), or undefined with the local queue
   * or a backend that cannot list them. Rejects with OrchestratorError `E_QUEUE_BACKEND` (cause: the backend's
   * error) when the store cannot be read.
   */
  async queueHosts(): Promise<QueueHost[] | undefined> {
    const backend = this.#options.queueBackend;
    if (backend?.hosts === undefined) return undefined;
    try {
      return await backend.hosts();
    } catch (error) {
      throw new OrchestratorError(
        'E_QUEUE_BACKEND',
        `the shared queue's hosts cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  async #close(drainMs: number): Promise<void> {
    const logger = this.#options.logger;
    this.#connections.stopAccepting();
    const serverClosed = new Promise<void>((resolve) => {
      if (!this.#server.listening) return resolve();
      this.#server.close(() => resolve());
    });
    this.emit('shutdown', { phase: 'draining' });
    this.#launcher.close();
    this.#flow.stop();
    let drainTimer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.#launcher.whenNoGames().then(() => true),
      new Promise<false>((resolve) => {
        drainTimer = setTimeout(() => resolve(false), drainMs);
      }),
    ]);
    clearTimeout(drainTimer);
    if (!drained) {
      logger.info('drain deadline passed; stopping the remaining games', { games: this.#launcher.runningCount });
    }
    this.emit('shutdown', { phase: 'stopping' });
    this.#launcher.stopAll(this.#options.shutdownGraceMs);
    await this.#launcher.whenNoProcesses();
    // Connections still closing (match-found or error sent) get their linger; then whatever is left is destroyed.
    let lingerTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#connections.whenEmpty(),
      new Promise<void>((resolve) => {
        lingerTimer = setTimeout(resolve, CLOSE_WAIT_MS);
      }),
    ]);
    clearTimeout(lingerTimer);
    this.#connections.destroyAll();
    await this.#connections.whenEmpty();
    await serverClosed;
    await this.#options.spawner.close?.();
    // Last: the claims of the games cancelled above went back to the queue before this host leaves it.
    await this.#sharedFlow?.close().catch((error: unknown) => logger.warn('shared queue close failed', { error }));
    this.#options.ring.close();
    this.emit('shutdown', { phase: 'closed' });
  }
}

/** How often the admission controller samples the host CPU. */
const ADMISSION_SAMPLE_MS = 500;

/** How long `close()` waits for closing connections before destroying them. */
const CLOSE_WAIT_MS = 3_000;

/**
 * Creates an orchestrator (not listening yet: call `listen()`).
 * @throws OrchestratorError `E_INVALID_OPTIONS` for bad options.
 */
export function createOrchestrator(options: OrchestratorOptions): Orchestrator {
  return new Orchestrator(options);
}
