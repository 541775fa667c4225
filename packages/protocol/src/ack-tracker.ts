import { fail } from './errors.js';
import { sequenceDiff } from './sequence.js';
import type { PacketHeader } from './udp-packet-types.js';

/** Options of an {@link AckTracker}. */
export interface AckTrackerOptions {
  /**
   * How many recent sequences each direction remembers: a power of two in [64, 32768], default
   * 1024. Sent packets older than this can no longer be reported as acked, and received packets
   * older than this are reported as stale.
   */
  readonly windowSize?: number;
}

/** "Nothing received yet": an ack of 0xffff with no bits, which no peer's early packets can match. */
const NONE = -1;

/**
 * Both halves of the reliable-UDP ack scheme for one peer, used by the client SDK and the game
 * child alike (all state is O(windowSize), all operations O(1) or O(32)):
 *
 * - outgoing: `nextSequence()` numbers each packet sent (from 0, wrapping at 65536) and remembers
 *   it; `nextHeader()` also returns the current `ack`/`ackBits` to put in the packet;
 * - incoming: `receive(sequence)` records a peer packet and tells whether it is new; `ack` and
 *   `ackBits` then describe the newest peer sequence and the 32 before it;
 * - `processAcks(ack, ackBits)` takes the header of a peer packet and returns which of my sent
 *   sequences it acknowledges for the first time, so reliable events riding them can be dropped
 *   from the resend queue and RTT measured.
 *
 * Peer values are hostile: processAcks masks them to 16/32 bits and only ever reports sequences
 * this tracker actually sent within its window. Constructor throws ProtocolError E_INVALID_ARGUMENT
 * for a bad windowSize; nothing else throws.
 */
export class AckTracker {
  /** The window given at construction. */
  readonly windowSize: number;
  readonly #mask: number;
  // sent ring: which sequence occupies each slot (-1: none) and whether it was acked.
  readonly #sentSeq: Int32Array;
  readonly #sentAcked: Uint8Array;
  #nextSeq = 0;
  // received ring: which sequence occupies each slot (-1: none), for duplicate detection.
  readonly #recvSeq: Int32Array;
  #ack = NONE;
  #ackBits = 0;

  /** A tracker that has sent and received nothing; throws ProtocolError E_INVALID_ARGUMENT for a bad `windowSize`. */
  constructor(options: AckTrackerOptions = {}) {
    const size = options.windowSize ?? 1024;
    if (!Number.isInteger(size) || size < 64 || size > 32768 || (size & (size - 1)) !== 0) {
      fail('E_INVALID_ARGUMENT', 'windowSize must be a power of two in [64, 32768]');
    }
    this.windowSize = size;
    this.#mask = size - 1;
    this.#sentSeq = new Int32Array(size).fill(-1);
    this.#sentAcked = new Uint8Array(size);
    this.#recvSeq = new Int32Array(size).fill(-1);
  }

  /** Allocates the sequence of the next outgoing packet and records it as sent and unacked. */
  nextSequence(): number {
    const seq = this.#nextSeq;
    this.#nextSeq = (seq + 1) & 0xffff;
    const i = seq & this.#mask;
    this.#sentSeq[i] = seq;
    this.#sentAcked[i] = 0;
    return seq;
  }

  /** nextSequence() plus the current ack state: the header of the next outgoing packet. */
  nextHeader(): PacketHeader {
    return { sequence: this.nextSequence(), ack: this.ack, ackBits: this.#ackBits };
  }

  /** Newest peer sequence received; 0xffff before anything was received (with ackBits 0). */
  get ack(): number {
    return this.#ack === NONE ? 0xffff : this.#ack;
  }

  /** Bit i set = peer sequence (ack - 1 - i) was received; an unsigned 32-bit number. */
  get ackBits(): number {
    return this.#ackBits;
  }

  /** True once any peer packet was received. */
  get hasReceived(): boolean {
    return this.#ack !== NONE;
  }

  /**
   * Records that the peer's packet `sequence` arrived (masked to 16 bits). Returns true when it is
   * new, false when it is a duplicate or older than the window (stale): callers usually drop it.
   */
  receive(sequence: number): boolean {
    const seq = sequence & 0xffff;
    const i = seq & this.#mask;
    if (this.#ack === NONE) {
      this.#ack = seq;
      this.#ackBits = 0;
      this.#recvSeq[i] = seq;
      return true;
    }
    const d = sequenceDiff(seq, this.#ack);
    if (d === 0 || -d >= this.windowSize || this.#recvSeq[i] === seq) return false;
    this.#recvSeq[i] = seq;
    if (d > 0) {
      // Newer: slide the bitfield; the old ack becomes bit d-1. (JS shifts count modulo 32.)
      this.#ackBits = d > 32 ? 0 : d === 32 ? 0x8000_0000 : ((this.#ackBits << d) | (1 << (d - 1))) >>> 0;
      this.#ack = seq;
    } else if (-d <= 32) {
      this.#ackBits = (this.#ackBits | (1 << (-d - 1))) >>> 0;
    }
    return true;
  }

  /**
   * Applies the ack state of a peer packet. Returns my sequences, newest first, that it acknowledges
   * and that were not reported before; never a sequence I did not send within the window.
   */
  processAcks(ack: number, ackBits: number): number[] {
    const acked: number[] = [];
    const top = ack & 0xffff;
    const bits = ackBits >>> 0;
    for (let k = 0; k <= 32; k++) {
      if (k > 0 && ((bits >>> (k - 1)) & 1) === 0) continue;
      const seq = (top - k + 0x1_0000) & 0xffff;
      const i = seq & this.#mask;
      if (this.#sentSeq[i] === seq && this.#sentAcked[i] === 0 && this.#wasSent(seq)) {
        this.#sentAcked[i] = 1;
        acked.push(seq);
      }
    }
    return acked;
  }

  /** True when my packet `sequence` was sent within the window and has been acked. */
  isAcked(sequence: number): boolean {
    const seq = sequence & 0xffff;
    const i = seq & this.#mask;
    return this.#sentSeq[i] === seq && this.#sentAcked[i] === 1 && this.#wasSent(seq);
  }

  // A slot may still hold a sequence from before the counter wrapped; only the last windowSize
  // sequences handed out count as sent.
  #wasSent(seq: number): boolean {
    const age = (this.#nextSeq - 1 - seq + 0x1_0000) & 0xffff;
    return age < this.windowSize;
  }
}
