/** The configuration of one game mode. */
export interface ModeConfig {
  /** How many players one game of this mode needs (K): a safe integer >= 1, else `E_INVALID_GROUP_SIZE`. */
  readonly playersPerGame: number;
}

/** What `new Matchmaker()` takes. */
export interface MatchmakerOptions {
  /**
   * The game modes, fixed for the matchmaker's life: `{ duel: { playersPerGame: 2 } }`. At least one mode
   * (`E_INVALID_CONFIG` otherwise). Their key order is the order of `Matchmaker#modes`.
   */
  readonly modes: Readonly<Record<string, ModeConfig>>;
}

/** One player of a {@link Group}, as it was when the group was taken. */
export interface Member<Id, Payload> {
  /** The player's id, as given to `join`. */
  readonly id: Id;
  /** The payload given to `join` (`undefined` when none was given). */
  readonly payload: Payload;
  /**
   * The player's arrival stamp: a number from a counter shared by all modes, taken at `join` and kept through
   * `requeueFront`. Smaller means arrived earlier; it is what cross-mode fairness compares.
   */
  readonly arrival: number;
}

/** K players of one mode, taken from the front of its queue, in arrival (queue) order. */
export interface Group<Id, Payload> {
  /** The mode the group was formed in. */
  readonly mode: string;
  /** The members, first-queued first. */
  readonly members: readonly Member<Id, Payload>[];
}

/** A waiting player and its current place in its mode's queue. */
export interface WaitingPlayer<Id, Payload> extends Member<Id, Payload> {
  /** The mode the player waits in. */
  readonly mode: string;
  /** 0-based place in the mode's queue: 0 is the front (next to be matched). */
  readonly position: number;
}

/**
 * The payload argument of `join`: optional when `Payload` admits `undefined` (the default), required otherwise.
 */
export type PayloadArgs<Payload> = undefined extends Payload ? [payload?: Payload] : [payload: Payload];
