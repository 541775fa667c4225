import { GAME_SECRET_BYTES, type GameAssignment } from '@proj/protocol';
import type { Clock } from './clock.js';
import { GameChildError } from './errors.js';
import type { Game } from './game.js';
import type { Logger } from './logger.js';
import type { RateLimit } from './rate-limiter.js';

/**
 * The tick rate of a game that sets none: 20 Hz. A 4-player arena child costs about 0.6x its CPU at 30 Hz (measured:
 * `pnpm bench child-cpu`), the arena's default 150 ms moves land every third tick instead of every 4.5th (so on
 * alternating 4 and 5 ticks at 30 Hz), and an input waits at most 50 ms for its tick. Fast-paced games set their own
 * (`tickRateHz`, or `tickRateHz` in the mode's game options).
 */
export const DEFAULT_TICK_RATE_HZ = 20;

/** Options of {@link startGame}. Only `assignment` is required. */
export interface GameServerOptions {
  /**
   * The game to run, as the orchestrator sends it (`start` IPC message). In-process use may bind port 0 (any
   * free port; read `GameServer.port`). `options.tickRateHz` (1..240) sets the tick rate unless `tickRateHz`
   * is given; the other `options` go to the default game.
   */
  readonly assignment: GameAssignment;
  /** The rules; default: the arena, `createArenaGame(assignment.options)`. A Game instance serves one game. */
  readonly game?: Game;
  /**
   * Ticks (and snapshots) per second, 1..240 (default `assignment.options.tickRateHz`, else
   * {@link DEFAULT_TICK_RATE_HZ}, 20).
   */
  readonly tickRateHz?: number;
  /**
   * How long the game waits for all its players: at this many ms after the start it begins with those who joined,
   * or ends with `noPlayers` if none did (default 15,000).
   */
  readonly joinTimeoutMs?: number;
  /**
   * A game that nobody has joined this many ms after its start ends with `noPlayers` at once, without waiting for
   * the rest of `joinTimeoutMs`, so a match whose players never come frees its port quickly (default 5,000; at most
   * `joinTimeoutMs`). Players told of their match connect within milliseconds; this bounds what no-shows cost.
   */
  readonly emptyGameTimeoutMs?: number;
  /** A player silent this long is marked disconnected; its slot may then be rebound (default 5,000). */
  readonly disconnectTimeoutMs?: number;
  /** After the game ends, how long at most to wait for players to acknowledge it (default 1,500). */
  readonly lingerMs?: number;
  /** Packet rate allowed from a player's address (default: 4 per tick + 60 a second, burst of one second). */
  readonly playerRateLimit?: RateLimit;
  /** Packet rate allowed from each address that holds no slot (default 10 a second, burst 20). */
  readonly strangerRateLimit?: RateLimit;
  /** Packet rate allowed from all addresses that hold no slot, together (default 2,000 a second, burst 500). */
  readonly strangerGlobalRateLimit?: RateLimit;
  /** Most sender addresses tracked for rate limiting (default 4,096); beyond, new strangers are dropped. */
  readonly maxTrackedAddresses?: number;
  /** Kernel socket buffer size asked for, both directions (default 4 MiB; the OS may cap it). */
  readonly socketBufferBytes?: number;
  /** Time source (default: the real clock). */
  readonly clock?: Clock;
  /** Where to log (default: silent). */
  readonly logger?: Logger;
}

/** Options with defaults applied and everything validated. @internal */
export interface ResolvedServerOptions {
  readonly assignment: GameAssignment;
  readonly secret: Uint8Array;
  readonly tickRateHz: number;
  readonly joinTimeoutMs: number;
  readonly emptyGameTimeoutMs: number;
  readonly disconnectTimeoutMs: number;
  readonly lingerMs: number;
  readonly playerRateLimit: RateLimit;
  readonly strangerRateLimit: RateLimit;
  readonly strangerGlobalRateLimit: RateLimit;
  readonly maxTrackedAddresses: number;
  readonly socketBufferBytes: number;
}

function bad(message: string): never {
  throw new GameChildError('E_INVALID_ARGUMENT', message);
}

