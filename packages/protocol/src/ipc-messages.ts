/**
 * The IPC contract between the orchestrator and a child game process (Node's `fork` channel, JSON
 * serialization). It lives here, in the one package both sides may import, so that the orchestrator
 * never imports `@proj/game-child` and the two can never disagree on a field.
 *
 * Flow: a child starts, optionally idle in a warm pool (`idle`, answered with one `warmUp` if it asks for
 * it), receives `start` with its game, binds
 * its UDP port and answers `ready` (or `bindFailed`, then exits), plays, reports `gameOver`, and exits
 * with a `GameExitCode`. From `start` until its exit it sends a message at least every
 * {@link IPC_HEARTBEAT_INTERVAL_MS} (`stats`, or `heartbeat` when it has nothing else to say), so the parent can
 * tell a live child from a frozen one. The parent may send `shutdown` at any time. The per-game secret only
 * ever travels in `start`, never in argv or the environment, where `ps` would show it.
 *
 * This module holds the messages and their constants; ipc-codes.ts the exit codes, ipc-parse.ts the
 * validation of a received message.
 */

/** Version of this IPC contract; a child refuses a `start` of another version. */
export const IPC_VERSION = 1 as const;

/** One seat in a game: its slot number (0-based) and the player's display name. */
export interface IpcPlayerSlot {
  readonly slot: number;
  readonly name: string;
}

/** Everything a child needs to run one game. */
export interface GameAssignment {
  readonly gameId: string;
  readonly mode: string;
  /** Address to bind the UDP socket on (for example '127.0.0.1' or '0.0.0.0'). */
  readonly bindHost: string;
  readonly port: number;
  readonly players: readonly IpcPlayerSlot[];
  /** The per-game token secret, base64 (at least 32 bytes once decoded). */
  readonly secretBase64: string;
  /** Epoch milliseconds after which the connect tokens of this game are no longer accepted. */
  readonly tokenExpiresAt: number;
  /** Hard limit on the game's length; the child ends the game when it is reached. */
  readonly maxDurationMs?: number;
  /** Game-specific options (tick rate, score to win, ...), passed through untouched. */
  readonly options?: Readonly<Record<string, unknown>>;
  /**
   * The game's module: an absolute file path (at most {@link IPC_MAX_GAME_MODULE_LENGTH} characters, no control
   * characters) of an ES module whose `createGame(assignment)` export makes the game. Absent: the child's own
   * game (the arena for `@proj/game-child/main`).
   */
  readonly gameModule?: string;
}

/** The longest `GameAssignment.gameModule` path accepted (characters). */
export const IPC_MAX_GAME_MODULE_LENGTH = 4096;

/** Messages from the orchestrator to a child. */
export type ParentToChildMessage =
  | { readonly type: 'start'; readonly ipcVersion: number; readonly game: GameAssignment }
  | { readonly type: 'shutdown'; readonly reason: ShutdownReason; readonly graceMs: number }
  /**
   * Sent once to a warm child whose `idle` asked for it (`warmUp: true`); carries nothing and needs no answer.
   * Why: the first IPC message a fresh Node process receives takes about 2 ms longer to arrive than the next
   * ones (measured on Node 20: its channel-reading code runs cold), and that first message should not be the
   * `start` a match is waiting for.
   */
  | { readonly type: 'warmUp' }
  /**
   * Sent while the child starts (after `start`, before or after `ready` crosses it): the player of `slot` left
   * before match-found and another took the seat (backfill). Nobody has joined that slot (its token was never
   * sent), so the child only updates the seat's name. A child that already has a player on the slot ignores it.
   */
  | { readonly type: 'seat'; readonly slot: number; readonly name: string };

/** Why the orchestrator asks a child to stop. */
export const ShutdownReason = {
  /** The orchestrator is shutting down and its drain deadline passed. */
  ORCHESTRATOR_STOPPING: 'orchestratorStopping',
  /** The game ran past its maximum duration. */
  MAX_DURATION: 'maxDuration',
  /** A warm child is no longer needed. */
  POOL_SHRINK: 'poolShrink',
  /**
   * An operator ended the running game (`Orchestrator.endGame`). The child ends it as for any other shutdown: its
   * players get the game-over "server stopped the game" with their scores, and it exits SHUTDOWN.
   */
  ENDED_BY_OPERATOR: 'endedByOperator',
} as const;
/** A value of {@link ShutdownReason}. */
export type ShutdownReason = (typeof ShutdownReason)[keyof typeof ShutdownReason];

/** Messages from a child to the orchestrator. */
export type ChildToParentMessage =
  /**
   * A warm child is up and waiting for a `start`. With `warmUp: true` it asks the parent for one `warmUp` message
   * first (a parent that does not know it ignores the field; a child that does not ask never gets one).
   */
  | { readonly type: 'idle'; readonly warmUp?: true }
  /** The child's UDP socket is bound on `port`; players may be told to come. */
  | { readonly type: 'ready'; readonly gameId: string; readonly port: number }
  /** The UDP bind failed (for example EADDRINUSE: another program holds the port); the child exits next. */
  | {
      readonly type: 'bindFailed';
      readonly gameId: string;
      readonly port: number;
      readonly errorCode: string;
      readonly message: string;
    }
  /** The game ended; the child exits after a short linger. */
  | {
      readonly type: 'gameOver';
      readonly gameId: string;
      readonly reason: string;
      readonly results: readonly IpcPlayerResult[];
    }
  | IpcStatsMessage
  | IpcJoinReport
  /**
   * Liveness: "this child, playing `gameId`, is still here". A child sends it when it has sent nothing else for
   * {@link IPC_HEARTBEAT_INTERVAL_MS}, from its `start` until it exits (while it starts, and while it lingers after
   * `gameOver`; while the game runs the periodic `stats` already do). Needs no answer. A parent may kill a child
   * that stays silent a few intervals.
   */
  | IpcHeartbeatMessage;

