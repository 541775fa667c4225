import type { IpcPlayerResult, IpcTickHealth } from '@proj/protocol';
import type { ChildState } from './managed-child.js';
import type { NoShowBackoff } from './no-show-guard.js';

/** Why a queued (or matched) player left the orchestrator without a match-found. */
export type PlayerLeftReason =
  /** The client closed its connection (or it broke). */
  | 'disconnected'
  /** The client sent `cancel`. */
  | 'cancelled'
  /** A queued client sent nothing (not even a ping) for `queuedIdleTimeoutMs`. */
  | 'idleTimeout'
  /** The client sent a malformed, oversized or unexpected frame. */
  | 'protocolError'
  /** The client did not read what it was sent (its write buffer went over `maxWriteBufferBytes`). */
  | 'slowReader'
  /** The orchestrator is shutting down. */
  | 'shutdown'
  /** The queue shared with other orchestrators could not be reached (the client was told QUEUE_UNAVAILABLE). */
  | 'queueUnavailable';

/** Why a game launch did not end with match-found. */
export type LaunchFailureReason =
  /** The child could not bind its UDP port (the port is quarantined). */
  | 'bindFailed'
  /** The child did not report ready before `readyTimeoutMs` (it was killed). */
  | 'readyTimeout'
  /** The child exited before it reported ready. */
  | 'exited'
  /** The IPC channel to the child was closed before `start` could be sent. */
  | 'sendFailed'
  /** The spawner threw or the process could not be started. */
  | 'spawnFailed'
  /** The child went silent on IPC for `childSilenceTimeoutMs` while starting (it was SIGKILLed). */
  | 'unresponsive'
  /** A player disconnected between match and match-found, or the orchestrator is shutting down. */
  | 'cancelled'
  /**
   * Shared queue: the group's claim was no longer this orchestrator's when its game was ready (its lease ended, or
   * the store was out of reach until then): the game was dropped; the queue had put the players back.
   */
  | 'claimLost';

/**
 * Every event of an {@link Orchestrator} and its payload. Payloads are plain objects built for the event; listeners
 * may keep them. Times are milliseconds; `*At` fields are epoch milliseconds.
 */
