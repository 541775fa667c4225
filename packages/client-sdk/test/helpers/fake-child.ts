import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import {
  AckTracker,
  DenyReason,
  encodePacket,
  generateGameSecret,
  signConnectToken,
  tryDecodePacket,
  verifyConnectToken,
  type UdpPacket,
  type UdpPacketBody,
} from '@proj/protocol';

/** Behaviour knobs of a {@link FakeChild}. */
export interface FakeChildOptions {
  readonly slots?: readonly number[];
  readonly tickMs?: number;
  /** Leave this many connect requests unanswered first. */
  readonly ignoreRequests?: number;
  /** Deny every connect request with this DenyReason. */
  readonly deny?: number;
  /** Drop the n-th snapshot (0-based, per peer) when true. */
  readonly dropSnapshot?: (n: number) => boolean;
  /** Drop the n-th packet from clients (0-based, over all clients) without processing it (no ack). */
  readonly dropIncoming?: (n: number) => boolean;
  /** Send every reliable event twice at once and resend every tick until acked. */
  readonly duplicateEvents?: boolean;
  /** Check return routability as the real child does (default true): a valid request gets a `challenge` first. */
  readonly challenge?: boolean;
  /** Leave this many correct challenge responses unanswered first (lost on the way). */
  readonly ignoreResponses?: number;
}

interface Pending {
  readonly id: number;
  readonly data: Uint8Array;
  readonly seqs: number[];
}

/** One slot's client as the fake child sees it. */
export interface FakePeer {
  key: string;
  address: string;
  port: number;
  tracker: AckTracker;
  nextEventId: number;
  outbox: Pending[];
  gameOverAcked: boolean;
  gameOverSeqs: number[];
  left: boolean;
  connects: number;
  readonly received: UdpPacket[];
}

/** A scriptable game child on 127.0.0.1, port 0, that really verifies tokens and tracks acks. */
export class FakeChild {
  readonly gameId = 'g-test';
  readonly secret = generateGameSecret();
  readonly peers = new Map<number, FakePeer>();
  /** Connect requests received (answered or not). */
  requests = 0;
  /** Challenges sent, and challenge responses received (correct or not). */
  challenges = 0;
  responses = 0;
  /** When true, correct challenge responses go unanswered (an address check that never passes). */
  rejectResponses = false;
  /** Outstanding challenges by client address. */
  readonly #pending = new Map<string, { slot: number; cookie: Buffer }>();
  #ignoreResponses: number;
  /** Addresses ('addr|port') whose packets are dropped (a path that broke). */
  readonly deaf = new Set<string>();
  /** When true the child sends nothing at all (as if it were gone). */
  silent = false;
  #tick = 0;
  #incoming = 0;
  #ignore: number;
  #ending: { reason: number; data: Uint8Array } | undefined;
  readonly #socket: Socket;
  readonly #timer: NodeJS.Timeout;
  readonly #options: FakeChildOptions;
  readonly #snapshotsSent = new Map<number, number>();

