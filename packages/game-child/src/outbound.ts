import type { Socket } from 'node:dgram';
import { encodePacket, type UdpPacket } from '@proj/protocol';
import type { PlayerSession } from './player-session.js';
import type { MutableStats } from './server-stats.js';

/** Most reliable events (first sends and resends) sent to one player in one tick. */
const MAX_RELIABLE_SENDS_PER_TICK = 32;

/**
 * How long to wait for an ack before resending to `s`: 2×RTT within [50, 1000] ms (100 ms before any sample). @internal
 */
export function resendDelayMs(s: PlayerSession): number {
  return s.srttMs === undefined ? 100 : Math.min(1000, Math.max(50, 2 * s.srttMs));
}

/**
 * Everything the server sends goes through here: encoding, counting, and the socket (errors are counted, never
 * thrown; after `stop()` nothing is sent). @internal
 */
export class Outbound {
  readonly #socket: Socket;
  readonly #stats: MutableStats;
  #stopped = false;

  constructor(socket: Socket, stats: MutableStats) {
    this.#socket = socket;
    this.#stats = stats;
  }

  /** Sends nothing from now on. */
  stop(): void {
    this.#stopped = true;
  }

  /** Encodes and sends a packet to the session's bound address. */
  send(s: PlayerSession, packet: UdpPacket): void {
    this.sendTo(s.address, s.port, encodePacket(packet));
  }

  // The packets of the hot path are written field by field (no object spread): on the game's few calls per tick V8
  // runs them unoptimised for a long while, where a spread is a runtime call per field.

  /** Sends the tick's snapshot `data` to `s`. */
  sendSnapshot(s: PlayerSession, now: number, tick: number, data: Uint8Array): void {
    const h = s.nextHeader(now);
    this.send(s, { type: 'snapshot', sequence: h.sequence, ack: h.ack, ackBits: h.ackBits, tick, data });
  }

  /** Answers a ping of `s` carrying `time`. */
  sendPong(s: PlayerSession, now: number, time: number): void {
    const h = s.nextHeader(now);
    this.send(s, { type: 'pong', sequence: h.sequence, ack: h.ack, ackBits: h.ackBits, time });
  }

  /** Tells `s` it was disconnected for `reason` (a DisconnectReason). */
  sendDisconnect(s: PlayerSession, now: number, reason: number): void {
    const h = s.nextHeader(now);
    this.send(s, { type: 'disconnect', sequence: h.sequence, ack: h.ack, ackBits: h.ackBits, reason });
  }

  sendTo(address: string, port: number, bytes: Uint8Array): void {
    if (this.#stopped) return;
    this.#stats.packetsOut++;
    this.#stats.bytesOut += bytes.length;
    this.#socket.send(bytes, port, address, this.#onSent);
  }

  /** Sends the session's reliable events that are due (new, or unacknowledged for `resendDelayMs`). */
  flushReliable(s: PlayerSession, now: number): void {
    if (s.outbox.size === 0) return;
    for (const e of s.outbox.due(now, resendDelayMs(s), MAX_RELIABLE_SENDS_PER_TICK)) {
      const header = s.nextHeader(now);
      s.outbox.carried(header.sequence, e.id);
      this.send(s, {
        type: 'reliableEvent',
        sequence: header.sequence,
        ack: header.ack,
        ackBits: header.ackBits,
        eventId: e.id,
        data: e.data,
      });
      if (e.resend) this.#stats.reliableResent++;
      else this.#stats.reliableSent++;
    }
  }

  /** Sends (or resends, once due) the gameOver packet to a session that has not acknowledged it. */
  sendGameOver(s: PlayerSession, now: number, reason: number, data: Uint8Array): void {
    if (s.gameOverAcked || (s.gameOverSentAt >= 0 && now - s.gameOverSentAt < resendDelayMs(s))) return;
    const header = s.nextHeader(now);
    s.gameOverSeqs.push(header.sequence);
    s.gameOverSentAt = now;
    this.send(s, {
      type: 'gameOver',
      sequence: header.sequence,
      ack: header.ack,
      ackBits: header.ackBits,
      reason,
      data,
    });
  }

  readonly #onSent = (error: Error | null): void => {
    if (error) this.#stats.sendErrors++;
  };
}
