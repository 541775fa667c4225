import type { RemoteInfo } from 'node:dgram';
import {
  DisconnectReason,
  MAX_DATAGRAM_BYTES,
  TokenReplayGuard,
  encodePacket,
  tryDecodePacket,
  type UdpPacket,
} from '@proj/protocol';
import { decideAdmission, type AdmissionContext, type AdmissionDecision } from './admission.js';
import { ChallengeTable, sameCookie } from './challenges.js';
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
 * The receive path: size check, rate limits, decoding, admission by token behind a return-routability check,
 * and per-player packets (acks, newest input, ping, disconnect). Every datagram costs O(1) (a token check one
 * HMAC); nothing is answered with more bytes than it had, and an address gets nothing but a `challenge` (or a
 * `denied`) until it echoed its challenge; nothing thrown escapes (counted as internalError). @internal
 */
export class Inbound {
  readonly #h: InboundHost;
  readonly #byAddress = new Map<string, PlayerSession>();
  readonly #guard = new TokenReplayGuard();
  readonly #challenges = new ChallengeTable();
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
      if (packet.type === 'connectRequest') this.#onConnect(packet.token, packet.sequence, key, rinfo, msg.length);
      else if (packet.type === 'challengeResponse')
        this.#onChallengeResponse(packet.cookie, packet.sequence, key, rinfo, now);
      else if (session?.connected !== true && this.#challenges.has(key)) stats.dropped.unverified++;
      else if (session === undefined) stats.dropped.unknownSender++;
      else this.#onPlayerPacket(session, packet, now, msg.length);
    } catch (error) {
      stats.dropped.internalError++;
      this.#h.logger.error('datagram handling failed', {
        gameId: this.#h.options.assignment.gameId,
        error: String(error),
      });
    }
  };

  #admission(): AdmissionContext {
    const o = this.#h.options;
    return {
      gameId: o.assignment.gameId,
      secret: o.secret,
      tokenExpiresAt: o.assignment.tokenExpiresAt,
      sessions: this.#h.sessions,
      byAddress: this.#byAddress,
      guard: this.#guard,
      ended: !this.#h.running(),
    };
  }

  // A connect request proves a token but not the source address: a valid one from an address that does not
  // hold the seat yet is answered only with a challenge (29 bytes; a request with a real token has 73 or more).
  #onConnect(token: Uint8Array, sequence: number, key: string, rinfo: RemoteInfo, size: number): void {
    const { stats, outbound } = this.#h;
    const decision = decideAdmission(token, key, this.#h.clock.epochNow(), this.#admission(), false);
    if (decision.kind === 'deny') return this.#deny(decision, sequence, rinfo, size);
    if (decision.kind === 'duplicate') return this.#accept(decision.session, sequence);
    const cookie = this.#challenges.issue(decision.session.slot, key, token);
    const challenge = encodePacket({ type: 'challenge', sequence: 0, ack: sequence & 0xffff, ackBits: 0, cookie });
    if (challenge.length > size) return; // unreachable for a token that verifies; never amplify anyway
    stats.challengesSent++;
    outbound.sendTo(rinfo.address, rinfo.port, challenge);
  }

  // The echo proves the sender receives at its address: only now is the token claimed and the seat bound.
  #onChallengeResponse(cookie: Uint8Array, sequence: number, key: string, rinfo: RemoteInfo, now: number): void {
    const { stats } = this.#h;
    const check = this.#challenges.check(key, cookie);
    if (check.kind !== 'passed') {
      const holder = this.#byAddress.get(key);
      // A resend after a lost `accepted`: the address already proved itself with this cookie.
      if (check.kind === 'none' && holder?.connected === true && sameCookie(holder.cookie, cookie))
        return this.#accept(holder, sequence);
      stats.dropped.challengeFailed++;
      return;
    }
    const { pending } = check;
    this.#challenges.clearKey(key);
    stats.challengesPassed++;
    const decision = decideAdmission(pending.token, key, this.#h.clock.epochNow(), this.#admission(), true);
    // The challengeResponse is 29 bytes: a denied (14) or an accepted (16) never amplifies.
    if (decision.kind === 'deny') return this.#deny(decision, sequence, rinfo, Number.POSITIVE_INFINITY);
    const s = decision.session;
    if (decision.kind === 'admit') {
      if (decision.release !== undefined) decision.release.key = undefined;
      if (s.key !== undefined) this.#byAddress.delete(s.key);
      this.#byAddress.set(key, s);
      this.#strangerLimiter.delete(key);
      this.#challenges.clearSlot(s.slot);
      s.bind(key, rinfo.address, rinfo.port, now, pending.cookie);
    }
    this.#accept(s, sequence);
    if (decision.kind === 'duplicate') return;
    const reconnect = s.everConnected;
    s.everConnected = true;
    if (reconnect) stats.reconnects++;
    this.#h.admitted(s, reconnect);
  }

  #deny(
    decision: Extract<AdmissionDecision, { kind: 'deny' }>,
    sequence: number,
    rinfo: RemoteInfo,
    size: number,
  ): void {
    const { stats, outbound } = this.#h;
    stats.dropped[decision.drop]++;
    stats.denied++;
    // Never answer a stranger with more bytes than it sent (no amplification): denied is the header plus
    // one byte, as is the smallest connect request (a one-byte token).
    const denied = encodePacket({
      type: 'denied',
      sequence: 0,
      ack: sequence & 0xffff,
      ackBits: 0,
      reason: decision.reason,
    });
    if (denied.length <= size) outbound.sendTo(rinfo.address, rinfo.port, denied);
  }

  /** Answers `accepted` to the proven address bound to `s`. */
  #accept(s: PlayerSession, sequence: number): void {
    const now = this.#h.clock.now();
    s.lastHeardAt = now;
    s.tracker.receive(sequence);
    this.#h.outbound.send(s, {
      type: 'accepted',
      ...s.nextHeader(now),
      slot: s.slot,
      tickRate: this.#h.options.tickRateHz,
      data: new Uint8Array(0),
    });
    this.#h.stats.accepted++;
  }

  #onPlayerPacket(s: PlayerSession, packet: UdpPacket, now: number, size: number): void {
    const { stats, outbound } = this.#h;
    const running = this.#h.running();
    if (!s.connected) {
      // The slot timed out or left; tell the client (at most every 500 ms, never more bytes than it sent).
      stats.dropped.unexpected++;
      if (running && now - s.lastNoticeAt >= NOTICE_INTERVAL_MS) {
        const notice = encodePacket({
          type: 'disconnect',
          sequence: 0,
          ack: packet.sequence,
          ackBits: 0,
          reason: DisconnectReason.TIMEOUT,
        });
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
        outbound.sendPong(s, now, packet.time);
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
