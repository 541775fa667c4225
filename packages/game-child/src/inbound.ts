import type { RemoteInfo } from 'node:dgram';
import { DisconnectReason, MAX_DATAGRAM_BYTES, TokenReplayGuard, encodePacket, tryDecodePacket, type UdpPacket } from '@proj/protocol';
import { decideAdmission } from './admission.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { Outbound } from './outbound.js';
import type { PlayerSession } from './player-session.js';
import { AddressRateLimiter } from './rate-limiter.js';
import type { ResolvedServerOptions } from './server-options.js';
import type { MutableStats } from './server-stats.js';

const NOTICE_INTERVAL_MS = 500;

/** What the receive path needs from the server. @internal */
export interface InboundHost {
  readonly options: ResolvedServerOptions;
  readonly sessions: ReadonlyMap<number, PlayerSession>;
  readonly stats: MutableStats;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly outbound: Outbound;
  /** True while the game runs (waiting or playing); false while ending or closed. */
  running(): boolean;
  /** A client was bound to `s` (first join or rebind): tell the game. */
  admitted(s: PlayerSession, reconnect: boolean): void;
  /** The client of `s` sent `disconnect` while the game runs. */
  left(s: PlayerSession): void;
}

/**
 * The receive path: size check, rate limits, decoding, admission by token, and per-player packets (acks,
 * newest input, ping, disconnect). Every datagram costs O(1) (a token check one HMAC); nothing is answered
 * with more bytes than it had; nothing thrown escapes (counted as internalError). @internal
 */
export class Inbound {
  readonly #h: InboundHost;
  readonly #byAddress = new Map<string, PlayerSession>();
  readonly #guard = new TokenReplayGuard();
  readonly #playerLimiter: AddressRateLimiter;
  readonly #strangerLimiter: AddressRateLimiter;
  readonly #strangerGlobal: AddressRateLimiter;
  #closed = false;

  constructor(host: InboundHost) {
    this.#h = host;
    const o = host.options;
    this.#playerLimiter = new AddressRateLimiter(o.playerRateLimit, Math.max(host.sessions.size * 2, 16));
    this.#strangerLimiter = new AddressRateLimiter(o.strangerRateLimit, o.maxTrackedAddresses);
    this.#strangerGlobal = new AddressRateLimiter(o.strangerGlobalRateLimit, 1);
  }

  /** Counts but otherwise ignores everything from now on. */
  close(): void {
    this.#closed = true;
  }

  readonly onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    const { stats } = this.#h;
    stats.packetsIn++;
    stats.bytesIn += msg.length;
    if (this.#closed) return;
    try {
      if (msg.length > MAX_DATAGRAM_BYTES) {
        stats.dropped.oversize++;
        return;
      }
      const key = `${rinfo.address}|${rinfo.port}`;
      const now = this.#h.clock.now();
      const session = this.#byAddress.get(key);
      if (session !== undefined) {
        if (!this.#playerLimiter.allow(key, now)) {
          stats.dropped.rateLimited++;
          return;
        }
      } else if (!this.#strangerLimiter.allow(key, now) || !this.#strangerGlobal.allow('*', now)) {
        stats.dropped.rateLimited++;
        return;
      }
      const decoded = tryDecodePacket(msg);
      if (!decoded.ok) {
        stats.dropped.malformed++;
        return;
      }
      const packet = decoded.value;
      if (packet.type === 'connectRequest') this.#onConnect(packet.token, packet.sequence, key, rinfo, msg.length, now);
      else if (session === undefined) stats.dropped.unknownSender++;
      else this.#onPlayerPacket(session, packet, now, msg.length);
    } catch (error) {
      stats.dropped.internalError++;
      this.#h.logger.error('datagram handling failed', { gameId: this.#h.options.assignment.gameId, error: String(error) });
    }
  };

  #onConnect(token: Uint8Array, sequence: number, key: string, rinfo: RemoteInfo, size: number, now: number): void {
    const { options: o, stats, outbound } = this.#h;
    const decision = decideAdmission(token, key, this.#h.clock.epochNow(), {
      gameId: o.assignment.gameId,
      secret: o.secret,
      tokenExpiresAt: o.assignment.tokenExpiresAt,
      sessions: this.#h.sessions,
      byAddress: this.#byAddress,
      guard: this.#guard,
      ended: !this.#h.running(),
    });
    if (decision.kind === 'deny') {
      stats.dropped[decision.drop]++;
      stats.denied++;
      // Never answer a stranger with more bytes than it sent (no amplification): denied is the header plus
      // one byte, as is the smallest connect request (a one-byte token).
      const denied = encodePacket({ type: 'denied', sequence: 0, ack: sequence & 0xffff, ackBits: 0, reason: decision.reason });
      if (denied.length <= size) outbound.sendTo(rinfo.address, rinfo.port, denied);
      return;
    }
    const s = decision.session;
    if (decision.kind === 'admit') {
      if (decision.release !== undefined) decision.release.key = undefined;
      if (s.key !== undefined) this.#byAddress.delete(s.key);
      this.#byAddress.set(key, s);
      this.#strangerLimiter.delete(key);
      s.bind(key, rinfo.address, rinfo.port, now);
    }
    s.lastHeardAt = now;
    s.tracker.receive(sequence);
    outbound.send(s, { type: 'accepted', ...s.nextHeader(now), slot: s.slot, tickRate: o.tickRateHz, data: new Uint8Array(0) });
    stats.accepted++;
    if (decision.kind === 'duplicate') return;
    const reconnect = s.everConnected;
    s.everConnected = true;
    if (reconnect) stats.reconnects++;
    this.#h.admitted(s, reconnect);
  }

  #onPlayerPacket(s: PlayerSession, packet: UdpPacket, now: number, size: number): void {
    const { stats, outbound } = this.#h;
    const running = this.#h.running();
    if (!s.connected) {
      // The slot timed out or left; tell the client (at most every 500 ms, never more bytes than it sent).
      stats.dropped.unexpected++;
      if (running && now - s.lastNoticeAt >= NOTICE_INTERVAL_MS) {
        const notice = encodePacket({ type: 'disconnect', sequence: 0, ack: packet.sequence, ackBits: 0, reason: DisconnectReason.TIMEOUT });
        if (notice.length <= size) {
          s.lastNoticeAt = now;
          outbound.sendTo(s.address, s.port, notice);
        }
      }
      return;
    }
    s.lastHeardAt = now;
    const fresh = s.tracker.receive(packet.sequence);
    stats.reliableAcked += s.applyAcks(packet.ack, packet.ackBits, now);
    switch (packet.type) {
      case 'input':
        // Newest wins: u32 input counters compared on the circle, so they may wrap.
        if (!fresh || !running || (s.newestInputSeq !== undefined && ((packet.inputSeq - s.newestInputSeq) | 0) <= 0)) {
          stats.dropped.stale++;
          return;
        }
        s.newestInputSeq = packet.inputSeq;
        s.pendingInput = packet.data;
        return;
      case 'ping':
        outbound.send(s, { type: 'pong', ...s.nextHeader(now), time: packet.time });
        return;
      case 'disconnect':
        if (running) this.#h.left(s);
        else s.connected = false;
        return;
      case 'reliableEvent':
      case 'pong':
        // Acks and RTT were taken above; games have no upstream reliable channel.
        if (!fresh) stats.dropped.stale++;
        return;
      default:
        stats.dropped.unexpected++;
    }
  }
}
