import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { DisconnectReason, gameOverReasonName, packetDataCapacity } from '@proj/protocol';
import { Conversation } from './conversation.js';
import { EndLatch } from './end-latch.js';
import { ClientError, ClientErrorCode, disconnectedError, serverTimeoutError } from './errors.js';
import type { InboxEvent } from './event-inbox.js';
import type { HandshakeResult } from './handshake.js';
import type { Logger } from './logger.js';
import type { MatchFound } from './match.js';
import { SessionMetrics } from './session-metrics.js';
import type { ResolvedConnectOptions } from './session-options.js';
import type { GameOver, GameSessionEvents, SessionEnd, SessionState, SessionStats } from './session-types.js';
import { reclaimSlot, type SessionInit } from './reopen.js';
import type { UdpLink, UdpTarget } from './udp-link.js';
import { MAX_TIMER_MS, intOption, signalOption } from './validate.js';

const HOUSEKEEPING_MS = 100;
const MAX_INPUT_BYTES = packetDataCapacity('input');

/**
 * One player's game session with a game child over UDP, from `accepted` to its end. Create it with
 * {@link connect}. It emits `snapshot`s (newest only), reliable `event`s (once each, in order, acked at once),
 * then exactly one `end` (after `gameOver` or `disconnect` when those are the cause). It pings the child to
 * measure RTT and stay alive, measures loss both ways (`stats()`), fails with E_SERVER_TIMEOUT when the child
 * goes silent (sooner when its port refuses datagrams: `refusedTimeoutMs`), and can `reconnect()` from a new
 * socket with the same token while the token is valid.
 */
export class GameSession extends EventEmitter<GameSessionEvents> {
  /** The match this session plays. */
  readonly match: MatchFound;
  /** The player's slot, as the child confirmed it. */
  readonly slot: number;
  /** The child's tick rate (snapshots per second), Hz. */
  readonly tickRate: number;
  /** The game's welcome bytes from `accepted` (may be empty; the arena sends its welcome as a reliable event). */
  readonly welcome: Uint8Array;
  readonly #target: UdpTarget;
  readonly #options: ResolvedConnectOptions;
  readonly #logger: Logger;
  readonly #lifetime = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #latch = new EndLatch();
  #state: SessionState = 'open';
  #conv: Conversation;
  #reconnecting: Promise<void> | undefined;
  #lastHeardAt: number;
  #inputSeq = 0;
  readonly #m: SessionMetrics;

