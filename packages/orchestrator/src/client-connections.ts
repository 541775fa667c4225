import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  FrameDecoder,
  type HelloMessage,
  type TcpMessage,
  WireErrorCode,
  describeWireError,
  encodeFrame,
  wireErrorName,
} from '@proj/protocol';
import { AddressPenalties } from './address-penalties.js';
import { type Client, ClientTable } from './client-table.js';
import { ConditionWaiters } from './condition-waiters.js';
import type { PlayerLeftReason } from './events.js';
import type { Emit } from './launched-game.js';
import { MessageBudget, describeExceeded } from './message-budget.js';
import type { ResolvedOptions } from './options.js';
import { acceptRefusal, frameRefusal, frameRefusalMessage, messageRefusal } from './refusals.js';

/** What the connection layer reports to the client flow. */
export interface ConnectionHooks {
  /** A client in `awaitingHello` said hello (its hello deadline is disarmed): queue it or refuse it. */
  hello(client: Client, message: HelloMessage): void;
  /**
   * A client is gone: it disconnected, cancelled, stopped reading, or is being closed with an error. Called at
   * most once per client, while its state is still the one it was in; the flow moves it to `closing` and lets go of
   * what it held (queue entry, launch). The socket is closed after the call.
   */
  gone(client: Client, reason: PlayerLeftReason): void;
}

/** How long a closing connection may linger (waiting for the peer to close) before it is destroyed. */
const CLOSE_LINGER_MS = 2_000;
/** Connections refused at accept are destroyed at once beyond this many pending refusals. */
const MAX_PENDING_REFUSALS = 1_024;
/** Most addresses remembered as serving a rate-limit penalty (the oldest penalty is forgotten first). */
const MAX_PENALISED_ADDRESSES = 10_000;

let nextClientId = 1;

/**
 * The TCP side of the orchestrator: accepts connections into the {@link ClientTable} (or refuses them with an error
 * frame), decodes their frames with a bounded streaming decoder, answers pings, enforces the write-buffer bound, and
 * owns each client's timer (hello deadline, idle deadline, close linger). It never changes a client's state: it
 * reports hellos and departures to the client flow, which does. Nothing a client sends can throw out of here.
 */
export class ClientConnections {
  readonly table = new ClientTable();
  readonly #options: ResolvedOptions;
  readonly #hooks: ConnectionHooks;
  readonly #emit: Emit;
  readonly #refusing = new Set<Socket>();
  readonly #penalties: AddressPenalties;
  #accepting = true;
  readonly #emptyWaiters = new ConditionWaiters();

  constructor(options: ResolvedOptions, hooks: ConnectionHooks, emit: Emit) {
    this.#options = options;
    this.#hooks = hooks;
    this.#emit = emit;
    this.#penalties = new AddressPenalties(options.rateLimitPenaltyMs, MAX_PENALISED_ADDRESSES);
  }

