import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ClientError, ClientErrorCode, abortError } from './errors.js';
import type { Logger } from './logger.js';
import { unmapAddress } from './net-util.js';

/** Where a game child listens, resolved to an IP address. @internal */
export interface UdpTarget {
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
}

/**
 * Resolves `host` (an IP literal or a name) to one address, IPv4 first. Rejects with E_SOCKET when the name does not
 * resolve, E_ABORTED when `signal` fires first. @internal
 */
export async function resolveTarget(host: string, port: number, signal?: AbortSignal): Promise<UdpTarget> {
  const literal = unmapAddress(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
  const kind = isIP(literal);
  if (kind === 4 || kind === 6) return { address: literal, family: kind, port };
  if (signal?.aborted) throw abortError(signal, 'connect');
  try {
    // Game children usually bind IPv4: prefer an IPv4 address when the name has both ('localhost').
    const all = await lookup(literal, { all: true });
    if (signal?.aborted) throw abortError(signal, 'connect');
    const found = all.find((a) => a.family === 4) ?? all[0];
    if (found === undefined) throw new Error('no address');
    return { address: unmapAddress(found.address), family: found.family === 6 ? 6 : 4, port };
  } catch (cause) {
    if (cause instanceof ClientError) throw cause;
    throw new ClientError(ClientErrorCode.SOCKET, `cannot resolve ${host}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * One connected UDP socket to a game child. Datagrams go to a single handler; `hold()` queues them until the
 * next `setHandler`, so ownership can pass from the handshake to the session without losing any. Socket
 * errors after connect (an ICMP "port unreachable" when the child is gone, for instance) are counted and
 * logged, never thrown: silence is what ends a session. @internal
 */
export class UdpLink {
  readonly target: UdpTarget;
  /** Socket errors seen after connect. */
  errors = 0;
  /** Of those, ECONNREFUSED: ICMP "port unreachable", nothing listens on the target port (any more). */
  refused = 0;
  /** ECONNREFUSED errors since the last datagram received (0 again with each datagram). */
  refusedSinceReceived = 0;
  /** Sends that failed. */
  sendErrors = 0;
  readonly #socket: Socket;
  readonly #logger: Logger;
  #handler: ((datagram: Buffer) => void) | undefined;
  #held: Buffer[] | undefined;
  #closed = false;
  readonly #closedPromise: Promise<void>;

  private constructor(socket: Socket, target: UdpTarget, logger: Logger) {
    this.#socket = socket;
    this.target = target;
    this.#logger = logger;
    this.#closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('message', (datagram) => {
      this.refusedSinceReceived = 0;
      if (this.#held !== undefined) this.#held.push(datagram);
      else this.#handler?.(datagram);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.errors++;
      if (error.code === 'ECONNREFUSED') {
        this.refused++;
        this.refusedSinceReceived++;
      }
      this.#logger.debug('udp socket error', { error: error.message, address: target.address, port: target.port });
    });
  }

  /** Opens a socket connected to `target`. Rejects with E_SOCKET if it cannot, E_ABORTED if `signal` fires. */
  static open(target: UdpTarget, logger: Logger, signal?: AbortSignal): Promise<UdpLink> {
    if (signal?.aborted) return Promise.reject(abortError(signal, 'connect'));
    return new Promise((resolve, reject) => {
      const socket = createSocket(target.family === 6 ? 'udp6' : 'udp4');
      const onError = (cause: Error): void => {
        signal?.removeEventListener('abort', onAbort);
        socket.close();
        reject(
          new ClientError(
            ClientErrorCode.SOCKET,
            `cannot open a UDP socket to ${target.address}:${target.port}: ${cause.message}`,
            { cause },
          ),
        );
      };
      const onAbort = (): void => {
        socket.off('error', onError);
        socket.close();
        reject(abortError(signal!, 'connect'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', onError);
      socket.connect(target.port, target.address, () => {
        socket.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
        resolve(new UdpLink(socket, target, logger));
      });
    });
  }

  /** Sends one datagram (fire and forget; failures are counted). */
  send(bytes: Uint8Array): void {
    if (this.#closed) return;
    try {
      this.#socket.send(bytes, (error) => {
        if (error) this.sendErrors++;
      });
    } catch {
      this.sendErrors++;
    }
  }

  /** Queues incoming datagrams until the next {@link setHandler}. */
  hold(): void {
    this.#held ??= [];
  }

  /** Routes datagrams to `handler`, first those held since {@link hold}. */
  setHandler(handler: (datagram: Buffer) => void): void {
    this.#handler = handler;
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) for (const d of held) if (!this.#closed) handler(d);
  }

  /** The local port (for logs and tests). */
  get localPort(): number {
    return this.#closed ? 0 : this.#socket.address().port;
  }

  /** Closes the socket; resolves once it is closed. Idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#handler = undefined;
      this.#held = undefined;
      try {
        this.#socket.close();
      } catch {
        // already closed
      }
    }
    return this.#closedPromise;
  }
}
