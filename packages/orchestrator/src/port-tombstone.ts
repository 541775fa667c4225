import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { GameOverReason, encodePacket, tryDecodePacket } from '@proj/protocol';

/** Client-to-child packet types a player of the dead game may still send: each is answered. */
const ANSWERED = new Set(['connectRequest', 'challengeResponse', 'input', 'ping', 'pong']);
/** At most one answer per sender address and port in this long. */
const ANSWER_INTERVAL_MS = 100;
/** Most senders remembered for that pacing; beyond, nobody new is answered. */
const MAX_SENDERS = 256;

/**
 * A game-over notice on the port of a game whose child was killed (frozen: it stopped answering), for a few seconds
 * before the port goes back to the ring: the child's players, still sending to it, get a `gameOver` packet with
 * reason ABORTED at once instead of learning from their own silence timeout. Only datagrams of our protocol are
 * answered, at most once per {@link ANSWER_INTERVAL_MS} per sender and never with more bytes than they had (no
 * amplification); nothing else is read. A bind that fails (the port is taken) closes it at once. `onClosed` is called
 * exactly once, never synchronously, once its socket let go of the port (its time is up, the bind failed, or
 * {@link close}). It keeps no process alive.
 */
export class PortTombstone {
  readonly #socket: Socket;
  readonly #onClosed: () => void;
  readonly #timer: NodeJS.Timeout;
  readonly #answeredAt = new Map<string, number>();
  readonly #notice = encodePacket({
    type: 'gameOver',
    sequence: 0,
    ack: 0xffff,
    ackBits: 0,
    reason: GameOverReason.ABORTED,
    data: new Uint8Array(0),
  });
  #closed = false;
  /** Notices sent (for tests and logs). */
  answered = 0;

  constructor(host: string, port: number, durationMs: number, onClosed: () => void) {
    this.#onClosed = onClosed;
    this.#socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false });
    this.#socket.on('error', () => this.close());
    this.#socket.on('message', this.#onMessage);
    this.#timer = setTimeout(() => this.close(), durationMs);
    this.#timer.unref();
    this.#socket.unref();
    try {
      this.#socket.bind(port, host);
    } catch {
      this.close();
    }
  }

  /** Stops answering and releases the socket; calls `onClosed` (once). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#answeredAt.clear();
    const done = (): void => this.#onClosed();
    try {
      // The port goes back to the ring only once the socket has let go of it.
      this.#socket.close(done);
    } catch {
      setImmediate(done); // never bound, or closed already (never synchronously: the caller is still constructing)
    }
  }

  readonly #onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    if (this.#closed || msg.length < this.#notice.length) return;
    const decoded = tryDecodePacket(msg);
    if (!decoded.ok || !ANSWERED.has(decoded.value.type)) return;
    const sender = `${rinfo.address}|${rinfo.port}`;
    const now = performance.now();
    const last = this.#answeredAt.get(sender);
    if (last !== undefined && now - last < ANSWER_INTERVAL_MS) return;
    if (last === undefined && this.#answeredAt.size >= MAX_SENDERS) return;
    this.#answeredAt.set(sender, now);
    this.answered++;
    this.#socket.send(this.#notice, rinfo.port, rinfo.address);
  };
}