  /** @internal Use {@link connect}. */
  constructor(init: SessionInit) {
    super();
    const { accepted } = init.handshake;
    this.match = init.match;
    this.slot = accepted.slot;
    this.tickRate = accepted.tickRate;
    this.welcome = accepted.data.slice();
    this.#target = init.target;
    this.#options = init.options;
    this.#logger = init.options.logger;
    this.#m = new SessionMetrics(init.handshake.attempts);
    this.#conv = new Conversation(init.link, init.handshake, this.#m, init.options.eventHoldMs);
    this.#m.down.receive(accepted.sequence);
    this.#lastHeardAt = init.handshake.acceptedAt;
    this.#timer = setInterval(this.#housekeep, Math.min(HOUSEKEEPING_MS, init.options.pingIntervalMs));
    init.link.setHandler(this.#onDatagram);
  }

  /** 'open', 'reconnecting' or 'ended'. */
  get state(): SessionState {
    return this.#state;
  }

  /** How the session ended, undefined while it runs. */
  get ended(): SessionEnd | undefined {
    return this.#latch.value;
  }

  /** The local UDP port of the current socket (changes on reconnect; 0 once ended). */
  get localPort(): number {
    return this.#state === 'ended' ? 0 : this.#conv.link.localPort;
  }

  /**
   * Sends one input (the game's own bytes, at most 1,183; for the arena: `encodeArenaInput`). Inputs are
   * unreliable and numbered: the child keeps only the newest, so resend state-like inputs rather than
   * deltas. Returns false (nothing sent) unless the session is open. Throws E_INVALID_ARGUMENT for
   * non-bytes or oversized input.
   */
  sendInput(data: Uint8Array): boolean {
    if (!(data instanceof Uint8Array) || data.length > MAX_INPUT_BYTES) {
      throw new ClientError(
        ClientErrorCode.INVALID_ARGUMENT,
        `input must be a Uint8Array of at most ${MAX_INPUT_BYTES} bytes`,
      );
    }
    if (this.#state !== 'open') return false;
    this.#inputSeq = (this.#inputSeq + 1) >>> 0;
    this.#m.inputsSent++;
    this.#conv.send({ type: 'input', inputSeq: this.#inputSeq, data });
    return true;
  }

  /** Link figures so far (cheap; call it every frame if you like). */
  stats(): SessionStats {
    return this.#m.stats(performance.now() - this.#lastHeardAt, this.#conv.eventDuplicates);
  }

  /**
   * Claims the slot again from a new UDP socket with the same token (after a network change, or to recover from
   * silence): tells the child the old socket is leaving, then resends connect requests until accepted. While
   * the child still holds the old binding (the old socket could not reach it) it answers SLOT_TAKEN; that is
   * retried until the child's own silence timeout frees the slot. Resolves once accepted (`reconnected` is
   * emitted); a concurrent call shares the attempt. A failed reconnect ends the session (`end` with 'failed')
   * and rejects with its error: E_CONNECT_TIMEOUT (after `timeoutMs`, default the connect timeout), E_DENIED,
   * E_TOKEN_EXPIRED, E_ABORTED (`signal`), E_SOCKET; E_SESSION_CLOSED if the session had ended.
   */
  async reconnect(options: { readonly signal?: AbortSignal; readonly timeoutMs?: number } = {}): Promise<void> {
    if (this.#state === 'ended') throw this.#closedError('reconnect');
    if (this.#reconnecting !== undefined) return await this.#reconnecting;
    const signal = signalOption(options.signal);
    const timeoutMs = intOption('timeoutMs', options.timeoutMs, this.#options.connectTimeoutMs, 1, MAX_TIMER_MS);
    return await this.#startReconnect(performance.now() + timeoutMs, signal, false);
  }

  /**
   * Leaves the game: tells the child (one `disconnect` packet, best effort), closes the socket and ends the
   * session with 'closed' (unless it had already ended). Resolves when the socket is closed. Idempotent.
   */
  close(): Promise<void> {
    if (this.#state === 'open') this.#conv.send({ type: 'disconnect', reason: DisconnectReason.CLIENT_QUIT });
    const link = this.#conv.link;
    this.#finish({ kind: 'closed' });
    return link.close();
  }

  /** Resolves with how the session ended (at once if it has). Rejects only with E_ABORTED when `signal` fires. */
  async waitForEnd(options: { readonly signal?: AbortSignal } = {}): Promise<SessionEnd> {
    return await this.#latch.wait(signalOption(options.signal), 'waitForEnd');
  }

  /**
   * Resolves with the game's end. Rejects with the session's error when it ended otherwise: E_DISCONNECTED,
   * E_SERVER_TIMEOUT (or a failed reconnect's error), E_SESSION_CLOSED (closed by `close()`); E_ABORTED when
   * `signal` fires.
   */
  async waitForGameOver(options: { readonly signal?: AbortSignal } = {}): Promise<GameOver> {
    return await this.#latch.waitForGameOver(signalOption(options.signal), () => this.#closedError('waitForGameOver'));
  }

  // ---- receiving -----------------------------------------------------------------------------------

  readonly #onDatagram = (datagram: Buffer): void => {
    if (this.#state !== 'open') return;
    const now = performance.now();
    const received = this.#conv.receive(datagram, now);
    if (received === undefined) return;
    const { packet, fresh } = received;
    this.#lastHeardAt = now;
    switch (packet.type) {
      case 'snapshot':
        if (fresh && this.#m.ticks.accept(packet.tick)) this.emit('snapshot', { tick: packet.tick, data: packet.data });
        return;
      case 'reliableEvent':
        this.#conv.scheduleAck(() => this.#state === 'open');
        this.#deliver(this.#conv.event(packet.eventId, packet.data, now));
        return;
      case 'ping':
        this.#conv.send({ type: 'pong', time: packet.time });
        return;
      case 'pong':
        this.#conv.pong(packet.time, now);
        return;
      case 'gameOver':
        this.#onGameOver(packet.reason, packet.data);
        return;
      case 'disconnect':
        this.#onDisconnect(packet.reason);
        return;
      default:
        // accepted or challenge (answers to resent handshake packets), denied, or client-to-server types: ignored.
        return;
    }
  };

  #deliver(events: readonly InboxEvent[]): void {
    for (const e of events) {
      if (this.#state === 'ended') return;
      this.#m.eventsReceived++;
      this.emit('event', e);
    }
  }

  #onGameOver(reason: number, data: Uint8Array): void {
    this.#deliver(this.#conv.drain());
    if (this.#state !== 'open') return;
    // This packet's header acks the gameOver, so the child stops resending it.
    this.#conv.send({ type: 'disconnect', reason: DisconnectReason.CLIENT_QUIT });
    this.#finish({
      kind: 'gameOver',
      gameOver: { reason, reasonName: gameOverReasonName(reason), data: data.slice() },
    });
  }

  #onDisconnect(reason: number): void {
    const error = disconnectedError(reason);
    this.#finish({ kind: 'disconnected', disconnect: { reason, reasonName: error.disconnectReasonName ?? '' }, error });
  }

  // ---- timers --------------------------------------------------------------------------------------

  readonly #housekeep = (): void => {
    if (this.#state !== 'open') return;
    const now = performance.now();
    const silence = now - this.#lastHeardAt;
    // A port that keeps refusing has nobody behind it: no point in waiting the whole timeout.
    const refusing = this.#conv.link.refusedSinceReceived >= 2 && silence >= this.#options.refusedTimeoutMs;
    if (silence >= this.#options.timeoutMs || refusing) {
      this.#fail(serverTimeoutError(`${this.#target.address}:${this.#target.port}`, silence, this.#conv.link.refused));
      return;
    }
    const auto = this.#options.autoReconnectAfterMs;
    if (auto !== undefined && silence >= auto && Date.now() <= this.match.tokenExpiresAt) {
      this.#startReconnect(this.#lastHeardAt + this.#options.timeoutMs, undefined, true).catch(() => {
        // The failure already ended the session.
      });
      return;
    }
    if (now - this.#conv.lastPingAt >= this.#options.pingIntervalMs) this.#conv.ping(now);
    this.#deliver(this.#conv.housekeep(now));
  };

  // ---- reconnect and end ---------------------------------------------------------------------------

  #startReconnect(deadline: number, signal: AbortSignal | undefined, auto: boolean): Promise<void> {
    const attempt = this.#reconnect(deadline, signal, auto).finally(() => {
      this.#reconnecting = undefined;
    });
    this.#reconnecting = attempt;
    return attempt;
  }

