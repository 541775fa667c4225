import type { GameAssignment, IpcPlayerResult, IpcPlayerSlot, IpcTickHealth } from '@proj/protocol';
import { describeGameExitCode } from '@proj/protocol';
import type { ChildExit } from './child-process.js';
import type { OrchestratorEvents } from './events.js';
import type { ManagedChild, StartOutcome } from './managed-child.js';

/** Emits one orchestrator event. */
export type Emit = <E extends keyof OrchestratorEvents>(event: E, payload: OrchestratorEvents[E]) => void;

/** Why a launch failed: a child's start outcome, or no process at all. */
export type LaunchOutcome = StartOutcome | { readonly ok: false; readonly reason: 'spawnFailed' };

/** A game from its launch to its child's exit. */
export interface LaunchedGame {
  readonly gameId: string;
  readonly mode: string;
  readonly port: number;
  /** The seats; a backfill replaces one (see `GameLauncher.reseat`). */
  players: readonly IpcPlayerSlot[];
  /** The per-game token secret (32 random bytes); it leaves this process only inside the `start` IPC message. */
  readonly secret: Uint8Array;
  /** Epoch ms after which the game's connect tokens are refused. */
  readonly tokenExpiresAt: number;
  /** True when a warm child took the game. */
  readonly warm: boolean;
  /** `performance.now()` at launch. */
  readonly launchedAt: number;
  /** Undefined when the spawner failed. */
  readonly child: ManagedChild | undefined;
  state: 'starting' | 'running' | 'ended';
  /** Epoch ms when the child reported ready. */
  startedAt: number | undefined;
  /** `performance.now()` when the child reported ready. */
  readyAt: number | undefined;
  results: readonly IpcPlayerResult[] | undefined;
  /** The tick health of the child's latest `stats` that carried one (undefined until then). */
  tickHealth: IpcTickHealth | undefined;
  /**
   * Per slot: whether its player was connected at the child's latest `stats` that said (undefined until then).
   */
  playersConnected: readonly boolean[] | undefined;
  /** The operator's reason, once `Orchestrator.endGame` asked the game to end (undefined otherwise). */
  endRequest: string | undefined;
}

/** The reason of a child's exit, for events: the exit code's name, `SIGNAL_<name>` or `SPAWN_ERROR`. */
export function exitReason(exit: ChildExit): string {
  if (exit.error !== undefined) return 'SPAWN_ERROR';
  if (exit.signal !== null) return `SIGNAL_${exit.signal}`;
  return describeGameExitCode(exit.code ?? -1);
}

/** What a mode adds to its games' assignments: its game options and its game module. */
export interface ModeGameSettings {
  readonly gameOptions?: Readonly<Record<string, unknown>>;
  readonly gameModule?: string;
}

/**
 * The `start` IPC payload of `game`: the only place its secret leaves the orchestrator (base64, over the IPC
 * channel; never argv or the environment). `maxGameDurationMs` 0 sends no maximum.
 */
export function gameAssignment(
  game: LaunchedGame,
  bindHost: string,
  maxGameDurationMs: number,
  mode: ModeGameSettings | undefined,
): GameAssignment {
  const gameOptions = mode?.gameOptions;
  const gameModule = mode?.gameModule;
  const { secret } = game;
  return {
    gameId: game.gameId,
    mode: game.mode,
    bindHost,
    port: game.port,
    players: game.players,
    secretBase64: Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength).toString('base64'),
    tokenExpiresAt: game.tokenExpiresAt,
    ...(maxGameDurationMs > 0 ? { maxDurationMs: maxGameDurationMs } : {}),
    ...(gameOptions !== undefined ? { options: gameOptions } : {}),
    ...(gameModule !== undefined ? { gameModule } : {}),
  };
}