export interface OrchestratorEvents {
  /** The TCP server is listening. */
  listening: { readonly host: string; readonly port: number };
  /** A TCP connection was accepted into the client table. */
  clientConnected: { readonly clientId: number; readonly remoteAddress: string };
  /**
   * A connection was refused at accept time with an error frame (`code` is the wire error code, `reason` its name):
   * server full, too many from one address, shutting down.
   */
  clientRejected: { readonly remoteAddress: string; readonly code: number; readonly reason: string };
  /**
   * A client was closed with an error frame after it misbehaved: malformed or oversized frame, unexpected
   * message, unsupported version, bad name, unknown mode, hello timeout, idle timeout. (A slow reader gets no error
   * frame, since it does not read: it is destroyed, and a queued or matched one is reported by `playerLeft` with
   * reason `slowReader`.)
   */
  frameRejected: {
    readonly clientId: number;
    readonly remoteAddress: string;
    readonly code: number;
    readonly reason: string;
  };
  /** A player said hello and entered its mode's queue at `position` (0-based). */
  playerQueued: { readonly clientId: number; readonly name: string; readonly mode: string; readonly position: number };
  /** A queued or matched player left without a match-found. */
  playerLeft: {
    readonly clientId: number;
    readonly name: string;
    readonly mode: string;
    readonly reason: PlayerLeftReason;
  };
  /**
   * A player of a game still starting left (see `playerLeft`) and the next queued player of the mode took its seat
   * (`slot`), so the started child is used: the child was told the new name, and the newcomer gets the seat's
   * match-found with the others.
   */
  seatBackfilled: {
    readonly gameId: string;
    readonly mode: string;
    readonly slot: number;
    /** The client who left. */
    readonly leftClientId: number;
    readonly clientId: number;
    readonly name: string;
  };
  /** K players were matched, a port taken and a child chosen; the orchestrator waits for the child's ready. */
  gameStarting: {
    readonly gameId: string;
    readonly mode: string;
    readonly port: number;
    readonly players: readonly string[];
    readonly pid: number | undefined;
    /** True when a warm child took the game, false when a process was started for it. */
    readonly warm: boolean;
  };
  /** The child reported ready and every player was sent match-found. */
  gameStarted: {
    readonly gameId: string;
    readonly mode: string;
    readonly port: number;
    readonly players: readonly string[];
    readonly pid: number | undefined;
    readonly warm: boolean;
    /** From the launch (fork, or `start` to a warm child) to the child's ready. */
    readonly spawnMs: number;
    /** From the hello of the group's last player to match-found sent to every player. */
    readonly timeToMatchMs: number;
  };
  /** A launch failed; `requeued` players went back to the front of their queue. */
  gameLaunchFailed: {
    readonly gameId: string;
    readonly mode: string;
    readonly port: number;
    readonly reason: LaunchFailureReason;
    readonly requeued: number;
    /** For bindFailed: the system error code the child reported (EADDRINUSE...). */
    readonly errorCode?: string;
  };
  /**
   * Players told their match never joined their game (its child reported the seats nobody came for). `backoffs`:
   * the addresses and names this got refused for a while (their hellos get NO_SHOW_BACKOFF until then).
   */
  playersNoShow: {
    readonly gameId: string;
    readonly mode: string;
    readonly players: readonly { readonly slot: number; readonly name: string; readonly remoteAddress: string }[];
    readonly backoffs: readonly NoShowBackoff[];
  };
  /**
   * An operator asked a running game to end (`Orchestrator.endGame`), once per game: its child was told to stop
   * (IPC `shutdown`, reason `endedByOperator`: its players get the game-over "server stopped the game" with their
   * scores) and is SIGKILLed if still alive after the grace period. `gameEnded` follows, with `endRequest`.
   */
  gameEndRequested: {
    readonly gameId: string;
    readonly mode: string;
    readonly port: number;
    readonly pid: number | undefined;
    /** The operator's reason (1..200 characters, no control characters). */
    readonly reason: string;
  };
  /** A game that had started ended: its child exited. */
  gameEnded: {
    readonly gameId: string;
    readonly mode: string;
    readonly port: number;
    readonly pid: number | undefined;
    /** The name of the exit code (GAME_OVER, CRASHED, NO_PLAYERS...; see GameExitCode) or `SIGNAL_<name>`. */
    readonly reason: string;
    readonly exitCode: number | null;
    readonly signal: string | null;
    readonly durationMs: number;
    /** The results the child reported in `gameOver`, when it did. */
    readonly results?: readonly IpcPlayerResult[];
    /** The operator's reason, when the game was ended by `Orchestrator.endGame` (see `gameEndRequested`). */
    readonly endRequest?: string;
  };
  /**
   * A game's child reported UDP datagrams it dropped or denied (malformed, forged token, rate limited...) since
   * its previous report: `dropped` maps each reason (the child's DropReason names, validated by the IPC contract:
   * at most 64, each 1..32 letters, digits or `_`) to how many, so listeners add the counts up. Emitted about
   * once a second per game while packets are dropped, and at the end of the game. A report that is invalid, for
   * another game, or from a child that is not running a game is ignored (and logged).
   */
  childPacketStats: {
    readonly gameId: string;
    readonly mode: string;
    readonly port: number;
    readonly pid: number | undefined;
    readonly dropped: Readonly<Record<string, number>>;
  };
  /**
   * A running game's child reported its tick health over the interval since its previous report (about every
   * second): tick rate, ticks run, tick lateness p50/p99/max (ms after the due time), ticks skipped and the child's
   * CPU time (see `IpcTickHealth` of `@proj/protocol`). The latest one per game is in `Orchestrator.games()`; the
   * admission control holds launches while a game's p99 is over `admissionMaxTickLate` tick periods.
   */
  childTickStats: {
    readonly gameId: string;
    readonly mode: string;
    readonly port: number;
    readonly pid: number | undefined;
  } & IpcTickHealth;
  /**
   * A game's child (starting or running) sent nothing over IPC for longer than `childSilenceTimeoutMs` (a frozen,
   * stopped or wedged process): it is SIGKILLed now. Then, as for any exit, `childExited` and its port goes back to
   * the ring (`portReleased`, once); a starting game also gets `gameLaunchFailed` with reason
   * `unresponsive` (its players go back to the front of their queue), a running one `gameEnded` (`SIGNAL_SIGKILL`).
   */
  childUnresponsive: {
    readonly gameId: string;
    readonly mode: string;
    readonly port: number;
    readonly pid: number | undefined;
    readonly state: 'starting' | 'running';
    /** How long the child had been silent. */
    readonly silentMs: number;
  };
  /** A port was taken from the ring for a game. */
  portAcquired: { readonly port: number; readonly gameId: string };
  /** A port went back to the ring (its child exited). */
  portReleased: { readonly port: number; readonly gameId: string };
  /** A port was set aside because a child could not bind it; it returns after the ring's quarantine time. */
  portQuarantined: { readonly port: number; readonly gameId: string; readonly errorCode: string };
  /** A child process was started. */
  childSpawned: { readonly pid: number | undefined; readonly warm: boolean };
  /** A warm child said idle, `bootMs` after it was started. */
  warmChildReady: { readonly pid: number | undefined; readonly bootMs: number };
  /** A child process ended; `state` is where it was in its life when it did. */
  childExited: {
    readonly pid: number | undefined;
    readonly state: ChildState;
    readonly exitCode: number | null;
    readonly signal: string | null;
    readonly reason: string;
  };
  /**
   * Shared queue: a player of this orchestrator was matched by another orchestrator, which started its game; the
   * match-found came through this orchestrator's inbox and was sent on.
   */
  playerMatchedRemotely: {
    readonly clientId: number;
    readonly name: string;
    readonly mode: string;
    readonly gameId: string;
    readonly host: string;
    readonly port: number;
    /** From the player's hello here to its match-found. */
    readonly timeToMatchMs: number;
  };
  /** Shared queue: its store became reachable (`available`) or not; while not, hellos get QUEUE_UNAVAILABLE. */
  queueAvailability: { readonly instanceId: string; readonly available: boolean };
  /** Shared queue: an unrecoverable conflict (another orchestrator took this instance id, modes differ). */
  queueBackendFailed: { readonly instanceId: string; readonly error: Error };
  /** Shutdown progress: `draining` (no more clients, games finishing), `stopping` (children told to stop), `closed`. */
  shutdown: { readonly phase: 'draining' | 'stopping' | 'closed' };
}

/** The name of an event of {@link OrchestratorEvents}. */
export type OrchestratorEventName = keyof OrchestratorEvents;
