import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { PortRing } from '@proj/port-ring';
import { type IpcPlayerSlot, generateGameSecret } from '@proj/protocol';
import { AdmissionController, type AdmissionSettings, type AdmissionState } from './admission.js';
import type { ChildExit, ChildSpawner } from './child-process.js';
import { type PoolClock, WarmPool } from './warm-pool.js';
import { type WarmPoolPolicy, warmPoolTarget } from './warm-pool-policy.js';
import { ConditionWaiters } from './condition-waiters.js';
import {
  type Emit,
  type LaunchOutcome,
  type LaunchedGame,
  type ModeGameSettings,
  exitReason,
  gameAssignment,
} from './launched-game.js';
import { LaunchBackoff } from './launch-backoff.js';
import type { Logger } from './logger.js';
import { GamePorts } from './game-ports.js';
import { type ChildObserver, type ChildState, ManagedChild } from './managed-child.js';
import { ChildWatchdog, type WatchdogClock } from './child-watchdog.js';
import { PortTombstone } from './port-tombstone.js';

/** Options of {@link GameLauncher} (already validated by the orchestrator). */
export interface GameLauncherOptions {
  readonly spawner: ChildSpawner;
  readonly ring: PortRing;
  /** The cap: games running (or starting) at once, and processes alive (warm + busy). */
  readonly maxGames: number;
  /** The warm pool's bounds, buffer, refill rate and shrink delay. */
  readonly warmPool: WarmPoolPolicy;
  /** Groups of players formed in the queues and not launched yet: demand the warm pool counts. */
  readonly waitingGroups: () => number;
  /** The warm pool's clock (tests); default Node's timers. */
  readonly poolClock?: PoolClock;
  /** The liveness watchdog's clock (tests); default Node's timers and performance.now(). */
  readonly watchdogClock?: WatchdogClock;
  /** Address the children bind their UDP sockets on. */
  readonly bindHost: string;
  readonly readyTimeoutMs: number;
  readonly shutdownGraceMs: number;
  /** 0: no maximum. */
  readonly maxGameDurationMs: number;
  /** A child with a game silent on IPC for longer is SIGKILLed; 0: never. */
  readonly childSilenceTimeoutMs: number;
  readonly tokenTtlMs: number;
  readonly logger: Logger;
  readonly emit: Emit;
  /** Called (synchronously) when a port or a process slot may have become free: re-run matching. */
  readonly onCapacity: () => void;
  /** Admission by capacity: cold starts in flight, host CPU, the running games' tick lateness. */
  readonly admission: AdmissionSettings;
  /** A running game's child reported which seats were joined and which nobody came for (once per game at most). */
  readonly onJoinReport?: (game: LaunchedGame, joined: readonly number[], missing: readonly number[]) => void;
  /** A game that had started is over: its child exited (after any join report). */
  readonly onGameEnded?: (game: LaunchedGame) => void;
}

/**
 * How long the port of a game whose child was killed as frozen answers its players' datagrams with a game over
 * (ABORTED) before it goes back to the ring: they learn at once, not from their own silence timeout (the client SDK's
 * is 5 s); players send inputs every tick, so a second or two covers all of them.
 */
const FROZEN_NOTICE_MS = 2_000;
/** How long after a warm child took a game its replacement is started. */
const REFILL_DELAY_MS = 20;
/** How long after its maximum duration a game's child that has not ended it is told to stop. */
const MAX_DURATION_SLACK_MS = 1_000;

/**
 * Starts games: takes a port from the ring, a warm child from the pool or a new process, and sends it the game;
 * then owns the port until the child's exit, when it goes back exactly once (or, after a bind failure, into
 * quarantine). Enforces the cap: busy processes never exceed `maxGames`, and warm + busy processes never do either.
 * After several launch failures in a row (crashes, timeouts) it pauses launching with an exponential backoff, so a
 * broken child entry cannot turn into a fork loop.
 */
