import {
  GameExitCode,
  IPC_HEARTBEAT_INTERVAL_MS,
  ShutdownReason,
  parseParentToChildMessage,
  type ChildToParentMessage,
  type GameAssignment,
} from '@proj/protocol';
import { createArenaGame } from './arena-game.js';
import { DropReport } from './drop-report.js';
import { GameChildError } from './errors.js';
import { createGameFromModule, loadGameModule } from './game-module.js';
import { connectedSlots, joinReport } from './join-report.js';
import type { GameServer } from './game-server.js';
import type { Game } from './game.js';
import { silentLogger, type Logger } from './logger.js';
import { prewarmChild, prewarmTokens } from './prewarm.js';
import type { GameServerOptions } from './server-options.js';
import { startGame } from './start-game.js';
import { TickHealthReport } from './tick-health.js';

/** The parts of `process` a child uses; injectable for tests. */
export interface ChildProcessHost {
  send?: ((message: unknown, callback?: (error: Error | null) => void) => boolean) | undefined;
  readonly connected?: boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
  exit(code: number): void;
}

/** Options of {@link runChildProcess}. */
export interface ChildProcessOptions {
  /**
   * Makes the Game for an assignment. May throw to refuse. Default: the assignment's `gameModule` (its `createGame`
   * export, see loadGameModule) when it names one, else the arena with `assignment.options`; when given, it is used
   * for every assignment, `gameModule` or not.
   */
  readonly createGame?: (assignment: GameAssignment) => Game;
  /**
   * Server options for every game (the assignment's `options.joinTimeoutMs`, `disconnectTimeoutMs`,
   * `lingerMs` and `tickRateHz` apply where these leave them unset).
   */
  readonly server?: Omit<GameServerOptions, 'assignment' | 'game' | 'logger'>;
  readonly logger?: Logger;
  /** Default: the real `process`. */
  readonly host?: ChildProcessHost;
  /** Upper bound on how long the child may take to exit once the parent is gone (default 2,000 ms). */
  readonly parentGoneDeadlineMs?: number;
  /** How often a running game reports its tick health and dropped packets (`stats`, default 1,000 ms). */
  readonly statsIntervalMs?: number;
  /**
   * Liveness: from its `start` until it exits the child sends the parent a `heartbeat` whenever it has sent nothing
   * else for this long (default IPC_HEARTBEAT_INTERVAL_MS, 1,000 ms; the orchestrator kills a child silent for
   * its `childSilenceTimeoutMs`). While the game runs the periodic `stats` do the job, so heartbeats go out while
   * the game starts and while it lingers after `gameOver`.
   */
  readonly heartbeatIntervalMs?: number;
  /**
   * Before `idle`, pay the process's first-use costs with a throwaway arena game on an ephemeral loopback port
   * (see prewarmChild), so a warm child answers `start` about 10 ms sooner (default true). Skipped when the
   * `start` is already there in the first turn of the event loop (a cold child); a `start` that arrives during
   * the warm-up is handled as soon as it is done.
   */
  readonly prewarm?: boolean;
  /**
   * Ignore SIGINT and SIGHUP (default: true when `host` is the real process, false for an injected host). A child
   * is in the server's process group, so Ctrl-C in a terminal (SIGINT) or the terminal closing (SIGHUP) reaches it
   * as well as the server; left to their default, those signals would kill every game at once, before the server
   * could drain. The server alone decides when a game stops: it drains on those signals and tells its children over
   * IPC (or they notice it is gone). SIGTERM keeps its default: the orchestrator uses it to stop a child.
   */
  readonly ignoreTerminalSignals?: boolean;
}

/** Signals a game child ignores (see ChildProcessOptions.ignoreTerminalSignals). */
const TERMINAL_SIGNALS = ['SIGINT', 'SIGHUP'] as const;
const ignoreSignal = (): void => {};

/**
 * Makes this process ignore SIGINT and SIGHUP (idempotent): what {@link runChildProcess} does first. An entry that
 * imports other modules before it calls runChildProcess can call this at its very top to be covered sooner.
 */