function intIn(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    bad(`${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  return v;
}

function rate(name: string, v: RateLimit | undefined, fallback: RateLimit): RateLimit {
  if (v === undefined) return fallback;
  if (typeof v.perSecond !== 'number' || !(v.perSecond > 0) || !Number.isFinite(v.perSecond))
    bad(`${name}.perSecond must be a positive number`);
  if (typeof v.burst !== 'number' || !(v.burst >= 1) || !Number.isFinite(v.burst))
    bad(`${name}.burst must be a number >= 1`);
  return v;
}

/** Validates options and fills defaults. Throws GameChildError 'E_INVALID_ARGUMENT' naming the bad field. @internal */
export function resolveServerOptions(options: GameServerOptions): ResolvedServerOptions {
  const a = options.assignment;
  if (typeof a !== 'object' || a === null) bad('assignment is required');
  if (typeof a.gameId !== 'string' || a.gameId.length === 0) bad('assignment.gameId must be a non-empty string');
  if (typeof a.bindHost !== 'string' || a.bindHost.length === 0) bad('assignment.bindHost must be a non-empty string');
  intIn('assignment.port', a.port, 0, 65535);
  if (!Array.isArray(a.players) || a.players.length === 0 || a.players.length > 255)
    bad('assignment.players must hold 1..255 seats');
  const slots = new Set<number>();
  for (const p of a.players) {
    intIn('assignment.players[].slot', p.slot, 0, 254);
    if (slots.has(p.slot)) bad(`slot ${p.slot} appears twice`);
    slots.add(p.slot);
    if (typeof p.name !== 'string') bad('assignment.players[].name must be a string');
  }
  const secret =
    typeof a.secretBase64 === 'string' ? new Uint8Array(Buffer.from(a.secretBase64, 'base64')) : new Uint8Array();
  if (secret.length < GAME_SECRET_BYTES)
    bad(`assignment.secretBase64 must decode to at least ${GAME_SECRET_BYTES} bytes`);
  if (typeof a.tokenExpiresAt !== 'number' || !Number.isFinite(a.tokenExpiresAt))
    bad('assignment.tokenExpiresAt must be a number');
  if (a.maxDurationMs !== undefined) intIn('assignment.maxDurationMs', a.maxDurationMs, 1, 2 ** 31 - 1);
  const optionRate = a.options?.['tickRateHz'];
  const tickRateHz = intIn('tickRateHz', options.tickRateHz ?? optionRate ?? DEFAULT_TICK_RATE_HZ, 1, 240);
  const maxTrackedAddresses = intIn('maxTrackedAddresses', options.maxTrackedAddresses ?? 4096, 16, 1_000_000);
  const perTickRate = tickRateHz * 4 + 60;
  const joinTimeoutMs = intIn('joinTimeoutMs', options.joinTimeoutMs ?? 15_000, 1, 3_600_000);
  const emptyGameTimeoutMs = intIn('emptyGameTimeoutMs', options.emptyGameTimeoutMs ?? 5_000, 1, 3_600_000);
  return {
    assignment: a,
    secret,
    tickRateHz,
    joinTimeoutMs,
    emptyGameTimeoutMs: Math.min(emptyGameTimeoutMs, joinTimeoutMs),
    disconnectTimeoutMs: intIn('disconnectTimeoutMs', options.disconnectTimeoutMs ?? 5000, 1, 600_000),
    lingerMs: intIn('lingerMs', options.lingerMs ?? 1500, 0, 60_000),
    playerRateLimit: rate('playerRateLimit', options.playerRateLimit, { perSecond: perTickRate, burst: perTickRate }),
    strangerRateLimit: rate('strangerRateLimit', options.strangerRateLimit, { perSecond: 10, burst: 20 }),
    strangerGlobalRateLimit: rate('strangerGlobalRateLimit', options.strangerGlobalRateLimit, {
      perSecond: 2000,
      burst: 500,
    }),
    maxTrackedAddresses,
    socketBufferBytes: intIn('socketBufferBytes', options.socketBufferBytes ?? 4 * 1024 * 1024, 0, 256 * 1024 * 1024),
  };
}
