import { type Socket as DgramSocket, createSocket } from 'node:dgram';
import { type Socket, connect } from 'node:net';

// A minimal TCP client of the orchestrator, for tests only: apps/server may depend on @proj/orchestrator and
// @proj/game-child alone, and neither exports a client, so the few frames a test needs are written here by hand,
// following @proj/protocol's layout: [u32 BE length][u8 version = 1][u8 type][payload].

const VERSION = 1;
/** The frame type bytes of the TCP messages these helpers read and write. */
export const TYPE = {
  hello: 0x01,
  cancel: 0x02,
  ping: 0x03,
  pong: 0x04,
  queued: 0x10,
  matchFound: 0x11,
  error: 0x1f,
} as const;

/** A message the orchestrator sent. */
export type ServerMessage =
  | { readonly type: 'queued'; readonly position: number; readonly mode: string | undefined }
  | {
      readonly type: 'matchFound';
      readonly gameId: string;
      readonly host: string;
      readonly port: number;
      readonly slot: number;
      readonly token: Buffer;
      readonly tokenExpiresAt: number;
    }
  | { readonly type: 'error'; readonly code: number; readonly message: string }
  | { readonly type: 'ping' | 'pong'; readonly nonce: number }
  | { readonly type: 'unknown'; readonly typeByte: number };

function frame(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt32BE(payload.length + 2, 0);
  head[4] = VERSION;
  head[5] = type;
  return Buffer.concat([head, payload]);
}

function str8(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length]), b]);
}

/** The bytes of a pong frame answering a ping's 4-byte nonce. */
export function pongFrame(nonce: Buffer): Buffer {
  return frame(TYPE.pong, nonce);
}

/** The bytes of a hello frame. */
export function helloFrame(name: string, mode?: string): Buffer {
  return frame(TYPE.hello, Buffer.concat([str8(name), str8(mode ?? '')]));
}

function decode(type: number, p: Buffer): ServerMessage {
  let at = 0;
  const u8 = (): number => p[at++]!;
  const u16 = (): number => {
    at += 2;
    return p.readUInt16BE(at - 2);
  };
  const u32 = (): number => {
    at += 4;
    return p.readUInt32BE(at - 4);
  };
  const bytes = (n: number): Buffer => {
    at += n;
    return p.subarray(at - n, at);
  };
  switch (type) {
    case TYPE.queued: {
      const position = u32();
      const n = u8();
      return { type: 'queued', position, mode: n === 0 ? undefined : bytes(n).toString('utf8') };
    }
    case TYPE.matchFound: {
      const gameId = bytes(u8()).toString('utf8');
      const host = bytes(u8()).toString('utf8');
      const port = u16();
      const slot = u8();
      const token = Buffer.from(bytes(u8()));
      const tokenExpiresAt = u32() * 2 ** 32 + u32();
      return { type: 'matchFound', gameId, host, port, slot, token, tokenExpiresAt };
    }
    case TYPE.error: {
      const code = u16();
      return { type: 'error', code, message: bytes(u16()).toString('utf8') };
    }
    case TYPE.ping:
    case TYPE.pong:
      return { type: type === TYPE.ping ? 'ping' : 'pong', nonce: u32() };
    default:
      return { type: 'unknown', typeByte: type };
  }
}

