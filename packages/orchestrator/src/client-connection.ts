import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  FrameDecoder,
  type HelloMessage,
  ProtocolError,
  type TcpMessage,
  WireErrorCode,
  describeWireError,
  encodeFrame,
  wireErrorCodeFor,
  wireErrorName,
} from '@proj/protocol';
import { type Client, ClientTable } from './client-table.js';
import { ConditionWaiters } from './condition-waiters.js';
import type { PlayerLeftReason } from './events.js';
import type { Emit } from './launched-game.js';
import type { ResolvedOptions } from './options.js';

/** What the orchestrator does with the messages and departures of clients. */
export interface ConnectionHooks {
  /** A client in `awaitingHello` said hello; the hook must queue it (set its state) or close it with an error. */
  hello(client: Client, message: HelloMessage): void;
  /**
   * A client is gone for the orchestrator: it disconnected, cancelled, or was closed with an error. Called once per
   * client, with the state it was in (its state is `closing` by then), before its socket is fully closed.
   */
  gone(client: Client, previous: Client['state'], reason: PlayerLeftReason): void;
}

/** How long a closing connection may linger (waiting for the peer to close) before it is destroyed. */
const CLOSE_LINGER_MS = 2_000;
/** Connections refused at accept are destroyed at once beyond this many pending refusals. */
const MAX_PENDING_REFUSALS = 1_024;

let nextClientId = 1;

/**
 * The TCP side of the orchestrator: accepts connections into the {@link ClientTable} (or refuses them with an error
 * frame: server full, too many from one address, shutting down), decodes their frames with a bounded streaming
 * decoder, enforces the hello deadline, the idle deadline of queued clients and the write-buffer bound, answers
 * pings, and closes misbehaving clients with the matching wire error code. Nothing a client sends can throw out of
 * here.
 */
export class ClientConnections {
  readonly table = new ClientTable();
  readonly #options: ResolvedOptions;
  readonly #hooks: ConnectionHooks;
  readonly #emit: Emit;
  readonly #refusing = new Set<Socket>();
  #accepting = true;
  readonly #emptyWaiters = new ConditionWaiters();

  constructor(options: ResolvedOptions, hooks: ConnectionHooks, emit: Emit) {
    this.#options = options;
    this.#hooks = hooks;
    this.#emit = emit;
  }

