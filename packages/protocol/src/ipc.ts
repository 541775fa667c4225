import { ProtocolError } from './errors.js';

/**
 * The IPC contract between the orchestrator and a child game process (Node's `fork` channel, JSON
 * serialization). It lives here, in the one package both sides may import, so that the orchestrator
 * never imports `@proj/game-child` and the two can never disagree on a field.
 *
 * Flow: a child starts, optionally idle in a warm pool (`idle`, answered with one `warmUp` if it asks for
 * it), receives `start` with its game, binds
 * its UDP port and answers `ready` (or `bindFailed`, then exits), plays, reports `gameOver`, and exits
 * with a {@link GameExitCode}. The parent may send `shutdown` at any time. The per-game secret only
 * ever travels in `start`, never in argv or the environment, where `ps` would show it.
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
}

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
  | { readonly type: 'warmUp' };

/** Why the orchestrator asks a child to stop. */
export const ShutdownReason = {
  /** The orchestrator is shutting down and its drain deadline passed. */
  ORCHESTRATOR_STOPPING: 'orchestratorStopping',
  /** The game ran past its maximum duration. */
  MAX_DURATION: 'maxDuration',
  /** A warm child is no longer needed. */
  POOL_SHRINK: 'poolShrink',
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
  | IpcStatsMessage;

/**
 * A running child's packet counters, sent while its game is on (at most about once a second, only when a count
 * moved), once more right before `gameOver`, and a last time before it exits if packets were dropped while it
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
}

/** The most reasons one `stats` message may carry. */
export const IPC_MAX_STATS_REASONS = 64;
/** The largest count of one reason in one `stats` message (2^32 - 1). */
export const IPC_MAX_STATS_COUNT = 0xffff_ffff;

/** One player's result as reported in `gameOver`. */
export interface IpcPlayerResult {
  readonly slot: number;
  readonly name: string;
  readonly score: number;
  readonly connected: boolean;
}

/** Exit codes of a child game process, so the parent knows why it ended without parsing logs. */
export const GameExitCode = {
  /** The game was played to its end. */
  GAME_OVER: 0,
  /** Uncaught error (Node's own code for an uncaught exception). */
  CRASHED: 1,
  /** Nobody joined before the join deadline. */
  NO_PLAYERS: 10,
  /** Every player left or went silent. */
  ALL_LEFT: 11,
  /** The parent orchestrator went away (IPC channel closed). */
  PARENT_GONE: 12,
  /** The UDP port could not be bound. */
  BIND_FAILED: 13,
  /** The `start` message was invalid. */
  BAD_START: 14,
  /** The game reached its maximum duration. */
  MAX_DURATION: 15,
  /** The orchestrator asked the child to stop. */
  SHUTDOWN: 16,
} as const;
/** A value of {@link GameExitCode}. */
export type GameExitCode = (typeof GameExitCode)[keyof typeof GameExitCode];

const exitCodeNames = new Map<number, string>(Object.entries(GameExitCode).map(([name, code]) => [code, name]));

/** The name of a child's exit code ('GAME_OVER', 'NO_PLAYERS', ...), or `EXIT_<n>` for an unknown one. */
export function describeGameExitCode(code: number): string {
  return exitCodeNames.get(code) ?? `EXIT_${code}`;
}

type Obj = Record<string, unknown>;

function fail(message: string): never {
  throw new ProtocolError('E_INVALID_IPC_MESSAGE', `invalid IPC message: ${message}`);
}
function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(o: Obj, key: string, maxLength = 256): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLength)
    fail(`${key} must be a non-empty string of at most ${maxLength} characters`);
  return v;
}
function int(o: Obj, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(`${key} must be an integer in [${min}, ${max}]`);
  return v;
}

function parseAssignment(v: unknown): GameAssignment {
  if (!isObj(v)) fail('game must be an object');
  const playersRaw = v['players'];
  if (!Array.isArray(playersRaw) || playersRaw.length === 0 || playersRaw.length > 255)
    fail('players must be a non-empty array of at most 255');
  const seen = new Set<number>();
  const players = playersRaw.map((p: unknown) => {
    if (!isObj(p)) fail('each player must be an object');
    const slot = int(p, 'slot', 0, 254);
    if (seen.has(slot)) fail(`slot ${slot} appears twice`);
    seen.add(slot);
    return { slot, name: str(p, 'name', 64) };
  });
  const secretBase64 = str(v, 'secretBase64', 1024);
  if (Buffer.from(secretBase64, 'base64').length < 32) fail('secretBase64 must decode to at least 32 bytes');
  const options = v['options'];
  if (options !== undefined && !isObj(options)) fail('options must be an object');
  const maxDurationMs = v['maxDurationMs'];
  if (maxDurationMs !== undefined) int(v, 'maxDurationMs', 1, 2 ** 31 - 1);
  return {
    gameId: str(v, 'gameId', 64),
    mode: str(v, 'mode', 64),
    bindHost: str(v, 'bindHost', 255),
    port: int(v, 'port', 1, 65535),
    players,
    secretBase64,
    tokenExpiresAt: int(v, 'tokenExpiresAt', 0, Number.MAX_SAFE_INTEGER),
    ...(maxDurationMs !== undefined ? { maxDurationMs: maxDurationMs as number } : {}),
    ...(options !== undefined ? { options } : {}),
  };
}

