import { AckTracker } from '@proj/protocol';
import { ReliableOutbox } from './reliable-outbox.js';

/** Ack window of every session (the AckTracker's, and the outbox's sequence ring). */
const WINDOW = 1024;
/**
 * Window of the placeholder conversation a seat has before its first join. `bind` replaces it before anything
 * is sent or received (events are queued only for connected seats), so it only has to be small: the smallest
 * an AckTracker takes. A full one is 21 KB per seat of typed arrays, for seats that may never be taken.
 */
const UNBOUND_WINDOW = 64;

/** Limits of a session's reliable outbox. @internal */
export interface OutboxLimits {
  readonly maxQueued: number;
  readonly maxInFlight: number;
}

/**
 * One slot of the game and, once a client proved a token for it, the binding to that client's address and
 * the state of the conversation (acks, reliable outbox, newest input, RTT). A rebinding (reconnect) starts a
 * fresh conversation: new sequences, new event ids. @internal
 */
export class PlayerSession {
  readonly slot: number;
  /** Changes only before the seat was ever joined (a backfill: {@link GameServer.renameSeat}). */
  name: string;
  /** `address|port` of the bound client, or undefined before the first join. */
  key: string | undefined;
  address = '';
  port = 0;
  connected = false;
  everConnected = false;
  lastHeardAt = 0;
  tracker: AckTracker;
  outbox: ReliableOutbox;
  pendingInput: Uint8Array | undefined;
  newestInputSeq: number | undefined;
  /** Smoothed round-trip time in ms, undefined before the first sample. */
  srttMs: number | undefined;
  /** Clock time each of my sequences was sent (ring of WINDOW), for RTT samples. */
  readonly sentAt = new Float64Array(WINDOW);
  /** Sequences of gameOver packets sent to this player. */
  gameOverSeqs: number[] = [];
  gameOverAcked = false;
  gameOverSentAt = -1;
  /** The outbox overflowed: the player cannot keep up and is disconnected at the next tick. */
  overflowed = false;
  /**
   * The challenge cookie the bound address echoed (a resent challengeResponse with it is answered `accepted` again).
   */
  cookie: Uint8Array | undefined;
  /** When we last told a disconnected client it timed out (to rate-limit the notice). */
  lastNoticeAt = Number.NEGATIVE_INFINITY;
  readonly #limits: OutboxLimits;

  constructor(slot: number, name: string, limits: OutboxLimits) {
    this.slot = slot;
    this.name = name;
    this.#limits = limits;
    this.tracker = new AckTracker({ windowSize: UNBOUND_WINDOW });
    this.outbox = new ReliableOutbox(limits.maxQueued, limits.maxInFlight, UNBOUND_WINDOW);
  }

  /** Binds the slot to a client address (that proved it receives there with `cookie`) with a fresh conversation. */
  bind(key: string, address: string, port: number, now: number, cookie?: Uint8Array): void {
    this.key = key;
    this.cookie = cookie;
    this.address = address;
    this.port = port;
    this.connected = true;
    this.lastHeardAt = now;
    this.tracker = new AckTracker({ windowSize: WINDOW });
    this.outbox = new ReliableOutbox(this.#limits.maxQueued, this.#limits.maxInFlight, WINDOW);
    this.pendingInput = undefined;
    this.newestInputSeq = undefined;
    this.srttMs = undefined;
    this.gameOverSeqs = [];
    this.gameOverAcked = false;
    this.gameOverSentAt = -1;
    this.overflowed = false;
  }

  /** Allocates the header of the next packet to this player and notes its send time. */
  nextHeader(now: number): { sequence: number; ack: number; ackBits: number } {
    const header = this.tracker.nextHeader();
    this.sentAt[header.sequence & (WINDOW - 1)] = now;
    return header;
  }

  /** Applies the acks of a packet from the player; returns the number of reliable events they acknowledged. */
  applyAcks(ack: number, ackBits: number, now: number): number {
    const acked = this.tracker.processAcks(ack, ackBits);
    let events = 0;
    for (const seq of acked) {
      if (this.outbox.acked(seq)) events++;
      if (!this.gameOverAcked && this.gameOverSeqs.includes(seq)) this.gameOverAcked = true;
    }
    const newest = acked[0];
    if (newest !== undefined) {
      const sample = now - this.sentAt[newest & (WINDOW - 1)]!;
      if (sample >= 0) this.srttMs = this.srttMs === undefined ? sample : this.srttMs * 0.875 + sample * 0.125;
    }
    return events;
  }
}
