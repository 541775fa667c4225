import { DropReason } from '@proj/game-child';
import type {
  OrchestratorEventName,
  OrchestratorEvents,
  OrchestratorStats,
  AdmissionState,
  GameInfo as OrchestratorGame,
} from '@proj/orchestrator';
import type { AdmissionInfo, GameInfo } from './admin-info.js';
import type { PackageLogger } from './logger.js';
import type { ServerMetrics, ServerStats } from './metrics.js';
import { RefusalLog } from './refusal-log.js';

/** The default summary interval of refusal logs (`--log-summary-interval`). */
export const DEFAULT_LOG_SUMMARY_INTERVAL_MS = 10_000;

/** The part of an orchestrator that {@link observeOrchestrator} listens to. */
export interface OrchestratorEventSource {
  on<E extends OrchestratorEventName>(event: E, listener: (payload: OrchestratorEvents[E]) => void): () => void;
}

/** The pids of live child processes, as the orchestrator's events report them. */
export class ChildPids {
  readonly #pids = new Set<number>();

  /** Records a started child. */
  add(pid: number | undefined): void {
    if (pid !== undefined) this.#pids.add(pid);
  }

  /** Records an exited child. */
  delete(pid: number | undefined): void {
    if (pid !== undefined) this.#pids.delete(pid);
  }

