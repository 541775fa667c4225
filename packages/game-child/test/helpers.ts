// Shared helpers of the integration tests: a scripted UDP client, assignments and tokens, forked children.
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import {
  AckTracker,
  encodePacket,
  generateGameSecret,
  IPC_VERSION,
  parseChildToParentMessage,
  signConnectToken,
  tryDecodePacket,
  type ChildToParentMessage,
  type GameAssignment,
  type UdpPacket,
  type UdpPacketBody,
  type UdpPacketOf,
  type UdpPacketType,
} from '@proj/protocol';
import { REPO_ROOT, SOURCE_ARGS } from '@proj/test-utils';
import { afterEach } from 'vitest';
import { startGame, type GameServer, type GameServerOptions } from '../src/index.js';

export const mainSource = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** How long a test waits for something that should happen within milliseconds (generous: shared CPUs). */
export const WAIT_MS = 10_000;

export interface TestGame {
  readonly assignment: GameAssignment;
  readonly secret: Uint8Array;
  token(
    slot: number,
    opts?: { expiresAt?: number; gameId?: string; secret?: Uint8Array; nonce?: Uint8Array },
  ): Uint8Array;
}

let gameCounter = 0;

/** An assignment for `players` seats (slots 0..n-1) on 127.0.0.1, and a token signer for it. */
export function testGame(players = 2, overrides: Partial<GameAssignment> = {}): TestGame {
  const secret = generateGameSecret();
  const assignment: GameAssignment = {
    gameId: `test-${process.pid}-${++gameCounter}`,
    mode: 'arena',
    bindHost: '127.0.0.1',
    port: 0,
    players: Array.from({ length: players }, (_, slot) => ({ slot, name: `player${slot}` })),
    secretBase64: Buffer.from(secret).toString('base64'),
    tokenExpiresAt: Date.now() + 60_000,
    ...overrides,
  };
  return {
    assignment,
    secret,
    token: (slot, opts = {}) =>
      signConnectToken(
        {
          gameId: opts.gameId ?? assignment.gameId,
          slot,
          expiresAt: opts.expiresAt ?? Date.now() + 30_000,
          ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}),
        },
        opts.secret ?? secret,
      ),
  };
}

type Waiter = { match: (p: UdpPacket) => boolean; resolve: (p: UdpPacket) => void };

/** A scripted UDP client on 127.0.0.1 that speaks the protocol to one game server. */
export class TestClient {
  readonly socket: Socket;
  readonly port: number;
  readonly received: UdpPacket[] = [];
  /** Sizes of every datagram received, in order. */
  readonly sizes: number[] = [];
  tracker = new AckTracker();
  readonly #serverPort: number;
  #waiters: Waiter[] = [];
  #inputSeq = 0;
  #autoAck: boolean;
  #ackScheduled = false;
  #closed = false;

