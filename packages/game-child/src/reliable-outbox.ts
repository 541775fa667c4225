/** One queued reliable event. */
interface Pending {
  readonly id: number;
  readonly data: Uint8Array;
  /** Clock time of the last send, or -1 if never sent. */
  lastSentAt: number;
}

/** What `due()` hands out: an event to (re)send now. */
export interface DueEvent {
  readonly id: number;
  readonly data: Uint8Array;
  readonly resend: boolean;
}

/**
 * The reliable events of one player session, in order: each has a u32 id (0, 1, 2... per session), is sent,
 * resent every `resendMs` until a packet carrying it is acknowledged, then forgotten. At most `maxInFlight`
 * are unacknowledged on the wire at once and at most `maxQueued` wait in all; `push` refuses beyond that (the
 * caller then gives up on the player). Which packet sequence carried which event is kept in a ring as large as
 * the ack window, so memory is bounded.
 */
export class ReliableOutbox {
  readonly #maxQueued: number;
  readonly #maxInFlight: number;
  readonly #queue: Pending[] = [];
  readonly #ringSeq: Int32Array;
  readonly #ringId: Float64Array;
  readonly #ringMask: number;
  #nextId = 0;

  /** `window` must be a power of two (the AckTracker window). */
  constructor(maxQueued: number, maxInFlight: number, window: number) {
    this.#maxQueued = maxQueued;
    this.#maxInFlight = maxInFlight;
    this.#ringSeq = new Int32Array(window).fill(-1);
    this.#ringId = new Float64Array(window);
    this.#ringMask = window - 1;
  }

  /** Events waiting for an acknowledgement (sent or not). */
  get size(): number {
    return this.#queue.length;
  }

  /** Queues an event; false (and nothing queued) when `maxQueued` events already wait. */
  push(data: Uint8Array): boolean {
    if (this.#queue.length >= this.#maxQueued) return false;
    this.#queue.push({ id: this.#nextId, data, lastSentAt: -1 });
    this.#nextId = (this.#nextId + 1) >>> 0;
    return true;
  }

  /**
   * Events to send at `now`, oldest first, at most `limit`: those never sent (within the in-flight window)
   * and those sent at least `resendMs` ago. Marks them sent at `now`; the caller then reports each packet
   * sequence with `carried`.
   */
  due(now: number, resendMs: number, limit: number): DueEvent[] {
    const out: DueEvent[] = [];
    const n = Math.min(this.#queue.length, this.#maxInFlight);
    for (let i = 0; i < n && out.length < limit; i++) {
      const p = this.#queue[i]!;
      if (p.lastSentAt < 0 || now - p.lastSentAt >= resendMs) {
        out.push({ id: p.id, data: p.data, resend: p.lastSentAt >= 0 });
        p.lastSentAt = now;
      }
    }
    return out;
  }

  /** Records that packet `sequence` carried event `id`. */
  carried(sequence: number, id: number): void {
    const i = sequence & this.#ringMask;
    this.#ringSeq[i] = sequence;
    this.#ringId[i] = id;
  }

  /** Packet `sequence` was acknowledged: drops the event it carried; true if that event was still queued. */
  acked(sequence: number): boolean {
    const i = sequence & this.#ringMask;
    if (this.#ringSeq[i] !== sequence) return false;
    this.#ringSeq[i] = -1;
    const id = this.#ringId[i]!;
    const at = this.#queue.findIndex((p) => p.id === id);
    if (at < 0) return false;
    this.#queue.splice(at, 1);
    return true;
  }
}