const STATS_REASON = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

function parseDropped(v: unknown): Record<string, number> {
  if (!isObj(v)) fail('dropped must be an object');
  const reasons = Object.keys(v);
  if (reasons.length > IPC_MAX_STATS_REASONS) fail(`dropped must have at most ${IPC_MAX_STATS_REASONS} reasons`);
  // A prototype-less record: a reason can never reach Object.prototype (and the pattern already rules out __proto__).
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const reason of reasons) {
    if (!STATS_REASON.test(reason))
      fail(`dropped reason ${JSON.stringify(reason.slice(0, 40))} must be 1..32 letters, digits or _`);
    out[reason] = int(v, reason, 0, IPC_MAX_STATS_COUNT);
  }
  return out;
}

const shutdownReasons = new Set<string>(Object.values(ShutdownReason));

/**
 * Validates a message received from the parent. Returns it typed, or throws
 * ProtocolError 'E_INVALID_IPC_MESSAGE' naming the bad field ('E_UNSUPPORTED_VERSION' for a
 * `start` of another IPC version). Never throws anything else.
 */
export function parseParentToChildMessage(value: unknown): ParentToChildMessage {
  if (!isObj(value)) fail('not an object');
  switch (value['type']) {
    case 'start': {
      const ipcVersion = value['ipcVersion'];
      if (ipcVersion !== IPC_VERSION) {
        throw new ProtocolError(
          'E_UNSUPPORTED_VERSION',
          `IPC version ${String(ipcVersion)} is not supported (expected ${IPC_VERSION})`,
        );
      }
      return { type: 'start', ipcVersion, game: parseAssignment(value['game']) };
    }
    case 'shutdown': {
      const reason = value['reason'];
      if (typeof reason !== 'string' || !shutdownReasons.has(reason)) fail('unknown shutdown reason');
      return { type: 'shutdown', reason: reason as ShutdownReason, graceMs: int(value, 'graceMs', 0, 2 ** 31 - 1) };
    }
    case 'warmUp':
      return { type: 'warmUp' };
    default:
      return fail(`unknown type ${JSON.stringify(value['type'])}`);
  }
}

/**
 * Validates a message received from a child. Returns it typed, or throws ProtocolError
 * 'E_INVALID_IPC_MESSAGE' naming the bad field. Never throws anything else.
 */
export function parseChildToParentMessage(value: unknown): ChildToParentMessage {
  if (!isObj(value)) fail('not an object');
  switch (value['type']) {
    case 'idle': {
      const warmUp = value['warmUp'];
      if (warmUp !== undefined && typeof warmUp !== 'boolean') fail('warmUp must be a boolean');
      return warmUp === true ? { type: 'idle', warmUp: true } : { type: 'idle' };
    }
    case 'ready':
      return { type: 'ready', gameId: str(value, 'gameId', 64), port: int(value, 'port', 1, 65535) };
    case 'bindFailed':
      return {
        type: 'bindFailed',
        gameId: str(value, 'gameId', 64),
        port: int(value, 'port', 1, 65535),
        errorCode: str(value, 'errorCode', 64),
        message: str(value, 'message', 1024),
      };
    case 'gameOver': {
      const raw = value['results'];
      if (!Array.isArray(raw) || raw.length > 255) fail('results must be an array of at most 255');
      const results = raw.map((r: unknown) => {
        if (!isObj(r)) fail('each result must be an object');
        const score = r['score'];
        if (typeof score !== 'number' || !Number.isFinite(score)) fail('score must be a finite number');
        if (typeof r['connected'] !== 'boolean') fail('connected must be a boolean');
        return { slot: int(r, 'slot', 0, 254), name: str(r, 'name', 64), score, connected: r['connected'] };
      });
      return { type: 'gameOver', gameId: str(value, 'gameId', 64), reason: str(value, 'reason', 64), results };
    }
    case 'stats':
      return { type: 'stats', gameId: str(value, 'gameId', 64), dropped: parseDropped(value['dropped']) };
    default:
      return fail(`unknown type ${JSON.stringify(value['type'])}`);
  }
}