  private constructor(socket: Socket, options: FakeChildOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#ignore = options.ignoreRequests ?? 0;
    this.#ignoreResponses = options.ignoreResponses ?? 0;
    socket.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo));
    this.#timer = setInterval(() => this.#onTick(), options.tickMs ?? 25);
  }

  static async start(options: FakeChildOptions = {}): Promise<FakeChild> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new FakeChild(socket, options);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  token(slot: number, ttlMs = 30_000): Uint8Array {
    return signConnectToken({ gameId: this.gameId, slot, expiresAt: Date.now() + ttlMs }, this.secret);
  }

  /** A MatchFound-shaped object for `connect`. */
  match(slot: number, ttlMs = 30_000) {
    return {
      gameId: this.gameId,
      host: '127.0.0.1',
      port: this.port,
      slot,
      token: this.token(slot, ttlMs),
      tokenExpiresAt: Date.now() + ttlMs,
      name: `p${slot}`,
      mode: undefined,
      timeToMatchMs: 0,
    };
  }

  sendEvent(slot: number, data: Uint8Array): void {
    const peer = this.peers.get(slot);
    if (peer === undefined) throw new Error(`slot ${slot} not connected`);
    const pending = { id: peer.nextEventId++, data, seqs: [] };
    peer.outbox.push(pending);
    this.#sendEvent(peer, pending);
  }

  /** Ends the game: gameOver to every peer every tick until acked. */
  gameOver(reason: number, data: Uint8Array): void {
    this.#ending = { reason, data };
  }

  disconnect(slot: number, reason: number): void {
    const peer = this.peers.get(slot);
    if (peer !== undefined) this.#send(peer, { type: 'disconnect', reason });
  }

  #closed = false;

  async close(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #send(peer: FakePeer, body: UdpPacketBody): number {
    const header = peer.tracker.nextHeader();
    if (!this.silent) this.#socket.send(encodePacket({ ...body, ...header }), peer.port, peer.address);
    return header.sequence;
  }

  #sendEvent(peer: FakePeer, pending: Pending): void {
    const times = this.#options.duplicateEvents === true ? 2 : 1;
    for (let i = 0; i < times; i++)
      pending.seqs.push(this.#send(peer, { type: 'reliableEvent', eventId: pending.id, data: pending.data }));
  }

  #onTick(): void {
    this.#tick++;
    for (const [slot, peer] of this.peers) {
      if (peer.left) continue;
      if (this.#ending !== undefined) {
        if (!peer.gameOverAcked) peer.gameOverSeqs.push(this.#send(peer, { type: 'gameOver', ...this.#ending }));
        continue;
      }
      const n = this.#snapshotsSent.get(slot) ?? 0;
      this.#snapshotsSent.set(slot, n + 1);
      const data = Uint8Array.of(this.#tick & 0xff);
      if (this.#options.dropSnapshot?.(n) === true) peer.tracker.nextHeader();
      else this.#send(peer, { type: 'snapshot', tick: this.#tick, data });
      for (const pending of peer.outbox) this.#sendEvent(peer, pending);
    }
  }

  #onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const key = `${rinfo.address}|${rinfo.port}`;
    if (this.deaf.has(key)) return;
    if (this.#options.dropIncoming?.(this.#incoming++) === true) return;
    const decoded = tryDecodePacket(msg);
    if (!decoded.ok) return;
    const packet = decoded.value;
    if (packet.type === 'connectRequest') {
      this.#onConnect(packet, key, rinfo);
      return;
    }
    if (packet.type === 'challengeResponse') {
      this.#onResponse(packet, key, rinfo);
      return;
    }
    const peer = [...this.peers.values()].find((p) => p.key === key);
    if (peer === undefined) return;
    peer.received.push(packet);
    peer.tracker.receive(packet.sequence);
    for (const seq of peer.tracker.processAcks(packet.ack, packet.ackBits)) {
      peer.outbox = peer.outbox.filter((p) => !p.seqs.includes(seq));
      if (peer.gameOverSeqs.includes(seq)) peer.gameOverAcked = true;
    }
    if (packet.type === 'ping') this.#send(peer, { type: 'pong', time: packet.time });
    if (packet.type === 'disconnect') peer.left = true;
  }

  #onConnect(packet: Extract<UdpPacket, { type: 'connectRequest' }>, key: string, rinfo: RemoteInfo): void {
    this.requests++;
    if (this.#ignore > 0) {
      this.#ignore--;
      return;
    }
    const deny = (reason: number): void => {
      if (!this.silent)
        this.#socket.send(
          encodePacket({ type: 'denied', sequence: 0, ack: packet.sequence, ackBits: 0, reason }),
          rinfo.port,
          rinfo.address,
        );
    };
    if (this.#options.deny !== undefined) return deny(this.#options.deny);
    let slot: number;
    try {
      slot = verifyConnectToken(packet.token, this.secret, { gameId: this.gameId }).slot;
    } catch {
      return deny(DenyReason.TOKEN_INVALID);
    }
    const bound = this.peers.get(slot);
    if (this.#options.challenge !== false && bound?.key !== key) {
      const pending = this.#pending.get(key);
      const cookie = pending?.slot === slot ? pending.cookie : randomBytes(16);
      this.#pending.set(key, { slot, cookie });
      this.challenges++;
      if (!this.silent)
        this.#socket.send(
          encodePacket({ type: 'challenge', sequence: 0, ack: packet.sequence, ackBits: 0, cookie }),
          rinfo.port,
          rinfo.address,
        );
      return;
    }
    this.#admit(slot, packet, key, rinfo);
  }

  #onResponse(packet: Extract<UdpPacket, { type: 'challengeResponse' }>, key: string, rinfo: RemoteInfo): void {
    this.responses++;
    const pending = this.#pending.get(key);
    const bound = [...this.peers.entries()].find(([, p]) => p.key === key);
    if (pending === undefined) {
      if (bound !== undefined) this.#admit(bound[0], packet, key, rinfo); // a lost accepted
      return;
    }
    if (!pending.cookie.equals(packet.cookie) || this.rejectResponses) return;
    if (this.#ignoreResponses > 0) {
      this.#ignoreResponses--;
      return;
    }
    this.#pending.delete(key);
    this.#admit(pending.slot, packet, key, rinfo);
  }

  #admit(slot: number, packet: UdpPacket, key: string, rinfo: RemoteInfo): void {
    let peer = this.peers.get(slot);
    if (peer === undefined || peer.key !== key) {
      const connects = (peer?.connects ?? 0) + 1;
      peer = {
        key,
        address: rinfo.address,
        port: rinfo.port,
        tracker: new AckTracker(),
        nextEventId: 0,
        outbox: [],
        gameOverAcked: false,
        gameOverSeqs: [],
        left: false,
        connects,
        received: [],
      };
      this.peers.set(slot, peer);
    }
    peer.received.push(packet);
    peer.tracker.receive(packet.sequence);
    this.#send(peer, {
      type: 'accepted',
      slot,
      tickRate: Math.round(1000 / (this.#options.tickMs ?? 25)),
      data: new Uint8Array(0),
    });
  }
}