/** A test player over TCP: records every message; answers pings. */
export class WireClient {
  readonly socket: Socket;
  readonly messages: ServerMessage[] = [];
  #buffer = Buffer.alloc(0);
  #closed = false;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      while (this.#buffer.length >= 4) {
        const length = this.#buffer.readUInt32BE(0);
        if (this.#buffer.length < 4 + length) break;
        const body = this.#buffer.subarray(4, 4 + length);
        this.#buffer = this.#buffer.subarray(4 + length);
        const message = decode(body[1]!, body.subarray(2));
        if (message.type === 'ping') socket.write(frame(TYPE.pong, body.subarray(2, 6)));
        this.messages.push(message);
      }
      this.#notify();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#closed = true;
      this.#notify();
    });
  }

  /** Connects to `host:port`, from `localAddress` when given (another loopback address: 127.0.0.2...). */
  static async connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<WireClient> {
    const socket = connect(localAddress === undefined ? { port, host } : { port, host, localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new WireClient(socket);
  }

  /** Connects (from `localAddress` when given) and says hello. */
  static async join(port: number, name: string, mode?: string, localAddress?: string): Promise<WireClient> {
    const client = await WireClient.connect(port, '127.0.0.1', localAddress);
    client.send(helloFrame(name, mode));
    return client;
  }

  /** True once the server closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Writes raw bytes. */
  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  #notify(): void {
    for (const w of this.#waiters) w();
  }

  /** Resolves with the first message of `type` (already received or to come); rejects after `timeoutMs`. */
  async next<T extends ServerMessage['type']>(
    type: T,
    timeoutMs = 20_000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const find = (): Extract<ServerMessage, { type: T }> | undefined =>
      this.messages.find((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
    await this.until(() => find() !== undefined || this.#closed, timeoutMs, `a ${type} message`);
    const found = find();
    if (found === undefined)
      throw new Error(
        `connection closed without a ${type} message (got ${JSON.stringify(this.messages.map((m) => m.type))})`,
      );
    return found;
  }

  /** Resolves once the server closed the connection. */
  async whenClosed(timeoutMs = 20_000): Promise<void> {
    await this.until(() => this.#closed, timeoutMs, 'the connection to close');
  }

  /** Resolves once `ready()` holds (checked on every message and on close); rejects after `timeoutMs`. */
  until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!ready()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy();
  }
}

/** UDP packet type bytes of @proj/protocol that the tests look at. */
export const UdpType = {
  connectRequest: 0x01,
  accepted: 0x02,
  denied: 0x03,
  challenge: 0x04,
  challengeResponse: 0x05,
  snapshot: 0x11,
  reliableEvent: 0x12,
  gameOver: 0x31,
} as const;
/** @proj/protocol's GameOverReason values (the u8 after the header of a gameOver packet) that the tests look at. */
export const GameOverReason = { COMPLETED: 1, TIME_LIMIT: 2, SERVER_SHUTDOWN: 4, ABORTED: 5 } as const;
const UDP_PROTOCOL_ID = 0x4753_5031;
const UDP_HEADER_BYTES = 13;

/**
 * A test player over UDP: sends the connect request with its token (header [u32 protocol id][u8 type][u16 sequence]
 * [u16 ack][u32 ack bits], then the token), echoes the child's `challenge` (its 16-byte cookie after the header) in a
 * `challengeResponse` from the same socket, and records the type byte of every datagram the child sends back, and
 * the reason of every gameOver.
 */
export class UdpPlayer {
  readonly socket: DgramSocket;
  readonly received: number[] = [];
  /** The reason byte of every gameOver packet received (resends included). */
  readonly gameOverReasons: number[] = [];

  readonly #port: number;
  readonly #host: string;

  private constructor(socket: DgramSocket, port: number, host: string) {
    this.socket = socket;
    this.#port = port;
    this.#host = host;
    socket.on('message', (msg) => {
      if (msg.length < 5 || msg.readUInt32BE(0) !== UDP_PROTOCOL_ID) return;
      this.received.push(msg[4]!);
      if (msg[4] === UdpType.challenge && msg.length === UDP_HEADER_BYTES + 16) {
        const response = Buffer.from(msg);
        response[4] = UdpType.challengeResponse;
        response.writeUInt16BE(1, 5); // our second packet
        socket.send(response, port, host);
      }
      if (msg[4] === UdpType.gameOver && msg.length > UDP_HEADER_BYTES)
        this.gameOverReasons.push(msg[UDP_HEADER_BYTES]!);
    });
    socket.on('error', () => {});
  }

  /** Binds a socket on `bindAddress` and sends a connect request with `token` to the game's port. */
  static async connect(port: number, token: Buffer, host = '127.0.0.1', bindAddress = '127.0.0.1'): Promise<UdpPlayer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, bindAddress, resolve));
    const player = new UdpPlayer(socket, port, host);
    player.sendConnect(token);
    return player;
  }

  /** Sends (again) a connect request with `token` to the game's port. */
  sendConnect(token: Buffer): void {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(UDP_PROTOCOL_ID, 0);
    header[4] = UdpType.connectRequest;
    this.socket.send(Buffer.concat([header, token]), this.#port, this.#host);
  }

  /** Closes the socket. */
  close(): void {
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }
}