  /** The pids of the children still alive, oldest first. */
  list(): number[] {
    return [...this.#pids];
  }

  /**
   * SIGKILLs every child still alive, synchronously: the last resort when the server itself is about to die without
   * a drain (uncaught error). Never throws.
   */
  killAll(): void {
    for (const pid of this.#pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

const dropReasons = new Set<string>(Object.values(DropReason));

/**
 * The `reason` label of a packet drop a child reported: one of @proj/game-child's DropReason names, or `other`. A
 * child is validated but not trusted: this keeps the number of series bounded whatever it sends.
 */
export function packetRejectReason(reason: string): string {
  return dropReasons.has(reason) ? reason : 'other';
}

/**
 * Subscribes the logs, the metrics and the pid tracker to every orchestrator event: one structured log line per
 * event worth one (gameId, mode, port, players, childPid, reason... as fields; `pid` stays the server's own),
 * counters and histograms moved. Refusals (connections refused at accept, clients closed for a bad frame or a
 * timeout) are all counted by reason, but logged through `refusals` (default: a {@link RefusalLog} of
 * {@link DEFAULT_LOG_SUMMARY_INTERVAL_MS} whose folded lines are counted by the metrics), so that a flood cannot
 * flood the log. Returns a function that unsubscribes and writes the pending summaries.
 */
export function observeOrchestrator(
  source: OrchestratorEventSource,
  metrics: ServerMetrics,
  logger: PackageLogger,
  children: ChildPids,
  refusals: RefusalLog = new RefusalLog({
    logger,
    intervalMs: DEFAULT_LOG_SUMMARY_INTERVAL_MS,
    onFolded: (reason) => metrics.recordLogLineFolded(reason),
  }),
): () => void {
  let listened = false;
  const offs = [
    source.on('listening', ({ host, port }) => {
      listened = true;
      logger.info('listening for players (TCP)', { host, port });
    }),
    source.on('clientConnected', ({ clientId, remoteAddress }) => {
      metrics.recordConnection();
      logger.debug('client connected', { clientId, remoteAddress });
    }),
    source.on('clientRejected', ({ remoteAddress, code, reason }) => {
      metrics.recordConnectionRejected(reason);
      refusals.record('connection', reason, remoteAddress, { code });
    }),
    source.on('frameRejected', ({ clientId, remoteAddress, code, reason }) => {
      metrics.recordFrameRejected(reason);
      // The message names the reason (HELLO_TIMEOUT, IDLE_TIMEOUT, BAD_FRAME...): not every close is a bad frame.
      refusals.record('client', reason, remoteAddress, { clientId, code });
    }),
    source.on('playerQueued', ({ clientId, name, mode, position }) => {
      metrics.recordPlayerQueued(mode);
      logger.debug('player queued', { clientId, player: name, mode, position });
    }),
    source.on('playerLeft', ({ clientId, name, mode, reason }) => {
      metrics.recordPlayerLeft(reason);
      logger.debug('player left the queue', { clientId, player: name, mode, reason });
    }),
    source.on('seatBackfilled', ({ gameId, mode, slot, leftClientId, clientId, name }) => {
      metrics.recordSeatBackfilled(mode);
      logger.debug('seat backfilled', { gameId, mode, slot, leftClientId, clientId, player: name });
    }),
    source.on('gameStarting', ({ gameId, mode, port, players, pid, warm }) => {
      logger.debug('game starting', { gameId, mode, port, players, childPid: pid, warm });
    }),
    source.on('gameStarted', ({ gameId, mode, port, players, pid, warm, spawnMs, timeToMatchMs }) => {
      metrics.recordSpawn(spawnMs, warm);
      metrics.recordGameStarted(mode, timeToMatchMs);
      logger.info('game started', {
        gameId,
        mode,
        port,
        players: players.map((name, slot) => ({ slot, name })),
        childPid: pid,
        warm,
        spawnMs: round(spawnMs),
        timeToMatchMs: round(timeToMatchMs),
      });
    }),
    source.on('playersNoShow', ({ gameId, mode, players, backoffs }) => {
      metrics.recordNoShows(mode, players.length, backoffs);
      // One line per game (bounded by the games started), and one warning per refusal it caused.
      logger.info('players never joined their game', { gameId, mode, players });
      for (const { kind, key, noShows, backoffMs } of backoffs) {
        logger.warn('hellos refused for no-shows', { kind, [kind]: key, noShows, backoffMs });
      }
    }),
    source.on('gameLaunchFailed', ({ gameId, mode, port, reason, requeued, errorCode }) => {
      metrics.recordLaunchFailure(reason);
      logger.warn('game launch failed', {
        gameId,
        mode,
        port,
        reason,
        requeued,
        ...(errorCode !== undefined ? { errorCode } : {}),
      });
    }),
    source.on('gameEndRequested', ({ gameId, mode, port, pid, reason }) => {
      logger.info('game end requested by an operator', { gameId, mode, port, childPid: pid, endRequest: reason });
    }),
    source.on('gameEnded', ({ gameId, mode, port, pid, reason, exitCode, signal, durationMs, results, endRequest }) => {
      metrics.recordGameEnded(mode, durationMs);
      const fields = {
        gameId,
        mode,
        port,
        childPid: pid,
        reason,
        exitCode,
        signal,
        durationMs: Math.round(durationMs),
        ...(results !== undefined ? { results } : {}),
        ...(endRequest !== undefined ? { endRequest } : {}),
      };
      if (reason === 'CRASHED' || reason.startsWith('SIGNAL_')) logger.warn('game ended abnormally', fields);
      else logger.info('game ended', fields);
    }),
    source.on('childPacketStats', ({ gameId, mode, port, pid, dropped }) => {
      for (const [reason, count] of Object.entries(dropped))
        metrics.recordPacketsRejected(packetRejectReason(reason), count);
      logger.debug('UDP packets rejected by a game', { gameId, mode, port, childPid: pid, dropped });
    }),
    source.on('childUnresponsive', ({ gameId, mode, port, pid, state, silentMs }) => {
      metrics.recordChildUnresponsive(state);
      logger.warn('game child silent too long (frozen?): killed, its port freed', {
        gameId,
        mode,
        port,
        childPid: pid,
        state,
        silentMs: Math.round(silentMs),
      });
    }),
    source.on('childTickStats', ({ mode, lateP99Ms }) => metrics.recordTickLateP99(mode, lateP99Ms)),
    source.on('portAcquired', ({ port, gameId }) => logger.debug('port taken', { port, gameId })),
    source.on('portReleased', ({ port, gameId }) => logger.debug('port released', { port, gameId })),
    source.on('portQuarantined', ({ port, gameId, errorCode }) => {
      metrics.recordPortQuarantined();
      logger.warn('port quarantined: the child could not bind it', { port, gameId, errorCode });
    }),
    source.on('childSpawned', ({ pid, warm }) => {
      children.add(pid);
      logger.debug('child process started', { childPid: pid, warm });
    }),
    source.on('warmChildReady', ({ pid, bootMs }) =>
      logger.debug('warm child ready', { childPid: pid, bootMs: round(bootMs) }),
    ),
    source.on('childExited', ({ pid, state, exitCode, signal, reason }) => {
      children.delete(pid);
      metrics.recordChildExit(reason);
      logger.debug('child process exited', { childPid: pid, state, exitCode, signal, reason });
    }),
    // The shutdown of an orchestrator that never listened (a start that failed) is no news: the failure is.
    source.on('shutdown', ({ phase }) => {
      if (listened) logger.info(`shutdown: ${phase}`, { phase });
      else logger.debug(`shutdown: ${phase}`, { phase });
    }),
  ];
  return () => {
    for (const off of offs) off();
    refusals.flush();
  };
}

/** Maps the orchestrator's stats to what the metrics read; every configured mode gets a queue length, 0 included. */
export function toServerStats(stats: OrchestratorStats, modes: readonly string[]): ServerStats {
  const queued: Record<string, number> = {};
  for (const mode of modes) queued[mode] = 0;
  Object.assign(queued, stats.queuedByMode);
  return {
    queued,
    clients: stats.connectedClients,
    gamesStarting: stats.gamesStarting,
    gamesRunning: stats.gamesRunning,
    maxGames: stats.maxGames,
    portsFree: stats.ports.free,
    portsQuarantined: stats.ports.quarantined,
    portsTotal: stats.ports.total,
    warmChildren: stats.warmIdle,
    warmBooting: stats.warmBooting,
    warmTarget: stats.warmTarget,
    childProcesses: stats.processes,
    draining: stats.closing,
    admission: stats.admission,
  };
}

/** Maps one orchestrator game to the /games entry. */
export function toGameInfo(game: OrchestratorGame, now = Date.now()): GameInfo {
  return {
    id: game.gameId,
    mode: game.mode,
    port: game.port,
    players: game.players,
    pid: game.pid,
    state: game.state,
    launchedAt: new Date(now - game.ageMs).toISOString(),
    ageMs: Math.round(game.ageMs),
    ...(game.tickRateHz !== undefined ? { tickRateHz: game.tickRateHz } : {}),
    ...(game.tickLateP99Ms !== undefined ? { tickLateP99Ms: round(game.tickLateP99Ms) } : {}),
    ...(game.cpuPercent !== undefined ? { cpuPercent: round(game.cpuPercent) } : {}),
    ...(game.lastHeardMs !== undefined ? { lastHeardMs: Math.round(game.lastHeardMs) } : {}),
    late: game.late,
  };
}

/** Maps the orchestrator's admission state to its /games entry (host CPU rounded to 0.001, lateness to 0.1 ms). */
export function toAdmissionInfo(state: AdmissionState): AdmissionInfo {
  return {
    open: state.open,
    reason: state.reason,
    ...(state.hostCpu !== undefined ? { hostCpu: Math.round(state.hostCpu * 1000) / 1000 } : {}),
    startsInFlight: state.startsInFlight,
    worstTickLateMs: round(state.worstTickLateMs),
  };
}
