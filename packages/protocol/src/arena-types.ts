/**
 * Wire encoding of the default "arena" game of `@proj/game-child`: a grid where players move, dash, collect
 * items and score. The rules live in game-child; only the bytes live here, so that a client (which must not
 * import game-child) can decode them. All integers are big-endian and unsigned. Every decoder treats its
 * input as hostile: it throws a ProtocolError (never anything else): 'E_TRUNCATED', 'E_TRAILING_BYTES',
 * 'E_BAD_LENGTH', 'E_UNKNOWN_TYPE', 'E_UNSUPPORTED_VERSION', 'E_INVALID_UTF8', 'E_PACKET_TOO_LARGE' or
 * 'E_INVALID_FIELD', on a short, long or out-of-range buffer and never allocates more than its input's length.
 *
 * - Input (client -> child, unreliable, newest wins): 2 bytes, {@link ArenaInput}.
 * - Snapshot (child -> client, unreliable, every tick): {@link ArenaSnapshot}, one layout shared by every
 *   player so the child encodes it once per tick; at most {@link ARENA_MAX_SNAPSHOT_BYTES}.
 * - Events (child -> client, reliable): {@link ArenaEvent}, one per reliable message.
 */

/** Version byte at the start of every arena snapshot; a decoder refuses another one. */
export const ARENA_SNAPSHOT_VERSION = 1 as const;

/**
 * The largest snapshot an arena game may produce: 1,200-byte datagram minus room for the UDP packet header,
 * so a snapshot always fits one datagram. Encoders refuse to exceed it.
 */
export const ARENA_MAX_SNAPSHOT_BYTES = 1100;

/** Bytes of the snapshot header before the player entries. */
export const ARENA_SNAPSHOT_HEADER_BYTES = 13;
/** Bytes per player entry in a snapshot. */
export const ARENA_PLAYER_ENTRY_BYTES = 6;
/** Bytes per item entry in a snapshot. */
export const ARENA_ITEM_ENTRY_BYTES = 3;
/** Bytes of an encoded input. */
export const ARENA_INPUT_BYTES = 2;
/** Longest player name in a ROSTER event, in UTF-8 bytes; longer names are cut at a character boundary. */
export const ARENA_MAX_NAME_BYTES = 64;
/** Most players in one ROSTER event (so it always fits one datagram); send several for more. */
export const ARENA_MAX_ROSTER_ENTRIES = 15;
/** Largest grid side; coordinates are one byte. */
export const ARENA_MAX_SIDE = 255;
/** Largest grid (cells) a WELCOME event can describe; its wall bitmap then takes 800 bytes. */
export const ARENA_MAX_CELLS = 6400;

/** Where a player is heading. */
export const ArenaDirection = { NONE: 0, UP: 1, DOWN: 2, LEFT: 3, RIGHT: 4 } as const;
/** A value of {@link ArenaDirection}. */
export type ArenaDirection = (typeof ArenaDirection)[keyof typeof ArenaDirection];

/** Kinds of collectible items. */
export const ArenaItemKind = { GEM: 0, STAR: 1 } as const;
/** A value of {@link ArenaItemKind}. */
export type ArenaItemKind = (typeof ArenaItemKind)[keyof typeof ArenaItemKind];

/** Phases of an arena game. */
export const ArenaPhase = { WAITING: 0, PLAYING: 1, OVER: 2 } as const;
/** A value of {@link ArenaPhase}. */
export type ArenaPhase = (typeof ArenaPhase)[keyof typeof ArenaPhase];

/** Why an arena game ended. */
export const ArenaEndReason = {
  /** A player reached the score to win. */
  SCORE_REACHED: 1,
  /** The time limit ran out. */
  TIME_UP: 2,
  /** Every player left. */
  ALL_LEFT: 3,
  /** The server stopped the game (shutdown, maximum duration, orchestrator gone). */
  STOPPED: 4,
} as const;
/** A value of {@link ArenaEndReason}. */
export type ArenaEndReason = (typeof ArenaEndReason)[keyof typeof ArenaEndReason];

