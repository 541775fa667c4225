/** A queue-position update from the orchestrator while the player waits for a match. */
export interface QueueStatus {
  /** 1-based place in the mode's queue (1 = in the next game). */
  readonly position: number;
  /** The mode the player waits for, when the server says. */
  readonly mode: string | undefined;
}

/**
 * A match the orchestrator found: where the game child listens and the signed connect token that admits this
 * player. Hand it to `connect()` before `tokenExpiresAt`.
 */
export interface MatchFound {
  readonly gameId: string;
  /** Host of the game child, already resolved: the server's `''` ("the host you reached") is replaced by it. */
  readonly host: string;
  /** UDP port of the game child. */
  readonly port: number;
  /** The player's slot in the game. */
  readonly slot: number;
  /** Opaque connect token (bearer credential: keep it private). */
  readonly token: Uint8Array;
  /** Epoch ms after which the child refuses the token (also for reconnects). */
  readonly tokenExpiresAt: number;
  /** The player name sent in hello. */
  readonly name: string;
  /** The mode the player was queued for (as the server said, else as asked), undefined if neither said. */
  readonly mode: string | undefined;
  /** Milliseconds from hello sent to match-found received. */
  readonly timeToMatchMs: number;
}