  async #reconnect(deadline: number, signal: AbortSignal | undefined, auto: boolean): Promise<void> {
    this.#state = 'reconnecting';
    this.#logger.debug('reconnecting', { gameId: this.match.gameId, auto });
    this.emit('reconnecting');
    // Tell the child the old socket leaves, so it frees the slot at once (harmless if it cannot hear it).
    this.#conv.send({ type: 'disconnect', reason: DisconnectReason.CLIENT_QUIT });
    void this.#conv.link.close();
    const combined = signal === undefined ? this.#lifetime.signal : AbortSignal.any([this.#lifetime.signal, signal]);
    try {
      const { link, result } = await reclaimSlot(
        { target: this.#target, token: this.match.token, deadline, signal: combined },
        this.#options,
      );
      if (this.#isEnded()) {
        void link.close();
        throw this.#closedError('reconnect');
      }
      this.#install(link, result);
    } catch (error) {
      if (this.#isEnded()) throw this.#closedError('reconnect');
      const failure = error as ClientError;
      this.#fail(
        auto
          ? new ClientError(
              ClientErrorCode.SERVER_TIMEOUT,
              `the game server went silent and reconnecting failed: ${failure.message}`,
              { cause: failure },
            )
          : failure,
      );
      throw failure;
    }
    this.#m.reconnects++;
    this.#logger.debug('reconnected', { gameId: this.match.gameId, localPort: this.#conv.link.localPort });
    this.emit('reconnected');
  }

  #install(link: UdpLink, result: HandshakeResult): void {
    this.#m.eventDuplicates += this.#conv.eventDuplicates;
    this.#conv = new Conversation(link, result, this.#m, this.#options.eventHoldMs);
    this.#m.restart(result.accepted.sequence);
    this.#lastHeardAt = result.acceptedAt;
    this.#state = 'open';
    link.setHandler(this.#onDatagram);
  }

  /** A method, not a comparison: TypeScript would keep `#state` narrowed across the awaits above. */
  #isEnded(): boolean {
    return this.#state === 'ended';
  }

  #closedError(what: string): ClientError {
    return new ClientError(
      ClientErrorCode.SESSION_CLOSED,
      `${what}: the session has ended (${this.#latch.value?.kind ?? 'closed'})`,
    );
  }

  #fail(error: ClientError): void {
    this.#logger.debug('session failed', { gameId: this.match.gameId, code: error.code, message: error.message });
    this.#finish({ kind: 'failed', error });
  }

  #finish(end: SessionEnd): void {
    if (!this.#latch.settle(end)) return;
    this.#state = 'ended';
    clearInterval(this.#timer);
    this.#lifetime.abort();
    void this.#conv.link.close();
    if (end.kind === 'gameOver') this.emit('gameOver', end.gameOver);
    else if (end.kind === 'disconnected') this.emit('disconnect', end.disconnect);
    this.emit('end', end);
  }
}