/** Reliable event types of the arena. */
export const ArenaEventType = {
  WELCOME: 1,
  ROSTER: 2,
  PLAYER_STATUS: 3,
  ITEM_COLLECTED: 4,
  BUMP: 5,
  GAME_OVER: 6,
} as const;
/** A value of {@link ArenaEventType}. */
export type ArenaEventType = (typeof ArenaEventType)[keyof typeof ArenaEventType];

/**
 * A player's input. `direction` is the heading the player wants (held until changed; NONE stops).
 * `dashCounter` is incremented (mod 256) by the client on every dash key press; the game dashes once per
 * change, so resending the same input is harmless and a lost input does not lose a dash.
 */
export interface ArenaInput {
  readonly direction: ArenaDirection;
  readonly dashCounter: number;
}

/** One player in a snapshot. */
export interface ArenaPlayerState {
  readonly slot: number;
  readonly x: number;
  readonly y: number;
  readonly direction: ArenaDirection;
  readonly connected: boolean;
  readonly stunned: boolean;
  readonly dashReady: boolean;
  /** 0..65535. */
  readonly score: number;
}

/** One item on the grid. */
export interface ArenaItem {
  readonly x: number;
  readonly y: number;
  readonly kind: ArenaItemKind;
}

/** The whole visible state of an arena at one tick. */
export interface ArenaSnapshot {
  readonly phase: ArenaPhase;
  /** True when interest management left players out (only those nearest to the receiver are listed). */
  readonly partial: boolean;
  /** Game tick number (mod 2^32). */
  readonly tick: number;
  /** Milliseconds until the time limit (0..2^32-1). */
  readonly remainingMs: number;
  readonly players: readonly ArenaPlayerState[];
  readonly items: readonly ArenaItem[];
}

/** A player's seat and name in a ROSTER event. */
export interface ArenaRosterEntry {
  readonly slot: number;
  readonly name: string;
}

/** One player's final standing in a GAME_OVER event. */
export interface ArenaStanding {
  readonly slot: number;
  readonly score: number;
  readonly connected: boolean;
}

/** A reliable arena event. */
export type ArenaEvent =
  /** Sent to a player when it connects (and reconnects): its slot, the grid and the rules. */
  | {
      readonly type: typeof ArenaEventType.WELCOME;
      readonly yourSlot: number;
      readonly width: number;
      readonly height: number;
      readonly scoreToWin: number;
      readonly timeLimitMs: number;
      readonly moveIntervalMs: number;
      /** Row-major, `walls[y * width + x]` is true for a wall. */
      readonly walls: readonly boolean[];
    }
  /** Names of up to {@link ARENA_MAX_ROSTER_ENTRIES} players (on connect a player gets rosters of everyone). */
  | { readonly type: typeof ArenaEventType.ROSTER; readonly players: readonly ArenaRosterEntry[] }
  /** A player connected or disconnected. */
  | { readonly type: typeof ArenaEventType.PLAYER_STATUS; readonly slot: number; readonly connected: boolean }
  /** A player picked up an item and now has `score`. */
  | {
      readonly type: typeof ArenaEventType.ITEM_COLLECTED;
      readonly slot: number;
      readonly kind: ArenaItemKind;
      readonly x: number;
      readonly y: number;
      readonly score: number;
    }
  /** `attacker` dashed into `victim`, stole a point and stunned it. */
  | {
      readonly type: typeof ArenaEventType.BUMP;
      readonly attacker: number;
      readonly victim: number;
      readonly attackerScore: number;
      readonly victimScore: number;
    }
  /** The game ended; `standings` is ranked, winner first. */
  | {
      readonly type: typeof ArenaEventType.GAME_OVER;
      readonly reason: ArenaEndReason;
      readonly standings: readonly ArenaStanding[];
    };