export function ignoreTerminalSignals(): void {
  for (const signal of TERMINAL_SIGNALS) {
    if (!process.listeners(signal).includes(ignoreSignal)) process.on(signal, ignoreSignal);
  }
}

const SEND_TIMEOUT_MS = 1000;

function optionNumber(assignment: GameAssignment, key: string): number | undefined {
  const v = assignment.options?.[key];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Runs this process as a game child of the orchestrator, over Node's IPC channel (the process must have been forked
 * with one; otherwise it exits BAD_START). Warms up (unless `prewarm: false`), sends `idle` (asking for a `warmUp`
 * message, which it ignores), waits for a `start` (validated with parseParentToChildMessage; invalid -> exit
 * BAD_START), starts the game on the assigned port and answers `ready` (or `bindFailed`, then exits BIND_FAILED). While
 * it plays it sends `stats` every `statsIntervalMs`: its tick health (tick rate, ticks run, tick lateness p50/p99/max,
 * ticks skipped, its CPU time), the slots whose player is connected now, and the UDP datagrams dropped, by reason,
 * since the previous one. When the game ends it sends its last `stats` then `gameOver` with the results, lingers for
 * acknowledgements, sends the drops of the linger (if any) and exits with the end reason's {@link GameExitCode}, only
 * once all of it was flushed to the parent. From `start` until the exit it never stays silent longer than
 * `heartbeatIntervalMs`: whenever nothing else went out for that long it sends `heartbeat`. `shutdown` ends the game
 * (exit SHUTDOWN, or MAX_DURATION for that reason; an operator's end, `endedByOperator`, is a shutdown like the
 * others) within its grace; a lost parent (IPC disconnect), even while idle, ends the game at once and exits
 * PARENT_GONE within `parentGoneDeadlineMs`. Unless told otherwise (`ignoreTerminalSignals: false`) the process
 * ignores SIGINT and SIGHUP from then on, so a Ctrl-C in the server's terminal lets the server drain its games
 * instead of killing them. Returns immediately.
 */