export class GameLauncher {
  readonly #options: GameLauncherOptions;
  readonly #pool: WarmPool;
  readonly #games = new Map<ManagedChild, LaunchedGame>();
  readonly #byId = new Map<string, LaunchedGame>();
  #processes = 0;
  #starting = 0;
  /**
   * Games whose child was still booting at launch (a fresh process, or a warm child taken before its idle) and
   * that have not settled yet: the cold starts in flight.
   */
  readonly #coldStarts = new Set<LaunchedGame>();
  #running = 0;
  readonly #admission: AdmissionController;
  readonly #backoff: LaunchBackoff;
  /** The ports of the games: each taken at launch, given back exactly once (released or quarantined). */
  readonly #ports: GamePorts;
  #closed = false;
  /** Waiters re-checked after each child exit. */
  readonly #exitWaiters = new ConditionWaiters();
  /** Running games whose child was killed as frozen: their port gives their players a notice before it is freed. */
  readonly #silenced = new WeakSet<LaunchedGame>();
  /** The game-over notices on the ports of frozen games, until their port goes back. */
  readonly #tombstones = new Set<PortTombstone>();
  /** Kills the children with a game that went silent (frozen, stopped, wedged). */
  readonly #watchdog: ChildWatchdog<ManagedChild>;
  /** The clock of the children's `lastHeardAt` and of the watchdog. */
  readonly #now: () => number;

