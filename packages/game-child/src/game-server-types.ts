import type { GameEnd } from './game-end.js';

/**
 * Events of a `GameServer` (listeners run synchronously; an exception thrown by one is logged and counted as
 * internalError, never propagated).
 */
export interface GameServerEvents {
  /** A client proved a token for `slot` and is bound to it (`reconnect`: the slot had been connected before). */
  playerConnected: [slot: number, reconnect: boolean];
  /** A player left (disconnect packet), went silent, or fell too far behind on reliable events. */
  playerDisconnected: [slot: number, why: 'left' | 'timeout' | 'overflow'];
  /** Play began (every player joined, or the join deadline passed with at least one). */
  started: [];
  /** The game ended; the server now lingers for acknowledgements. */
  gameOver: [end: GameEnd];
  /** The socket is closed; nothing more happens. */
  closed: [end: GameEnd];
}

/** Lifecycle of a game server: waiting for players, playing, ending (lingering), closed. */
export type GameServerState = 'waiting' | 'playing' | 'ending' | 'closed';

/** One seat as the server sees it. */
export interface PlayerStatus {
  readonly slot: number;
  readonly name: string;
  readonly connected: boolean;
  /** True once the slot was ever bound. */
  readonly joined: boolean;
  /** The bound client address and port (the last one, if disconnected). */
  readonly address: string | undefined;
  readonly port: number | undefined;
  /** Smoothed RTT measured from acks, ms. */
  readonly rttMs: number | undefined;
  /** Reliable events not yet acknowledged. */
  readonly pendingReliable: number;
}