export function runChildProcess(options: ChildProcessOptions = {}): void {
  if (options.ignoreTerminalSignals ?? options.host === undefined) ignoreTerminalSignals();
  const host: ChildProcessHost = options.host ?? (process as unknown as ChildProcessHost);
  const logger = options.logger ?? silentLogger;
  const deadlineMs = options.parentGoneDeadlineMs ?? 2000;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? IPC_HEARTBEAT_INTERVAL_MS;
  let state: 'idle' | 'starting' | 'running' | 'exiting' = 'idle';
  let server: GameServer | undefined;
  let parentGone = false;
  /** A shutdown that arrived while the game was still starting. */
  let pendingStop: { reason: 'shutdown' | 'maxDuration'; graceMs: number } | undefined;
  /** Seats renamed (backfilled) while the game server did not exist yet: slot -> name. */
  const pendingSeats = new Map<number, string>();
  /** Armed at `start`; every message sent pushes it back, so it fires only after a silence (heartbeatIntervalMs). */
  let heartbeat: NodeJS.Timeout | undefined;
  /** True while the running game's periodic `stats` go out at least as often as heartbeats would. */
  let statsKeepAlive = false;

  const exit = (code: number): void => {
    if (state === 'exiting') return;
    state = 'exiting';
    clearTimeout(heartbeat);
    logger.info('game child exits', { code });
    host.exit(code);
  };

  /** Sends to the parent; calls `then` once it is flushed (or failed, or after a timeout). */
  const send = (message: ChildToParentMessage, then?: () => void): void => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      then?.();
    };
    if (parentGone || host.send === undefined || host.connected === false) return finish();
    const timer = setTimeout(finish, SEND_TIMEOUT_MS);
    try {
      host.send(message, () => {
        clearTimeout(timer);
        finish();
      });
      heartbeat?.refresh();
    } catch {
      clearTimeout(timer);
      finish();
    }
  };

  const run = async (assignment: GameAssignment): Promise<void> => {
    let game: Game;
    try {
      const { gameModule } = assignment;
      if (options.createGame !== undefined) game = options.createGame(assignment);
      else if (gameModule !== undefined)
        game = createGameFromModule(await loadGameModule(gameModule), assignment, gameModule);
      else game = createArenaGame(assignment.options ?? {});
    } catch (error) {
      logger.error('game refused its assignment', { error: String(error) });
      return exit(GameExitCode.BAD_START);
    }
    const s = options.server ?? {};
    try {
      server = await startGame({
        ...s,
        assignment,
        game,
        logger,
        ...(s.joinTimeoutMs === undefined && optionNumber(assignment, 'joinTimeoutMs') !== undefined
          ? { joinTimeoutMs: optionNumber(assignment, 'joinTimeoutMs') }
          : {}),
        ...(s.disconnectTimeoutMs === undefined && optionNumber(assignment, 'disconnectTimeoutMs') !== undefined
          ? { disconnectTimeoutMs: optionNumber(assignment, 'disconnectTimeoutMs') }
          : {}),
        ...(s.lingerMs === undefined && optionNumber(assignment, 'lingerMs') !== undefined
          ? { lingerMs: optionNumber(assignment, 'lingerMs') }
          : {}),
        ...(s.emptyGameTimeoutMs === undefined && optionNumber(assignment, 'emptyGameTimeoutMs') !== undefined
          ? { emptyGameTimeoutMs: optionNumber(assignment, 'emptyGameTimeoutMs') }
          : {}),
      });
    } catch (error) {
      if (error instanceof GameChildError && error.code === 'E_BIND_FAILED') {
        const cause = error.cause as NodeJS.ErrnoException | undefined;
        const errorCode = (cause?.code ?? 'UNKNOWN').slice(0, 64);
        send(
          {
            type: 'bindFailed',
            gameId: assignment.gameId,
            port: assignment.port,
            errorCode,
            message: error.message.slice(0, 1024),
          },
          () => exit(GameExitCode.BIND_FAILED),
        );
        return;
      }
      logger.error('game could not start', { error: String(error) });
      return exit(GameExitCode.BAD_START);
    }
    const running = server;
    state = 'running';
    for (const [slot, name] of pendingSeats) running.renameSeat(slot, name);
    pendingSeats.clear();
    const drops = new DropReport(assignment.gameId, () => running.stats().dropped);
    const reportDrops = (then?: () => void): void => {
      const message = drops.next();
      if (message === undefined) then?.();
      else send(message, then);
    };
    // While the game runs every periodic report carries its tick health (so the orchestrator can tell whether the
    // host keeps up) and who is connected, with or without drops; once it ended, only drops are worth a message.
    const health = new TickHealthReport(running);
    let over = false;
    const reportPeriodic = (): void => {
      if (over) return reportDrops();
      send({
        type: 'stats',
        gameId: assignment.gameId,
        dropped: drops.next()?.dropped ?? {},
        health: health.next(),
        connected: connectedSlots(running.players()),
      });
    };
    // Which seats were taken, once, when the join phase ends (play began, or the game ended before it could):
    // the orchestrator counts the missing ones as no-shows of their players.
    let joinsReported = false;
    const reportJoins = (): void => {
      if (joinsReported) return;
      joinsReported = true;
      send(joinReport(assignment.gameId, running.players()));
    };
    running.on('started', reportJoins);
    const statsIntervalMs = options.statsIntervalMs ?? 1000;
    const statsTimer = setInterval(reportPeriodic, statsIntervalMs);
    statsTimer.unref();
    statsKeepAlive = statsIntervalMs <= heartbeatIntervalMs;
    // Exit only once the results (and the last drop counts) reached the parent too (flushed, failed, or
    // SEND_TIMEOUT_MS): process.exit drops IPC messages still queued, and with a short grace the socket closes
    // right after the game ends. The channel is ordered: the stats sent first arrive before the gameOver.
    const reported = running.ended.then(
      (end) =>
        new Promise<void>((resolve) => {
          over = true;
          // A game that ended while waiting for players: nobody, or nobody still there, came.
          if (end.reason === 'noPlayers' || end.reason === 'allLeft') reportJoins();
          statsKeepAlive = false;
          reportDrops();
          send(
            {
              type: 'gameOver',
              gameId: assignment.gameId,
              reason: (end.result?.reason || end.reason).slice(0, 64),
              results: end.results,
            },
            resolve,
          );
        }),
    );
    void Promise.all([running.closed, reported]).then(([end]) => {
      clearInterval(statsTimer);
      reportDrops(() => exit(end.exitCode));
    });
    if (parentGone) {
      void running.stop('parentGone', 0);
      return;
    }
    send({ type: 'ready', gameId: assignment.gameId, port: running.port });
    // Tokens are verified with node:crypto, which an idle child has not loaded (see prewarmTokens): warm it up
    // in the next turn of the loop, once `ready` is on its way to the parent.
    setImmediate(prewarmTokens);
    if (pendingStop !== undefined) void running.stop(pendingStop.reason, pendingStop.graceMs);
  };

  const onMessage = (raw: unknown): void => {
    let message;
    try {
      message = parseParentToChildMessage(raw);
    } catch (error) {
      logger.warn('invalid message from the parent', { error: String(error) });
      if (state === 'idle') exit(GameExitCode.BAD_START);
      return;
    }
    // Asked for with `idle` (warmUp: true): its only job was to be received, so the `start` is not the first.
    if (message.type === 'warmUp') return;
    // A backfilled seat: renamed now if the game server exists, else as soon as it does.
    if (message.type === 'seat') {
      if (server !== undefined) server.renameSeat(message.slot, message.name);
      else if (state === 'starting') pendingSeats.set(message.slot, message.name);
      return;
    }
    if (message.type === 'start') {
      if (state !== 'idle') return logger.warn('start ignored: this child already has a game');
      state = 'starting';
      const game = message.game;
      const gameId = game.gameId;
      // Once armed it runs until the exit: each firing sends a heartbeat, and that send (like any) re-arms it. While
      // the periodic stats run it only re-arms: a timer of the same period could otherwise fire just before them.
      heartbeat = setTimeout(() => {
        if (statsKeepAlive) heartbeat?.refresh();
        else send({ type: 'heartbeat', gameId });
      }, heartbeatIntervalMs);
      heartbeat.unref?.();
      if (warmedUp === undefined) void run(game);
      else void warmedUp.then(() => (parentGone ? exit(GameExitCode.PARENT_GONE) : run(game)));
      return;
    }
    // shutdown
    const reason = message.reason === ShutdownReason.MAX_DURATION ? 'maxDuration' : 'shutdown';
    if (state === 'idle') return exit(reason === 'maxDuration' ? GameExitCode.MAX_DURATION : GameExitCode.SHUTDOWN);
    if (state === 'running' && server !== undefined) void server.stop(reason, message.graceMs);
    else if (state === 'starting') pendingStop = { reason, graceMs: message.graceMs };
  };

  const onDisconnect = (): void => {
    parentGone = true;
    logger.warn('parent orchestrator gone');
    // Never linger forever: whatever happens below, the process is gone within the deadline.
    setTimeout(() => host.exit(GameExitCode.PARENT_GONE), deadlineMs).unref?.();
    if (state === 'idle') return exit(GameExitCode.PARENT_GONE);
    if (state === 'running' && server !== undefined) void server.stop('parentGone', Math.min(500, deadlineMs / 2));
    // 'starting': run() stops the game as soon as it is bound.
  };

  // Warm up first, then say idle: the orchestrator hands a game to an idle child first, and that one is warm.
  // A cold child (forked for a game at once) finds its `start` already waiting in the first turn of the event
  // loop and skips the warm-up: it would only delay that game. A warm-pool child gets no `start` that soon.
  const warmedUp =
    options.prewarm === false || host.send === undefined
      ? undefined
      : new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
          state === 'idle' ? prewarmChild() : undefined,
        );
  host.on('message', onMessage);
  host.on('disconnect', onDisconnect);
  if (host.send === undefined) {
    logger.error('a game child must be forked with an IPC channel');
    exit(GameExitCode.BAD_START);
    return;
  }
  if (warmedUp === undefined) send({ type: 'idle', warmUp: true });
  else {
    void warmedUp.then(() => {
      if (state === 'idle' && !parentGone) send({ type: 'idle', warmUp: true });
    });
  }
}