  constructor(options: GameLauncherOptions) {
    this.#options = options;
    this.#backoff = new LaunchBackoff(options.logger, options.onCapacity);
    const watchdogClock = options.watchdogClock;
    this.#now = watchdogClock === undefined ? () => performance.now() : () => watchdogClock.now();
    this.#watchdog = new ChildWatchdog({
      timeoutMs: options.childSilenceTimeoutMs,
      children: () => this.#games.keys(),
      onSilent: (child, silentMs) => this.#onSilent(child, silentMs),
      ...(options.watchdogClock !== undefined ? { clock: options.watchdogClock } : {}),
    });
    this.#ports = new GamePorts(options.ring, options.emit, options.onCapacity);
    this.#admission = new AdmissionController(
      options.admission,
      { startsInFlight: () => this.#coldStarts.size, activeGames: () => this.#games.size },
      options.onCapacity,
    );
    this.#pool = new WarmPool(
      {
        spawn: () => this.#spawn(true),
        budget: () => this.#options.maxGames - this.#processes,
        // One bound on the processes booting at once: cold starts first (a waiting group never waits for a warm
        // boot: it takes the booting child), warm boots in the slots they leave.
        startSlots: () => this.#options.admission.maxConcurrentStarts - this.#coldStarts.size - this.#pool.bootingCount,
        hostHasRoom: () => this.#admission.hostHasRoom(),
        target: () =>
          warmPoolTarget(options.warmPool, {
            activeGames: this.#games.size,
            waitingGroups: this.#closed ? 0 : options.waitingGroups(),
            room: this.#options.maxGames - this.busyProcesses,
          }),
      },
      {
        bootTimeoutMs: options.readyTimeoutMs,
        shutdownGraceMs: options.shutdownGraceMs,
        refillRate: options.warmPool.refillRate,
        shrinkDelayMs: options.warmPool.shrinkDelayMs,
        logger: options.logger,
        ...(options.poolClock !== undefined ? { clock: options.poolClock } : {}),
      },
    );
  }

  /** Live child processes: warm, starting, running and exiting. */
  get processes(): number {
    return this.#processes;
  }

  /** Games launched and not yet ready (or failed). */
  get startingGames(): number {
    return this.#starting;
  }

  /** Games whose child holds a process slot (starting, running or exiting). */
  get busyProcesses(): number {
    return this.#processes - this.#pool.size;
  }

  /** The warm pool (read-only use: counts). */
  get pool(): Pick<WarmPool, 'idleCount' | 'bootingCount' | 'size' | 'targetSize' | 'totals'> {
    return this.#pool;
  }

  /** The admission controller's state. */
  get admission(): AdmissionState {
    return this.#admission.state();
  }

  /** Fills the warm pool and starts the admission controller's sampling (call once the orchestrator is up). */
  start(): void {
    this.#admission.start();
    this.#pool.scheduleRefill();
  }

  /**
   * True when a game can be launched now: not closed, not paused after failures, fewer busy processes than the
   * cap, a free port, and the admission controller agrees (cold starts in flight, host CPU, running games' tick
   * lateness). When the port or admission is what is missing, it arranges (once) for `onCapacity` to be called as
   * soon as that clears (a port comes back, including from quarantine; admission opens again).
   */
  canLaunch(): boolean {
    if (this.#closed || this.#backoff.paused) return false;
    if (this.busyProcesses >= this.#options.maxGames) return false;
    // No warm child to hand the game to and no room for one more process (children still exiting): wait.
    if (this.#pool.size === 0 && this.#processes >= this.#options.maxGames) return false;
    if (!this.#ports.hasFree()) return false;
    // A warm child's start costs a bind, not a fork: only the host's load (not the starts in flight) holds it. One
    // still booting adds no start either: it is already counted in the start bound.
    return this.#admission.admits(this.#pool.size > 0);
  }

  /**
   * How many games could be launched now, one after another: 0 when {@link canLaunch} is false, else at least 1 and
   * at most the room under the cap, the free ports, and the warm children plus the cold starts admission still
   * allows. What a claim on a shared queue may ask for; each launch still checks `canLaunch()` first.
   */
  launchRoom(): number {
    if (!this.canLaunch()) return 0;
    const byCap = this.#options.maxGames - this.busyProcesses;
    const coldRoom = Math.max(0, this.#options.admission.maxConcurrentStarts - this.#coldStarts.size);
    const byStarts = this.#pool.idleCount + coldRoom;
    return Math.max(1, Math.min(byCap, this.#ports.free, byStarts));
  }

  /** The demand may have changed (groups formed or left the queues): the warm pool re-reads its target soon. */
  demandChanged(): void {
    if (!this.#closed) this.#pool.scheduleRefill(REFILL_DELAY_MS);
  }

  /**
   * Launches a game for `players` (call only after `canLaunch()` returned true): takes a port, a child, sends it
   * `start`, and calls `onOutcome` exactly once: `ok` when the child reported ready, otherwise the failure reason
   * (never synchronously). The port is the game's until its child exits, whatever the outcome.
   */
  launch(
    mode: string,
    players: readonly IpcPlayerSlot[],
    modeSettings: ModeGameSettings | undefined,
    onOutcome: (game: LaunchedGame, outcome: LaunchOutcome) => void,
  ): LaunchedGame {
    const gameId = randomUUID();
    const port = this.#ports.take(gameId);
    const launchedAt = performance.now();
    const warmChild = this.#pool.take();
    const booting = warmChild === undefined || warmChild.state === 'booting';
    const child = warmChild ?? this.#spawn(false);
    const secret = generateGameSecret();
    const tokenExpiresAt = Date.now() + this.#options.tokenTtlMs;
    const game: LaunchedGame = {
      gameId,
      mode,
      port,
      players,
      secret,
      tokenExpiresAt,
      warm: warmChild !== undefined,
      launchedAt,
      child,
      state: 'starting',
      startedAt: undefined,
      readyAt: undefined,
      results: undefined,
      tickHealth: undefined,
      playersConnected: undefined,
      endRequest: undefined,
    };
    this.#byId.set(gameId, game);
    this.#starting++;
    if (booting) this.#coldStarts.add(game);
    if (child === undefined) {
      this.#ports.release(gameId);
      queueMicrotask(() => this.#settle(game, { ok: false, reason: 'spawnFailed' }, onOutcome));
      return game;
    }
    this.#games.set(child, game);
    this.#watchdog.watch();
    const assignment = gameAssignment(game, this.#options.bindHost, this.#options.maxGameDurationMs, modeSettings);
    this.#options.emit('gameStarting', {
      gameId,
      mode,
      port,
      players: players.map((p) => p.name),
      pid: child.pid,
      warm: game.warm,
    });
    child.start(assignment, this.#options.readyTimeoutMs, (outcome) => this.#settle(game, outcome, onOutcome));
    return game;
  }

  /**
   * Gives the seat `slot` of a game still starting to the player `name` (a backfill: the player before left before
   * match-found): the child is told, the game's seats updated. Returns false, changing nothing, when the game is
   * not starting any more or its child could not be told.
   */
  reseat(game: LaunchedGame, slot: number, name: string): boolean {
    if (game.state !== 'starting' || game.child?.reseat(slot, name) !== true) return false;
    game.players = game.players.map((p) => (p.slot === slot ? { slot, name } : p));
    return true;
  }

  /** Cancels a launch that has not reported ready: its outcome becomes `cancelled` and its child is killed. */
  cancel(game: LaunchedGame): void {
    if (game.state === 'starting') game.child?.cancelStart();
  }

  /** The game `gameId` while it is starting or running (undefined otherwise). O(1). */
  game(gameId: string): LaunchedGame | undefined {
    const game = this.#byId.get(gameId);
    return game === undefined || game.state === 'ended' ? undefined : game;
  }

  /** Port -> the id of the game holding it, for every port a game holds now. O(games). */
  portHolders(): Map<number, string> {
    return this.#ports.holders();
  }

  /** The games starting or running, oldest first. */
  games(): LaunchedGame[] {
    const out: LaunchedGame[] = [];
    for (const game of this.#byId.values()) if (game.state !== 'ended') out.push(game);
    return out;
  }

  /**
   * How long ago the child of `game` was last heard from over IPC (ms), and whether that is late (silent for about
   * two heartbeat intervals: it is killed at `childSilenceTimeoutMs`). `lastHeardMs` is undefined while a cold
   * child boots (not heard from since its fork).
   */
  liveness(game: LaunchedGame): { readonly lastHeardMs: number | undefined; readonly late: boolean } {
    const child = game.child;
    const now = this.#now();
    if (child?.lastHeardAt === undefined) return { lastHeardMs: undefined, late: false };
    return { lastHeardMs: Math.max(0, now - child.lastHeardAt), late: this.#watchdog.isLate(child, now) };
  }

  /** How many games are running (ready, child alive). */
  get runningCount(): number {
    return this.#running;
  }

  /** Stops launching: no more warm children, pending port waits aborted, warm children told to stop. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#backoff.close();
    this.#admission.close();
    this.#ports.close();
    this.#pool.close();
    for (const tombstone of [...this.#tombstones]) tombstone.close();
  }

  /** Cancels every launch still waiting for its child's ready. */
  cancelStarting(): void {
    for (const game of this.#byId.values()) if (game.state === 'starting') game.child?.cancelStart();
  }

  /** Tells every live child to stop (`shutdown` with `graceMs`, then SIGKILL). */
  stopAll(graceMs: number): void {
    for (const child of [...this.#games.keys()]) child.stop('orchestratorStopping', graceMs);
  }

  /** Resolves once no child process is alive (at once when none is). */
  whenNoProcesses(): Promise<void> {
    return this.#exitWaiters.when(() => this.#processes === 0);
  }

  /** Resolves once no game has a live child (none starting, running or exiting). */
  whenNoGames(): Promise<void> {
    return this.#exitWaiters.when(() => this.#games.size === 0);
  }

  #spawn(warm: boolean): ManagedChild | undefined {
    let child: ManagedChild;
    try {
      child = new ManagedChild(this.#options.spawner.spawn(), this.#observer, this.#options.logger, this.#now);
    } catch (error) {
      this.#options.logger.error('the spawner failed to start a child process', { error, warm });
      return undefined;
    }
    this.#processes++;
    const handle = child.handle;
    if (handle.pid === undefined && handle.onSpawn !== undefined) {
      handle.onSpawn((pid) => this.#options.emit('childSpawned', { pid, warm }));
    } else {
      this.#options.emit('childSpawned', { pid: child.pid, warm });
    }
    return child;
  }

  readonly #observer: ChildObserver = {
    idle: (child) => {
      this.#pool.childIdle(child);
      if (this.#pool.has(child)) {
        this.#options.emit('warmChildReady', { pid: child.pid, bootMs: performance.now() - child.spawnedAt });
        // A group held for a start slot may take it now.
        if (!this.#closed) this.#options.onCapacity();
      }
    },
    gameOver: (child, message) => {
      const game = this.#games.get(child);
      if (game !== undefined) game.results = message.results;
    },
    joinReport: (child, { joined, missing }) => {
      const game = this.#games.get(child);
      if (game !== undefined) this.#options.onJoinReport?.(game, joined, missing);
    },
    stats: (child, { dropped, health, connected }) => {
      const game = this.#games.get(child);
      if (game === undefined) return;
      if (connected !== undefined && game.state === 'running') {
        const slots = new Set(connected);
        game.playersConnected = game.players.map(({ slot }) => slots.has(slot));
      }
      // A report that carries tick health or the connected seats comes every second, most often with no drop: only
      // drops are news here.
      if ((health === undefined && connected === undefined) || Object.keys(dropped).length > 0)
        this.#options.emit('childPacketStats', {
          gameId: game.gameId,
          mode: game.mode,
          port: game.port,
          pid: child.pid,
          dropped,
        });
      if (health !== undefined && game.state === 'running') {
        game.tickHealth = health;
        this.#options.emit('childTickStats', {
          gameId: game.gameId,
          mode: game.mode,
          port: game.port,
          pid: child.pid,
          ...health,
        });
        this.#admission.reportTicks(game, health.tickRateHz, health.lateP99Ms);
      }
    },
    exit: (child, exit, previous) => this.#onChildExit(child, exit, previous),
  };

  #onSilent(child: ManagedChild, silentMs: number): void {
    const game = this.#games.get(child);
    if (game === undefined || game.state === 'ended') return;
    this.#options.emit('childUnresponsive', {
      gameId: game.gameId,
      mode: game.mode,
      port: game.port,
      pid: child.pid,
      state: game.state,
      silentMs,
    });
    // SIGKILL (a stopped process ignores SIGTERM); the port goes back on its exit, as for any other end (for a
    // running game, once its players were told, see #releasePort).
    if (game.state === 'running') this.#silenced.add(game);
    child.killUnresponsive();
  }

  /**
   * Gives the port of an ended game back to the ring: at once, or for a game whose child was killed as frozen after
   * {@link FROZEN_NOTICE_MS} of telling its players that the game is over (a {@link PortTombstone}).
   */
  #releasePort(game: LaunchedGame): void {
    if (!this.#silenced.has(game) || this.#closed) {
      this.#ports.release(game.gameId);
      return;
    }
    const tombstone = new PortTombstone(this.#options.bindHost, game.port, FROZEN_NOTICE_MS, () => {
      this.#tombstones.delete(tombstone);
      this.#ports.release(game.gameId);
    });
    this.#tombstones.add(tombstone);
  }

  #settle(
    game: LaunchedGame,
    outcome: LaunchOutcome,
    onOutcome: (game: LaunchedGame, outcome: LaunchOutcome) => void,
  ): void {
    this.#starting--;
    this.#coldStarts.delete(game);
    // A little later: forking is a synchronous call of a millisecond or two, and the new process competes for the
    // CPU while it starts; neither should delay the match-found frames of the game that just started. A warm child
    // is to be replaced, and a cold start that settled frees a start slot.
    this.#pool.scheduleRefill(REFILL_DELAY_MS);
    if (game.child === undefined) this.#byId.delete(game.gameId);
    if (outcome.ok) {
      game.state = 'running';
      this.#running++;
      game.startedAt = Date.now();
      game.readyAt = performance.now();
      this.#backoff.succeeded();
      // The child ends the game itself at maxDurationMs; the orchestrator enforces it a little later.
      if (this.#options.maxGameDurationMs > 0) {
        game.child?.armMaxDuration(
          this.#options.maxGameDurationMs + MAX_DURATION_SLACK_MS,
          this.#options.shutdownGraceMs,
        );
      }
    } else {
      game.state = 'ended';
      // A bind failure is the port's fault (quarantined), a cancel nobody's: neither counts towards the backoff.
      if (outcome.reason === 'bindFailed') this.#ports.quarantine(game.gameId, outcome.errorCode);
      else if (outcome.reason !== 'cancelled') this.#backoff.failed();
    }
    onOutcome(game, outcome);
    // One start fewer in flight: matching may go on if that was what held it.
    if (!this.#closed) this.#admission.recheck();
  }

  #onChildExit(child: ManagedChild, exit: ChildExit, previous: ChildState): void {
    this.#processes--;
    const game = this.#games.get(child);
    const reason = exitReason(exit);
    this.#options.emit('childExited', {
      pid: child.pid,
      state: previous,
      exitCode: exit.code,
      signal: exit.signal,
      reason,
    });
    if (game !== undefined) {
      this.#games.delete(child);
      this.#byId.delete(game.gameId);
      const wasRunning = game.state === 'running';
      game.state = 'ended';
      this.#releasePort(game);
      this.#admission.forgetGame(game);
      if (wasRunning) {
        this.#running--;
        this.#options.emit('gameEnded', {
          gameId: game.gameId,
          mode: game.mode,
          port: game.port,
          pid: child.pid,
          reason,
          exitCode: exit.code,
          signal: exit.signal,
          durationMs: performance.now() - (game.readyAt ?? game.launchedAt),
          ...(game.results !== undefined ? { results: game.results } : {}),
          ...(game.endRequest !== undefined ? { endRequest: game.endRequest } : {}),
        });
        this.#options.onGameEnded?.(game);
      }
    }
    this.#exitWaiters.check();
    // A process slot is free: matching first (a waiting group may take it), then the pool.
    if (!this.#closed) this.#options.onCapacity();
    if (!this.#pool.childExited(child)) this.#pool.scheduleRefill();
  }
}
