import type { Socket } from 'node:net';
import type { FrameDecoder } from '@proj/protocol';
import type { PlayerLeftReason } from './events.js';
import type { PendingMatch } from './match-flow.js';

/**
 * Where a client connection is:
 * - `awaitingHello`: accepted, the hello deadline runs;
 * - `queued`: in its mode's queue, told its position;
 * - `matched`: taken in a group; its game's child is starting (match-found not sent yet);
 * - `closing`: match-found or an error was sent and the connection is closing; it stays in the table (it still
 *   holds a socket) until the socket is closed.
 */
export type ClientState = 'awaitingHello' | 'queued' | 'matched' | 'closing';

/** One client connection: the design's `Client` structure. */
export interface Client {
  /** A process-local, increasing id. */
  readonly id: number;
  readonly socket: Socket;
  /** The peer address (an IP literal, '?' when the socket was already gone at accept). */
  readonly remoteAddress: string;
  readonly decoder: FrameDecoder;
  state: ClientState;
  /** The name given in hello ('' before). */
  name: string;
  /** The mode given in hello (or the default mode); '' before hello. */
  mode: string;
  /** `performance.now()` at hello (when the client entered the queue). */
  queuedAt: number;
  /** The last position (1-based) sent in a queued frame; 0 when none was sent. */
  lastPosition: number;
  /** The hello deadline, then the idle deadline of a queued client, then the close linger. */
  timer: NodeJS.Timeout | undefined;
  /** The game launch this client waits for while `matched`. */
  pending: PendingMatch | undefined;
  /** Why the client is being closed, once the orchestrator decided to close it. */
  leaveReason: PlayerLeftReason | undefined;
}

/**
 * The client table: the design's `fd -> Client` hashmap, keyed by socket, with a per-address count for the
 * per-IP connection limit and a count of clients in each state. O(1) add, remove, lookup and counts.
 */
export class ClientTable {
  readonly #clients = new Map<Socket, Client>();
  readonly #perAddress = new Map<string, number>();
  readonly #states: Record<ClientState, number> = { awaitingHello: 0, queued: 0, matched: 0, closing: 0 };

  /** Connections in the table. */
  get size(): number {
    return this.#clients.size;
  }

  /** How many connections in the table come from `address`. */
  countFrom(address: string): number {
    return this.#perAddress.get(address) ?? 0;
  }

  /** How many clients are in `state`. */
  countIn(state: ClientState): number {
    return this.#states[state];
  }

  /** The client of `socket`, if it is in the table. */
  get(socket: Socket): Client | undefined {
    return this.#clients.get(socket);
  }

  /** Adds a client (its socket must not be in the table yet). */
  add(client: Client): void {
    this.#clients.set(client.socket, client);
    this.#perAddress.set(client.remoteAddress, this.countFrom(client.remoteAddress) + 1);
    this.#states[client.state]++;
  }

  /** Moves `client` to `state`, keeping the counts right. */
  setState(client: Client, state: ClientState): void {
    if (client.state === state) return;
    if (this.#clients.get(client.socket) === client) {
      this.#states[client.state]--;
      this.#states[state]++;
    }
    client.state = state;
  }

  /** Removes a client; returns false when it was not in the table. */
  remove(client: Client): boolean {
    if (this.#clients.get(client.socket) !== client) return false;
    this.#clients.delete(client.socket);
    this.#states[client.state]--;
    const n = this.countFrom(client.remoteAddress) - 1;
    if (n > 0) this.#perAddress.set(client.remoteAddress, n);
    else this.#perAddress.delete(client.remoteAddress);
    return true;
  }

  /** Every client, in accept order. */
  values(): IterableIterator<Client> {
    return this.#clients.values();
  }
}