  /** Takes a new connection: into the table with a hello deadline, or refused with an error frame. */
  accept(socket: Socket): void {
    const remoteAddress = socket.remoteAddress ?? '?';
    socket.on('error', ignoreError);
    const now = performance.now();
    const refusal = acceptRefusal({
      accepting: this.#accepting,
      penalised: this.#penalties.has(remoteAddress, now),
      connections: this.table.size,
      fromAddress: this.table.countFrom(remoteAddress),
      maxConnections: this.#options.maxConnections,
      maxConnectionsPerIp: this.#options.maxConnectionsPerIp,
    });
    if (refusal !== undefined) return this.#refuse(socket, remoteAddress, refusal);
    socket.setNoDelay(true);
    if (this.#options.keepAliveMs > 0) socket.setKeepAlive(true, this.#options.keepAliveMs);
    const client: Client = {
      id: nextClientId++,
      socket,
      remoteAddress,
      decoder: new FrameDecoder({ maxFrameBytes: this.#options.maxFrameBytes }),
      budget: new MessageBudget(this.#options.messageLimits, now),
      state: 'awaitingHello',
      name: '',
      mode: '',
      queuedAt: 0,
      lastPosition: 0,
      deadline: undefined,
    };
    this.table.add(client);
    client.deadline = setTimeout(() => {
      if (client.state === 'awaitingHello') this.closeWithError(client, WireErrorCode.HELLO_TIMEOUT, 'protocolError');
    }, this.#options.helloTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.#onData(client, chunk));
    socket.on('close', () => this.#onClose(client));
    this.#emit('clientConnected', { clientId: client.id, remoteAddress });
  }

  /**
   * Sends `message` to `client`. Returns false (and closes the client as a slow reader) when its unsent output
   * went over `maxWriteBufferBytes`.
   */
  send(client: Client, message: TcpMessage): boolean {
    const socket = client.socket;
    if (socket.destroyed) return false;
    socket.write(encodeFrame(message));
    if (socket.writableLength > this.#options.maxWriteBufferBytes) {
      this.#lose(client, 'slowReader');
      socket.destroy();
      return false;
    }
    return true;
  }

  /**
   * Starts the idle deadline of a queued client (when `queuedIdleTimeoutMs` is set): any frame it sends, pings
   * included, restarts it.
   */
  armIdle(client: Client): void {
    this.disarm(client);
    if (this.#options.queuedIdleTimeoutMs === 0) return;
    client.deadline = setTimeout(() => {
      if (client.state === 'queued') this.closeWithError(client, WireErrorCode.IDLE_TIMEOUT, 'idleTimeout');
    }, this.#options.queuedIdleTimeoutMs);
  }

  /** Stops the client's deadline: a matched client waits for its game's child, not for its own pings. */
  disarm(client: Client): void {
    clearTimeout(client.deadline);
    client.deadline = undefined;
  }

  /**
   * Reports the client gone with `reason`, then sends an error frame with `code` and closes the connection (it
   * stays in the table until the socket is closed). No-op for a client already closing.
   */
  closeWithError(client: Client, code: number, reason: PlayerLeftReason, message = describeWireError(code)): void {
    if (client.state === 'closing') return;
    if (reason === 'protocolError' || reason === 'idleTimeout') {
      this.#emit('frameRejected', {
        clientId: client.id,
        remoteAddress: client.remoteAddress,
        code,
        reason: wireErrorName(code),
      });
    }
    this.#lose(client, reason);
    this.end(client, encodeFrame({ type: 'error', code, message }));
  }

  /**
   * Sends `frame` as the last one (match-found, an error, or nothing) and closes the connection, destroying it if
   * the peer has not closed within the linger. Reports nothing: the caller decided the client's fate.
   */
  end(client: Client, frame: Uint8Array): void {
    this.disarm(client);
    const socket = client.socket;
    if (socket.destroyed) return;
    socket.end(frame);
    client.deadline = setTimeout(() => socket.destroy(), CLOSE_LINGER_MS);
    client.deadline.unref();
  }

  /** Refuses new connections from now on (SHUTTING_DOWN). */
  stopAccepting(): void {
    this.#accepting = false;
  }

  /** Destroys every connection still open (the end of a shutdown). */
  destroyAll(): void {
    for (const client of [...this.table.values()]) {
      this.#lose(client, 'shutdown');
      client.socket.destroy();
    }
    for (const socket of this.#refusing) socket.destroy();
  }

  /** Resolves once the table is empty and no refusal is pending. */
  whenEmpty(): Promise<void> {
    return this.#emptyWaiters.when(() => this.table.size === 0 && this.#refusing.size === 0);
  }

  #refuse(socket: Socket, remoteAddress: string, code: WireErrorCode): void {
    this.#emit('clientRejected', { remoteAddress, code, reason: wireErrorName(code) });
    if (this.#refusing.size >= MAX_PENDING_REFUSALS) {
      socket.destroy();
      return;
    }
    this.#refusing.add(socket);
    socket.on('close', () => {
      this.#refusing.delete(socket);
      this.#emptyWaiters.check();
    });
    // Discard whatever the peer sends while we close; but read nothing from an address serving a rate-limit
    // penalty (a flooder: its bytes would cost more than its connection), the linger destroys it.
    if (code === WireErrorCode.RATE_LIMITED) socket.pause();
    else socket.on('data', ignoreData);
    socket.end(encodeFrame({ type: 'error', code, message: describeWireError(code) }));
    setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
  }

  /** Reports `client` gone (once: the flow moves it to `closing`). */
  #lose(client: Client, reason: PlayerLeftReason): void {
    if (client.state === 'closing') return;
    this.#hooks.gone(client, reason);
  }

  #onClose(client: Client): void {
    this.disarm(client);
    this.#lose(client, 'disconnected');
    this.table.remove(client);
    this.#emptyWaiters.check();
  }

  #onData(client: Client, chunk: Buffer): void {
    if (client.state === 'closing') return;
    let messages: TcpMessage[];
    try {
      messages = client.decoder.push(chunk);
    } catch (error) {
      const code = frameRefusal(error);
      this.closeWithError(client, code, 'protocolError', frameRefusalMessage(code, error));
      return;
    }
    if (client.state === 'queued') client.deadline?.refresh();
    const now = performance.now();
    for (const message of messages) {
      if (isClosing(client)) return;
      const exceeded = client.budget.spend(message.type === 'ping', client.state === 'awaitingHello', now);
      if (exceeded !== undefined) {
        // The rest of the chunk is dropped unhandled: a flood costs its decoding, never its answers.
        this.#penalties.add(client.remoteAddress, now);
        const limits = describeExceeded(exceeded, this.#options.messageLimits);
        this.closeWithError(client, WireErrorCode.RATE_LIMITED, 'protocolError', `messages too fast: ${limits}`);
        // Nor is anything it sends afterwards read: a flooder keeps sending, and reading to discard costs as much
        // as reading to answer. The close linger destroys the socket.
        client.socket.pause();
        return;
      }
      this.#onMessage(client, message);
    }
  }

  #onMessage(client: Client, message: TcpMessage): void {
    const refusal = messageRefusal(client.state, message.type);
    if (refusal !== undefined) {
      this.closeWithError(client, refusal, 'protocolError');
      return;
    }
    switch (message.type) {
      case 'ping':
        this.send(client, { type: 'pong', nonce: message.nonce });
        return;
      case 'hello':
        this.disarm(client);
        client.queuedAt = performance.now();
        this.#hooks.hello(client, message);
        return;
      case 'cancel':
        this.#lose(client, 'cancelled');
        this.end(client, new Uint8Array(0));
        return;
      default:
        return;
    }
  }
}

/** A function, so that type narrowing does not assume the state cannot change under a callback. */
function isClosing(client: Client): boolean {
  return client.state === 'closing';
}

function ignoreError(): void {}
function ignoreData(): void {}