  private constructor(socket: Socket, serverPort: number, autoAck: boolean) {
    this.socket = socket;
    this.port = socket.address().port;
    this.#serverPort = serverPort;
    this.#autoAck = autoAck;
    socket.on('message', (msg) => {
      this.sizes.push(msg.length);
      const r = tryDecodePacket(msg);
      if (!r.ok) return;
      const p = r.value;
      this.tracker.receive(p.sequence);
      this.received.push(p);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(p)) return true;
        w.resolve(p);
        return false;
      });
      if (this.#autoAck && (p.type === 'reliableEvent' || p.type === 'gameOver') && !this.#ackScheduled) {
        this.#ackScheduled = true;
        setImmediate(() => {
          this.#ackScheduled = false;
          if (!this.#closed) this.send({ type: 'ping', time: 1 });
        });
      }
    });
  }

  /**
   * A client bound to 127.0.0.1:0 talking to the server at `serverPort`. Acks reliable packets by itself unless told
   * not to.
   */
  static async open(serverPort: number, opts: { autoAck?: boolean } = {}): Promise<TestClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new TestClient(socket, serverPort, opts.autoAck ?? true);
  }

  /** Sends a packet with the next header of this client's conversation. */
  send(body: UdpPacketBody): void {
    this.sendRaw(encodePacket({ ...body, ...this.tracker.nextHeader() }));
  }

  sendRaw(bytes: Uint8Array): void {
    if (!this.#closed) this.socket.send(bytes, this.#serverPort, '127.0.0.1');
  }

  input(data: Uint8Array): void {
    this.send({ type: 'input', inputSeq: ++this.#inputSeq, data });
  }

  /** Resolves with the first packet (already received, or next) matching; rejects after `timeoutMs`. */
  waitFor<T extends UdpPacketType>(
    type: T,
    match: (p: UdpPacketOf<T>) => boolean = () => true,
    timeoutMs = WAIT_MS,
    since = 0,
  ): Promise<UdpPacketOf<T>> {
    const test = (p: UdpPacket): boolean => p.type === type && match(p as UdpPacketOf<T>);
    const seen = this.received.slice(since).find(test);
    if (seen !== undefined) return Promise.resolve(seen as UdpPacketOf<T>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${type} packet within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        match: test,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p as UdpPacketOf<T>);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /**
   * Connects with `token` as a real client does: sends a connect request, waits for `challenge`, `accepted` or
   * `denied`; answers a challenge with its cookie and waits for `accepted` or `denied`.
   */
  async connect(token: Uint8Array): Promise<UdpPacketOf<'accepted'> | UdpPacketOf<'denied'>> {
    const first = await this.request(token);
    if (first.type !== 'challenge') return first;
    return this.respond(first.cookie);
  }

  /** Sends a connect request with `token`; resolves with the first `challenge`, `accepted` or `denied` after it. */
  request(token: Uint8Array): Promise<UdpPacketOf<'challenge'> | UdpPacketOf<'accepted'> | UdpPacketOf<'denied'>> {
    const answer = this.#nextOf(['challenge', 'accepted', 'denied']);
    this.send({ type: 'connectRequest', token });
    return answer;
  }

  /** Echoes a challenge `cookie`; resolves with the `accepted` or `denied` that follows. */
  respond(cookie: Uint8Array): Promise<UdpPacketOf<'accepted'> | UdpPacketOf<'denied'>> {
    const answer = this.#nextOf(['accepted', 'denied']);
    this.send({ type: 'challengeResponse', cookie });
    return answer;
  }

  #nextOf<T extends UdpPacketType>(types: readonly T[]): Promise<UdpPacketOf<T>> {
    const since = this.received.length;
    return Promise.race(types.map((t) => this.waitFor(t, () => true, WAIT_MS, since)));
  }

  /** The reliable event payloads received, deduplicated by event id, in id order. */
  events(): Uint8Array[] {
    const byId = new Map<number, Uint8Array>();
    for (const p of this.received) if (p.type === 'reliableEvent' && !byId.has(p.eventId)) byId.set(p.eventId, p.data);
    return [...byId.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => d);
  }

  count(type: UdpPacketType): number {
    return this.received.filter((p) => p.type === type).length;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.close();
  }
}

/** A forked game child (from source, through tsx) with its IPC messages and exit. */
export class ForkedChild {
  readonly process: ChildProcess;
  readonly messages: ChildToParentMessage[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: { match: (m: ChildToParentMessage) => boolean; resolve: (m: ChildToParentMessage) => void }[] = [];

  constructor(entry = mainSource) {
    this.process = fork(entry, [], {
      cwd: REPO_ROOT,
      execArgv: [...SOURCE_ARGS],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
    this.process.on('message', (raw) => {
      const m = parseChildToParentMessage(raw);
      this.messages.push(m);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(m)) return true;
        w.resolve(m);
        return false;
      });
    });
  }

  /** The first message of `type` (already received or next); rejects if the child exits first or after a timeout. */
  next<T extends ChildToParentMessage['type']>(
    type: T,
    timeoutMs = 30_000,
  ): Promise<Extract<ChildToParentMessage, { type: T }>> {
    const seen = this.messages.find((m) => m.type === type);
    if (seen !== undefined) return Promise.resolve(seen as Extract<ChildToParentMessage, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} message within ${timeoutMs} ms`)), timeoutMs);
      void this.exited.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`child exited (${code}) before sending ${type}`));
      });
      this.#waiters.push({
        match: (m) => m.type === type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<ChildToParentMessage, { type: T }>);
        },
      });
    });
  }

  /** Sends a `start` for `assignment` (port must be a real port: the IPC contract forbids 0). */
  start(assignment: GameAssignment): void {
    this.process.send({ type: 'start', ipcVersion: IPC_VERSION, game: assignment });
  }

  /** Kills the child if it is still running and waits for its exit. */
  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    await this.exited;
  }
}

/** Something a test opened and must close. */
export interface Closable {
  close(): unknown;
}

/**
 * Registers an `afterEach` that closes, newest first, whatever a test opened through the returned functions:
 * servers (`start`), test clients (`client`) and anything else (`closeLater`).
 */
export function closedAfterEach(): {
  start(game: TestGame, options?: Partial<GameServerOptions>): Promise<GameServer>;
  client(server: GameServer, opts?: { autoAck?: boolean }): Promise<TestClient>;
  /** A client that takes the seat of `token` and pings every 50 ms until the test ends, so the game stays on. */
  keepSeat(server: GameServer, token: Uint8Array): Promise<TestClient>;
  closeLater(...items: Closable[]): void;
} {
  const open: Closable[] = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });
  const client = async (server: GameServer, opts?: { autoAck?: boolean }): Promise<TestClient> => {
    const c = await TestClient.open(server.port, opts);
    open.push(c);
    return c;
  };
  return {
    async start(game, options = {}) {
      const server = await startGame({ assignment: game.assignment, ...options });
      open.push(server);
      return server;
    },
    client,
    async keepSeat(server, token) {
      const c = await client(server);
      await c.connect(token);
      const timer = setInterval(() => c.send({ type: 'ping', time: 0 }), 50);
      open.push({ close: () => clearInterval(timer) });
      return c;
    },
    closeLater: (...items) => void open.push(...items),
  };
}