/**
 * Which seats were taken and which nobody came for, sent once per game when its join phase ends: when play begins
 * (every player joined, or the join deadline passed with at least one) or, if it never began, right before
 * `gameOver`. `joined` and `missing` are disjoint lists of slots of the game (each 0..254, at most 255 in all).
 * The orchestrator holds the seats' players (and their addresses) as unconfirmed until it arrives, and counts each
 * `missing` seat as a no-show of its player's address and name. A child that does not send it (older, or one that
 * died) costs nobody a no-show.
 */
export interface IpcJoinReport {
  readonly type: 'joinReport';
  readonly gameId: string;
  /** Slots bound by their player (at least once). */
  readonly joined: readonly number[];
  /** Slots nobody ever bound. */
  readonly missing: readonly number[];
}

/** See {@link ChildToParentMessage}: a child's liveness signal. */
export interface IpcHeartbeatMessage {
  readonly type: 'heartbeat';
  /** The game of the `start` the child received. */
  readonly gameId: string;
}

/**
 * The longest a child with a game (from `start` until its exit) stays silent on the IPC channel: it sends a message
 * (any; `heartbeat` when it has nothing else) at least this often. A parent allows several times this (its silence
 * timeout) before it calls the child unresponsive. A warm child waiting for `start` sends nothing.
 */
export const IPC_HEARTBEAT_INTERVAL_MS = 1_000;

/**
 * A running child's packet counters (and its tick health, see {@link IpcTickHealth}), sent while its game is on
 * (at most about once a second; only when a count moved, unless it carries `health`), once more right before
 * `gameOver`, and a last time before it exits if packets were dropped while it
 * lingered. `dropped` holds **deltas**: for each reason (the child's drop reasons: `malformed`, `tokenForged`,
 * `rateLimited`...), the UDP datagrams dropped or denied since this child's previous `stats`. Reasons without new
 * drops are left out, so the parent only adds the counts up. The IPC channel is ordered and lossless while it is
 * open, so nothing is counted twice; what a child had not sent when it died is lost (a few seconds' worth at most).
 * Bounded: at most {@link IPC_MAX_STATS_REASONS} reasons, each named by 1..32 letters, digits or `_` (starting with a
 * letter), each count an integer in 0..{@link IPC_MAX_STATS_COUNT}; a child with more to report sends it later.
 */
export interface IpcStatsMessage {
  readonly type: 'stats';
  readonly gameId: string;
  /** UDP datagrams dropped (or denied) since the previous `stats`, by reason. */
  readonly dropped: Readonly<Record<string, number>>;
  /**
   * How the game's tick loop kept up since the previous report that carried one (optional: a child that does not
   * know it, or a last report after the game ended, leaves it out). A child that sends it sends it at every report
   * while its game runs, also when no packet was dropped.
   */
  readonly health?: IpcTickHealth;
  /**
   * The slots whose player is connected now: bound to an address and not timed out (optional: a child that does not
   * know it, or a report after the game ended, leaves it out). A child that sends it sends it at every report while
   * its game runs, so the parent can show who plays. Bounded: at most 255 distinct slots, each an integer in 0..254.
   */
  readonly connected?: readonly number[];
}

/**
 * The tick health of a running game over one reporting interval (see {@link IpcStatsMessage.health}). Bounded:
 * `tickRateHz` a finite number in 1..1000; `ticks` and `skippedTicks` integers in 0..{@link IPC_MAX_STATS_COUNT};
 * every duration a finite number of ms in 0..{@link IPC_MAX_STATS_MS}, with `intervalMs` > 0 and
 * `lateP50Ms <= lateP99Ms <= lateMaxMs`.
 */
export interface IpcTickHealth {
  /** The rate the game's loop is meant to tick at. */
  readonly tickRateHz: number;
  /** How long the interval covered, ms (since the previous report, or since the game started). */
  readonly intervalMs: number;
  /** Ticks run in the interval. */
  readonly ticks: number;
  /**
   * Tick lateness (how long after its due time a tick started), ms, over the interval's ticks: median, 99th
   * percentile and maximum (percentiles may be rounded up to a histogram bucket's bound, never above the maximum).
   * All 0 when no tick ran.
   */
  readonly lateP50Ms: number;
  readonly lateP99Ms: number;
  readonly lateMaxMs: number;
  /** Ticks skipped in the interval because the loop fell too far behind. */
  readonly skippedTicks: number;
  /** CPU time (user + system) the child process used in the interval, ms. */
  readonly cpuMs: number;
}

/** The most reasons one `stats` message may carry. */
export const IPC_MAX_STATS_REASONS = 64;
/** The largest count of one reason in one `stats` message (2^32 - 1). */
export const IPC_MAX_STATS_COUNT = 0xffff_ffff;
/** The largest duration (ms) a `stats` message's {@link IpcTickHealth} may carry: one hour. */
export const IPC_MAX_STATS_MS = 3_600_000;

/** One player's result as reported in `gameOver`. */
export interface IpcPlayerResult {
  readonly slot: number;
  readonly name: string;
  readonly score: number;
  readonly connected: boolean;
}
