import type { ClientError } from './errors.js';

/** Where a session is: playing over its socket, reconnecting from a new one, or over. */
export type SessionState = 'open' | 'reconnecting' | 'ended';

/** A game-state snapshot from the child (unreliable; only ones newer than the last delivered are emitted). */
export interface Snapshot {
  /** The child's tick number (u32). */
  readonly tick: number;
  /**
   * The game's own state bytes (for the arena: `decodeArenaSnapshot`). A view: copy it to keep it past the listener.
   */
  readonly data: Uint8Array;
}

/** A reliable event from the child, delivered once, in order (see the README for the rules). */
export interface ReliableEvent {
  /** The child's event id (u32, per conversation). */
  readonly eventId: number;
  /** The game's own event bytes (for the arena: `decodeArenaEvent`). */
  readonly data: Uint8Array;
}

/** The game ended. */
export interface GameOver {
  /** A GameOverReason (tolerate unknown values). */
  readonly reason: number;
  /** Its name ('COMPLETED', 'GAME_OVER_<n>' for an unknown one). */
  readonly reasonName: string;
  /** The game's own results bytes (for the arena: an arena GAME_OVER event, `decodeArenaEvent`). */
  readonly data: Uint8Array;
}

/** The child ended this player's session. */
export interface Disconnect {
  /** A DisconnectReason (tolerate unknown values). */
  readonly reason: number;
  /** Its name ('TIMEOUT', 'DISCONNECT_<n>' for an unknown one). */
  readonly reasonName: string;
}

/** How a session ended: exactly one of these, once. */
export type SessionEnd =
  /** The game was played to its end (or stopped by the server) and the child said so. */
  | { readonly kind: 'gameOver'; readonly gameOver: GameOver }
  /** The child disconnected the player (`error` is the matching E_DISCONNECTED). */
  | { readonly kind: 'disconnected'; readonly disconnect: Disconnect; readonly error: ClientError<'E_DISCONNECTED'> }
  /** The session failed: E_SERVER_TIMEOUT (child gone), or a failed reconnect (E_CONNECT_TIMEOUT, E_DENIED...). */
  | { readonly kind: 'failed'; readonly error: ClientError }
  /** The application closed it (`close()`). */
  | { readonly kind: 'closed' };

/**
 * Events of a {@link GameSession}. Listeners run synchronously inside the socket's receive handler: keep them
 * short and do not throw. `end` is always the last event, emitted once.
 */
export interface GameSessionEvents {
  snapshot: [snapshot: Snapshot];
  event: [event: ReliableEvent];
  /** Before `end` when the game ended. */
  gameOver: [gameOver: GameOver];
  /** Before `end` when the child disconnected the player. */
  disconnect: [disconnect: Disconnect];
  /** A reconnect began: the old socket is closed, a new one is asking for the slot again. */
  reconnecting: [];
  /** The reconnect succeeded: a fresh conversation on a new socket (the game resends what it needs). */
  reconnected: [];
  end: [end: SessionEnd];
}

/** Link figures of a session, cumulative since connect (also across reconnects). */
export interface SessionStats {
  /** Smoothed round-trip time from ping/pong, ms (undefined before the first pong). */
  readonly rttMs: number | undefined;
  /** RTT variation (RFC 6298 RTTVAR), ms. */
  readonly rttVarMs: number;
  /** The newest ping/pong sample, ms. */
  readonly lastRttMs: number | undefined;
  /** Smoothed RTT from acks of my packets, ms: includes the child's wait for its next packet (up to a tick). */
  readonly ackRttMs: number | undefined;
  /** Fraction (0..1) of my packets not acknowledged within max(1 s, 4 RTT). */
  readonly lossUp: number;
  /** Fraction (0..1) of the child's packets missing (gaps in its sequence numbers). */
  readonly lossDown: number;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Snapshots delivered to the `snapshot` event. */
  readonly snapshotsReceived: number;
  /** Snapshot ticks that never arrived (gaps between delivered ticks). */
  readonly snapshotsMissed: number;
  /** Snapshots older than one already delivered (dropped). */
  readonly snapshotsStale: number;
  /** Reliable events delivered; `eventDuplicates`: resends dropped. */
  readonly eventsReceived: number;
  readonly eventDuplicates: number;
  /** Inputs sent. */
  readonly inputsSent: number;
  /** Datagrams that did not decode (dropped). */
  readonly malformed: number;
  /** Successful reconnects. */
  readonly reconnects: number;
  /** Ms since anything was heard from the child. */
  readonly silenceMs: number;
  /** Connect requests sent for the first connection. */
  readonly connectAttempts: number;
}
