// A tiny TCP client for the integration tests, speaking @proj/protocol frames.
import { type Socket, connect } from 'node:net';
import {
  FrameDecoder,
  PROTOCOL_VERSION,
  type TcpMessage,
  type TcpMessageOf,
  type TcpMessageType,
  encodeFrame,
} from '@proj/protocol';

const DEFAULT_WAIT_MS = 20_000;

/** A test client: collects every frame it receives and lets the test wait for the next one of a type. */
export class TestClient {
  readonly socket: Socket;
  /** Every message received, in order. */
  readonly received: TcpMessage[] = [];
  /** Resolves when the connection is fully closed. */
  readonly closed: Promise<void>;
  #isClosed = false;
  #cursor = 0;
  readonly #decoder = new FrameDecoder({ maxFrameBytes: 1 << 16 });
  #wake: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk) => {
      this.received.push(...this.#decoder.push(chunk));
      this.#wake?.();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.#isClosed = true;
        this.#wake?.();
        resolve();
      }),
    );
  }

  /** Opens a connection. */
  static connect(port: number, host = '127.0.0.1'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new TestClient(socket));
      });
    });
  }

  /** Connects and says hello; resolves with the first queued message. */
  static async queued(port: number, name: string, mode?: string): Promise<TestClient> {
    const client = await TestClient.connect(port);
    client.hello(name, mode);
    await client.next('queued');
    return client;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Sends a message. */
  send(message: TcpMessage): void {
    this.socket.write(encodeFrame(message));
  }

  /** Sends raw bytes. */
  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Sends hello. */
  hello(name: string, mode?: string): void {
    this.send(
      mode === undefined
        ? { type: 'hello', protocolVersion: PROTOCOL_VERSION, name }
        : { type: 'hello', protocolVersion: PROTOCOL_VERSION, name, mode },
    );
  }

  /**
   * The next message not returned yet (of `type` when given; messages of other types before it are skipped).
   * Rejects when the connection closes first or after `timeoutMs` (a generous safety net, not a timing assertion).
   */
  async next<T extends TcpMessageType>(type?: T, timeoutMs = DEFAULT_WAIT_MS): Promise<TcpMessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#cursor < this.received.length) {
        const message = this.received[this.#cursor++]!;
        if (type === undefined || message.type === type) return message as TcpMessageOf<T>;
      }
      if (this.#isClosed)
        throw new Error(
          `connection closed before a ${type ?? 'message'} arrived (got ${JSON.stringify(this.received.map((m) => m.type))})`,
        );
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no ${type ?? 'message'} within ${timeoutMs} ms (got ${JSON.stringify(this.received.map((m) => m.type))})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          this.#wake = undefined;
          resolve();
        };
      });
    }
  }

  /** The last queued position received (0 when none). */
  lastPosition(): number {
    for (let i = this.received.length - 1; i >= 0; i--) {
      const m = this.received[i]!;
      if (m.type === 'queued') return m.position;
    }
    return 0;
  }

  /** Waits until the last queued position received is `position`. */
  async waitForPosition(position: number, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lastPosition() !== position) {
      const left = deadline - Date.now();
      if (left <= 0 || this.#isClosed) throw new Error(`position ${position} never came (last ${this.lastPosition()})`);
      await this.next('queued', left).catch(() => undefined);
    }
  }

  /** Waits for an error frame and the close that follows; returns the error. */
  async expectError(): Promise<TcpMessageOf<'error'>> {
    const error = await this.next('error');
    await this.closed;
    return error;
  }

  /** Closes the connection at once. */
  destroy(): void {
    this.socket.destroy();
  }
}
