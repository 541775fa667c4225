/** A reliable event ready for the application. */
export interface InboxEvent {
  readonly eventId: number;
  readonly data: Uint8Array;
}

interface Held {
  readonly data: Uint8Array;
  readonly since: number;
}

/** u32 distance from `from` forward to `to`. */
function ahead(from: number, to: number): number {
  return (to - from) >>> 0;
}

/**
 * Reliable events in, each delivered exactly once and in eventId order. The game child numbers a
 * conversation's events 0, 1, 2...; an event that arrives ahead of a missing one waits up to `holdMs` for it
 * (the sender resends until acked), then the gap is skipped and the missing event, if it ever comes, is
 * delivered late rather than lost. Ids delivered recently are remembered (`memory` of them) so a resend of one
 * is dropped. At most `maxHeld` events wait; beyond, the oldest gap is skipped. @internal
 */
export class EventInbox {
  readonly #holdMs: number;
  readonly #memory: number;
  readonly #maxHeld: number;
  #expected = 0;
  readonly #held = new Map<number, Held>();
  readonly #seen = new Set<number>();
  readonly #seenOrder: number[] = [];
  #seenHead = 0;
  /** Resends dropped as duplicates. */
  duplicates = 0;
  /** Events delivered after a later one (a skipped gap filled late). */
  late = 0;

  constructor(holdMs = 1000, memory = 4096, maxHeld = 1024) {
    this.#holdMs = holdMs;
    this.#memory = memory;
    this.#maxHeld = maxHeld;
  }

  /** Events waiting for a missing predecessor. */
  get held(): number {
    return this.#held.size;
  }

  /** Takes event `id` received at `now`; returns the events now deliverable, in order (often none or one). */
  push(id: number, data: Uint8Array, now: number): InboxEvent[] {
    const eventId = id >>> 0;
    if (this.#seen.has(eventId) || this.#held.has(eventId)) {
      this.duplicates++;
      return [];
    }
    const out: InboxEvent[] = [];
    if (eventId === this.#expected) {
      this.#deliver(eventId, data, out);
      this.#drainFrom(out);
    } else if (ahead(this.#expected, eventId) < 0x8000_0000) {
      this.#held.set(eventId, { data, since: now });
      if (this.#held.size > this.#maxHeld) this.#skipGap(out);
    } else {
      // Behind the expected id and never delivered: a gap we gave up on, filled late.
      this.late++;
      this.#deliver(eventId, data, out);
    }
    return out;
  }

  /** Skips gaps whose first waiting event is older than `holdMs`; returns what that releases. */
  flushDue(now: number): InboxEvent[] {
    const out: InboxEvent[] = [];
    for (;;) {
      const first = this.#firstHeld();
      if (first === undefined || now - first.held.since < this.#holdMs) return out;
      this.#skipGap(out);
    }
  }

  /** Releases every waiting event, in id order (the conversation is ending). */
  drain(): InboxEvent[] {
    const out: InboxEvent[] = [];
    while (this.#held.size > 0) this.#skipGap(out);
    return out;
  }

  #firstHeld(): { id: number; held: Held } | undefined {
    let best: { id: number; held: Held } | undefined;
    for (const [id, held] of this.#held) {
      if (best === undefined || ahead(this.#expected, id) < ahead(this.#expected, best.id)) best = { id, held };
    }
    return best;
  }

  #skipGap(out: InboxEvent[]): void {
    const first = this.#firstHeld();
    if (first === undefined) return;
    this.#expected = first.id;
    this.#drainFrom(out);
  }

  #drainFrom(out: InboxEvent[]): void {
    for (;;) {
      const held = this.#held.get(this.#expected);
      if (held === undefined) return;
      this.#held.delete(this.#expected);
      this.#deliver(this.#expected, held.data, out);
    }
  }

  #deliver(eventId: number, data: Uint8Array, out: InboxEvent[]): void {
    out.push({ eventId, data });
    if (eventId === this.#expected) this.#expected = (eventId + 1) >>> 0;
    this.#seen.add(eventId);
    this.#seenOrder.push(eventId);
    if (this.#seenOrder.length - this.#seenHead > this.#memory) {
      this.#seen.delete(this.#seenOrder[this.#seenHead]!);
      this.#seenHead++;
      if (this.#seenHead > this.#memory) {
        this.#seenOrder.splice(0, this.#seenHead);
        this.#seenHead = 0;
      }
    }
  }
}
