import { createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, encodeFrame, type TcpMessage } from '@proj/protocol';
import { waitUntil } from '@proj/test-utils';

/** One client connection as the fake orchestrator sees it. */
export class FakeConnection {
  readonly received: TcpMessage[] = [];
  closed = false;
  readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      try {
        this.received.push(...decoder.push(chunk));
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  send(msg: TcpMessage): void {
    this.socket.write(encodeFrame(msg));
  }

  /** Sends `msg`, then closes (as the orchestrator does after match-found and error). */
  sendAndClose(msg: TcpMessage): void {
    this.socket.end(encodeFrame(msg));
  }

  async waitFor<T extends TcpMessage['type']>(type: T): Promise<Extract<TcpMessage, { type: T }>> {
    await waitUntil(() => this.received.some((m) => m.type === type), `a ${type} frame`, {
      wakeOn: [[this.socket, 'data']],
    });
    return this.received.find((m) => m.type === type) as Extract<TcpMessage, { type: T }>;
  }

  async waitClosed(): Promise<void> {
    await waitUntil(() => this.closed, 'the connection to close', { wakeOn: [[this.socket, 'close']] });
  }
}

/** A scriptable orchestrator on 127.0.0.1, port 0. */
export class FakeOrchestrator {
  readonly connections: FakeConnection[] = [];
  readonly #server: Server;

  private constructor(server: Server, onConnection: (c: FakeConnection) => void) {
    this.#server = server;
    server.on('connection', (socket) => {
      const c = new FakeConnection(socket);
      this.connections.push(c);
      onConnection(c);
    });
  }

  static async start(onConnection: (c: FakeConnection) => void = () => {}): Promise<FakeOrchestrator> {
    const server = createServer();
    const fake = new FakeOrchestrator(server, onConnection);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  async connection(index = 0): Promise<FakeConnection> {
    await waitUntil(() => this.connections.length > index, `connection ${index}`, {
      wakeOn: [[this.#server, 'connection']],
    });
    return this.connections[index]!;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
