import { packetDataCapacity } from '@proj/protocol';
import type { Logger } from './logger.js';

/** A seat in the game, as assigned by the orchestrator. */
export interface GamePlayer {
  /** 0..254, unique in the game. */
  readonly slot: number;
  readonly name: string;
}

/** What the server offers a game. */
export interface GameContext {
  /**
   * Queues a reliable event: delivered in order to the player in slot `to` (or to every player when `to` is
   * undefined), resent until acknowledged. Events queued for a player who is not connected are dropped; a
   * game re-sends what a (re)connecting player needs from `playerConnected`. Throws GameChildError
   * 'E_INVALID_ARGUMENT' if the payload is empty or larger than {@link MAX_RELIABLE_PAYLOAD_BYTES}, or `to`
   * is not a slot of the game.
   */
  sendReliable(payload: Uint8Array, to?: number): void;
  /** The logger given to the server (silent by default). */
  readonly logger: Logger;
}

/** One player's final score. */
export interface GameStanding {
  readonly slot: number;
  readonly score: number;
}

/** How a game ended. */
export interface GameResult {
  /** A short machine-readable reason, at most 64 characters ('scoreReached', 'timeUp', 'allLeft', ...). */
  readonly reason: string;
  /** Every player's final score, ranked best first. */
  readonly standings: readonly GameStanding[];
  /**
   * The game's own encoding of its results, sent to every player in the UDP `gameOver` packet (at most
   * 1,186 bytes, else it is dropped); empty or absent for none.
   */
  readonly data?: Uint8Array;
}

/** Why the server stops a game before the game itself declared it over. */
export const GameStopCause = {
  /** Every player left or went silent. */
  ALL_LEFT: 'allLeft',
  /** The game reached the assignment's maximum duration. */
  MAX_DURATION: 'maxDuration',
  /** The orchestrator asked the child to stop. */
  SHUTDOWN: 'shutdown',
  /** The orchestrator went away. */
  PARENT_GONE: 'parentGone',
} as const;
/** A value of {@link GameStopCause}. */
export type GameStopCause = (typeof GameStopCause)[keyof typeof GameStopCause];

/**
 * The largest reliable event payload a game may send: one 1,200-byte datagram minus the packet header and
 * the event id (1,183 bytes).
 */
export const MAX_RELIABLE_PAYLOAD_BYTES: number = packetDataCapacity('reliableEvent');

/**
 * The plug-in a studio writes: the rules of one game. The server owns sockets, tokens, timing and reliability;
 * the game only sees slots, input bytes and time. Calls come in this order: `setup` once; then any number of
 * `playerConnected` / `playerDisconnected` / `input` / `snapshotFor`; `start` once when play begins (every
 * player joined, or the join deadline passed with at least one); then per tick: the newest unseen input of
 * each player (`input`), `tick`, `result`, and `snapshotFor` each connected player. Once `result()` returns a
 * result (or the server calls `stop`), no more `tick`/`input` calls come.
 *
 * The server calls everything from one thread, never re-entrantly. A method that throws ends the game
 * (the server treats it as a crash of the game, reason 'crashed'), except `input`, whose throw only counts the
 * input as malformed.
 */
export interface Game {
  /** Receives the seats and the context; called once, before anything else. */
  setup(players: readonly GamePlayer[], context: GameContext): void;
  /**
   * Optional. Before anyone joined `slot`, the orchestrator gave the seat to another player (the first one left
   * before its match was found): from now on the seat's name is `name`. Never called for a seat that was joined.
   */
  playerRenamed?(slot: number, name: string): void;
  /** Play begins: the game clock starts. */
  start(): void;
  /**
   * A player's client connected to `slot` (`reconnect` true when the slot was connected before). The game
   * should send it, reliably, whatever it needs to render (map, names).
   */
  playerConnected(slot: number, reconnect: boolean): void;
  /** The player in `slot` left or went silent; it may come back (`playerConnected` with reconnect true). */
  playerDisconnected(slot: number): void;
  /**
   * The newest input of a player, opaque bytes in the game's own encoding. Inputs are unreliable: only the
   * newest one per tick reaches the game. Returns false (or throws) if the bytes are malformed: counted, ignored.
   */
  input(slot: number, payload: Uint8Array): boolean;
  /** Advances the game by `dtMs` (the fixed step). */
  tick(dtMs: number): void;
  /**
   * The state to send to `slot` this tick (unreliable, newest wins), at most the server's snapshot limit (1,183 bytes:
   * one datagram; a larger one ends the game as crashed). The server never mutates it and may send it asynchronously,
   * so a game must not mutate an array after returning it; returning the same array to every slot (encode once per
   * tick) is encouraged.
   */
  snapshotFor(slot: number): Uint8Array;
  /** Undefined while the game runs; its result once it is over (then stable). */
  result(): GameResult | undefined;
  /**
   * The server ends the game early; returns the final standings. Called at most once, and never after
   * `result()` returned a result.
   */
  stop(cause: GameStopCause): GameResult;
}