  /** Takes a new connection: into the table with a hello deadline, or refused with an error frame. */
  accept(socket: Socket): void {
    const remoteAddress = socket.remoteAddress ?? '?';
    socket.on('error', ignoreError);
    if (!this.#accepting) return this.#refuse(socket, remoteAddress, WireErrorCode.SHUTTING_DOWN);
    if (this.table.size >= this.#options.maxConnections)
      return this.#refuse(socket, remoteAddress, WireErrorCode.SERVER_FULL);
    if (this.table.countFrom(remoteAddress) >= this.#options.maxConnectionsPerIp) {
      return this.#refuse(socket, remoteAddress, WireErrorCode.TOO_MANY_FROM_IP);
    }
    socket.setNoDelay(true);
    if (this.#options.keepAliveMs > 0) socket.setKeepAlive(true, this.#options.keepAliveMs);
    const client: Client = {
      id: nextClientId++,
      socket,
      remoteAddress,
      decoder: new FrameDecoder({ maxFrameBytes: this.#options.maxFrameBytes }),
      state: 'awaitingHello',
      name: '',
      mode: '',
      queuedAt: 0,
      lastPosition: 0,
      timer: undefined,
      pending: undefined,
      leaveReason: undefined,
    };
    this.table.add(client);
    client.timer = setTimeout(() => {
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
    return this.sendFrame(client, encodeFrame(message));
  }

  /** Like `send`, for an already encoded frame. */
  sendFrame(client: Client, frame: Uint8Array): boolean {
    if (client.socket.destroyed) return false;
    client.socket.write(frame);
    if (client.socket.writableLength > this.#options.maxWriteBufferBytes) {
      this.#lose(client, 'slowReader');
      client.socket.destroy();
      return false;
    }
    return true;
  }

  /**
   * Starts the idle deadline of a queued client (when `queuedIdleTimeoutMs` is set): any frame it sends, pings
   * included, restarts it.
   */
  armIdle(client: Client): void {
    clearTimeout(client.timer);
    client.timer = undefined;
    if (this.#options.queuedIdleTimeoutMs === 0) return;
    client.timer = setTimeout(() => {
      if (client.state === 'queued') this.closeWithError(client, WireErrorCode.IDLE_TIMEOUT, 'idleTimeout');
    }, this.#options.queuedIdleTimeoutMs);
  }

  /**
   * Sends an error frame with `code` and closes the connection (reported to `gone` with `reason` now, removed from
   * the table once the socket is closed). No-op for a client already closing.
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
    this.#end(client, encodeFrame({ type: 'error', code, message }));
  }

  /**
   * Sends `frame` as the last one (match-found) and closes the connection, without reporting the client as gone:
   * it leaves with what it came for.
   */
  finish(client: Client, frame: Uint8Array): void {
    if (client.state === 'closing') return;
    this.table.setState(client, 'closing');
    this.#end(client, frame);
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

  #refuse(socket: Socket, remoteAddress: string, code: number): void {
    this.#emit('clientRejected', { remoteAddress, code, reason: wireErrorName(code) });
    if (this.#refusing.size >= MAX_PENDING_REFUSALS) {
      socket.destroy();
      return;
    }
    this.#refusing.add(socket);
    socket.on('close', () => {
      this.#refusing.delete(socket);
      this.#notifyEmpty();
    });
    // Discard whatever the peer sends while we close.
    socket.on('data', ignoreData);
    socket.end(encodeFrame({ type: 'error', code, message: describeWireError(code) }));
    setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
  }

  #end(client: Client, frame: Uint8Array): void {
    clearTimeout(client.timer);
    const socket = client.socket;
    if (socket.destroyed) return;
    socket.end(frame);
    client.timer = setTimeout(() => socket.destroy(), CLOSE_LINGER_MS);
    client.timer.unref();
  }

  /** Marks `client` closing and reports it gone (once). */
  #lose(client: Client, reason: PlayerLeftReason): void {
    if (client.leaveReason !== undefined || client.state === 'closing') return;
    client.leaveReason = reason;
    const previous = client.state;
    this.table.setState(client, 'closing');
    this.#hooks.gone(client, previous, reason);
  }

  #onClose(client: Client): void {
    clearTimeout(client.timer);
    client.timer = undefined;
    this.#lose(client, 'disconnected');
    this.table.remove(client);
    this.#notifyEmpty();
  }

  #notifyEmpty(): void {
    this.#emptyWaiters.check();
  }

  #onData(client: Client, chunk: Buffer): void {
    if (client.state === 'closing') return;
    let messages: TcpMessage[];
    try {
      messages = client.decoder.push(chunk);
    } catch (error) {
      this.closeWithError(client, wireCodeOf(error), 'protocolError');
      return;
    }
    if (client.state === 'queued' && client.timer !== undefined) client.timer.refresh();
    for (const message of messages) {
      if (isClosing(client)) return;
      this.#onMessage(client, message);
    }
  }

  #onMessage(client: Client, message: TcpMessage): void {
    switch (message.type) {
      case 'ping':
        this.send(client, { type: 'pong', nonce: message.nonce });
        return;
      case 'pong':
        return;
      case 'hello':
        if (client.state === 'awaitingHello') {
          clearTimeout(client.timer);
          client.timer = undefined;
          client.queuedAt = performance.now();
          this.#hooks.hello(client, message);
        } else {
          this.closeWithError(
            client,
            client.state === 'queued' ? WireErrorCode.ALREADY_QUEUED : WireErrorCode.UNEXPECTED_MESSAGE,
            'protocolError',
          );
        }
        return;
      case 'cancel':
        this.#lose(client, 'cancelled');
        this.#end(client, new Uint8Array(0));
        return;
      default:
        // queued, matchFound, error: server-to-client messages.
        this.closeWithError(client, WireErrorCode.UNEXPECTED_MESSAGE, 'protocolError');
    }
  }
}

/**
 * The wire code for a decoding error; a hello whose name field is refused (too long, control characters, invalid
 * UTF-8) gets BAD_NAME. ProtocolError names the field only in its message, hence the prefix test.
 */
function wireCodeOf(error: unknown): number {
  if (
    error instanceof ProtocolError &&
    (error.code === 'E_INVALID_FIELD' || error.code === 'E_BAD_LENGTH' || error.code === 'E_INVALID_UTF8') &&
    error.message.startsWith('hello.name ')
  ) {
    return WireErrorCode.BAD_NAME;
  }
  return wireErrorCodeFor(error);
}

/** A function, so that type narrowing does not assume the state cannot change under a callback. */
function isClosing(client: Client): boolean {
  return client.state === 'closing';
}

function ignoreError(): void {}
function ignoreData(): void {}
