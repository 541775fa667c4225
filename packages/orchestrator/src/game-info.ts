import type { LaunchedGame } from './launched-game.js';

/** One game, as listed by `Orchestrator.games()`. */
export interface GameInfo {
  readonly gameId: string;
  readonly mode: string;
  readonly port: number;
  readonly players: readonly string[];
  readonly pid: number | undefined;
  readonly state: 'starting' | 'running';
  readonly warm: boolean;
  /** Epoch ms when the child reported ready (undefined while starting). */
  readonly startedAt: number | undefined;
  /** Milliseconds since the launch. */
  readonly ageMs: number;
  /** The game's tick rate, from its child's latest tick report (undefined until the first, about 1 s in). */
  readonly tickRateHz: number | undefined;
  /** Tick lateness p99 (ms after the due time) over the child's latest reporting interval. */
  readonly tickLateP99Ms: number | undefined;
  /** The child's CPU use over its latest reporting interval, in % of one core. */
  readonly cpuPercent: number | undefined;
  /**
   * Milliseconds since the child last sent anything over IPC (it does at least every second from its start);
   * undefined while a cold child boots (nothing heard from it since its fork).
   */
  readonly lastHeardMs: number | undefined;
  /**
   * True when the child has been silent for about two heartbeat intervals (2 s, or `childSilenceTimeoutMs` when
   * shorter): it is frozen or overloaded, and is killed once silent for `childSilenceTimeoutMs`.
   */
  readonly late: boolean;
  /** True from an operator's `Orchestrator.endGame` request until the child exits. */
  readonly ending: boolean;
  /**
   * Per slot (the index is the slot, as in `players`): whether the child hears from that seat's player now (bound
   * and not timed out), from its latest report (about every second); undefined until the first one.
   */
  readonly playersConnected: readonly boolean[] | undefined;
}

/** The {@link GameInfo} of `game` at `now` (`performance.now()`), given the liveness of its child. */
export function gameInfo(
  game: LaunchedGame,
  now: number,
  liveness: { readonly lastHeardMs: number | undefined; readonly late: boolean },
): GameInfo {
  const health = game.tickHealth;
  return {
    gameId: game.gameId,
    mode: game.mode,
    port: game.port,
    players: game.players.map((p) => p.name),
    pid: game.child?.pid,
    state: game.state === 'running' ? 'running' : 'starting',
    warm: game.warm,
    startedAt: game.startedAt,
    ageMs: now - game.launchedAt,
    tickRateHz: health?.tickRateHz,
    tickLateP99Ms: health?.lateP99Ms,
    cpuPercent: health === undefined ? undefined : (health.cpuMs / health.intervalMs) * 100,
    ...liveness,
    ending: game.endRequest !== undefined,
    playersConnected: game.playersConnected,
  };
}
