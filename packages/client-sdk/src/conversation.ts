import { performance } from 'node:perf_hooks';
import { encodePacket, tryDecodePacket, type AckTracker, type UdpPacket, type UdpPacketBody } from '@proj/protocol';
import { EventInbox, type InboxEvent } from './event-inbox.js';
import type { HandshakeResult } from './handshake.js';
import type { SessionMetrics } from './session-metrics.js';
import type { UdpLink } from './udp-link.js';

/**
 * One conversation with the game child over one socket, from `accepted` on: numbers outgoing packets and
 * records incoming ones (AckTracker), feeds the metrics, and puts reliable events in order (EventInbox).
 * A reconnect starts a new conversation (the child restarts its sequences and event ids). @internal
 */
export class Conversation {
  readonly link: UdpLink;
  readonly #tracker: AckTracker;
  readonly #inbox: EventInbox;
  readonly #metrics: SessionMetrics;
  /** performance.now() of the last packet sent. */
  lastSentAt = 0;
  /** performance.now() of the last ping sent. */
  lastPingAt = Number.NEGATIVE_INFINITY;
  #ackScheduled = false;

  constructor(link: UdpLink, handshake: HandshakeResult, metrics: SessionMetrics, eventHoldMs: number) {
    this.link = link;
    this.#tracker = handshake.tracker;
    this.#metrics = metrics;
    this.#inbox = new EventInbox(eventHoldMs);
  }

  /** Resends of reliable events dropped so far in this conversation. */
  get eventDuplicates(): number {
    return this.#inbox.duplicates;
  }

  /** Sends a packet with the next header (whose ack fields acknowledge what arrived). */
  send(body: UdpPacketBody): void {
    const now = performance.now();
    const header = this.#tracker.nextHeader();
    const bytes = encodePacket({ ...body, ...header });
    this.link.send(bytes);
    this.#metrics.sent(header.sequence, bytes.length, now);
    this.lastSentAt = now;
  }

  /**
   * Takes a datagram: decodes it (undefined, counted as malformed, when it does not), records its sequence and
   * the acks it carries. `fresh` is false for a duplicate or stale packet.
   */
  receive(datagram: Buffer, now: number): { readonly packet: UdpPacket; readonly fresh: boolean } | undefined {
    const m = this.#metrics;
    m.packetsReceived++;
    m.bytesReceived += datagram.length;
    const decoded = tryDecodePacket(datagram);
    if (!decoded.ok) {
      m.malformed++;
      return undefined;
    }
    const packet = decoded.value;
    const fresh = this.#tracker.receive(packet.sequence);
    if (fresh) m.down.receive(packet.sequence);
    m.acked(this.#tracker.processAcks(packet.ack, packet.ackBits), now);
    return { packet, fresh };
  }

  /** A reliable event arrived: the events now deliverable, in order. */
  event(eventId: number, data: Uint8Array, now: number): InboxEvent[] {
    return this.#inbox.push(eventId, data, now);
  }

  /** Periodic work: judges upstream loss, releases events whose gap waited too long. */
  housekeep(now: number): InboxEvent[] {
    this.#metrics.up.sweep(now, Math.max(1000, 4 * (this.#metrics.rtt.smoothed ?? 250)), (seq) =>
      this.#tracker.isAcked(seq),
    );
    return this.#inbox.flushDue(now);
  }

  /** Every event still waiting, in order (the conversation ends). */
  drain(): InboxEvent[] {
    return this.#inbox.drain();
  }

  /** Sends a ping (an RTT sample when its pong comes back; its header carries the acks). */
  ping(now: number): void {
    this.lastPingAt = now;
    this.send({ type: 'ping', time: now });
  }

  /** A pong came back at `now`: one RTT sample. */
  pong(time: number, now: number): void {
    const sample = now - time;
    if (sample >= 0 && sample < 60_000) this.#metrics.rtt.sample(sample);
  }

  /**
   * A reliable event arrived: acknowledge it soon. After the current I/O, a ping carries the acks unless another
   * packet already did (or `stillOpen()` says the session is no longer open).
   */
  scheduleAck(stillOpen: () => boolean): void {
    if (this.#ackScheduled) return;
    this.#ackScheduled = true;
    const since = performance.now();
    setImmediate(() => {
      this.#ackScheduled = false;
      if (stillOpen() && this.lastSentAt < since) this.ping(performance.now());
    });
  }
}
