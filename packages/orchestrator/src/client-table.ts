import type { Socket } from 'node:net';
import type { FrameDecoder } from '@proj/protocol';
import { CountByKey } from './count-by-key.js';
import type { MessageBudget } from './message-budget.js';

/**
 * Where a client connection is:
 * - `awaitingHello`: accepted, the hello deadline runs;
 * - `queued`: in its mode's queue, told its position;
 * - `matched`: taken in a group; its game's child is starting (match-found not sent yet);
 * - `closing`: match-found or an error was sent and the connection is closing; it stays in the table (it still
 *   holds a socket) until the socket is closed.
 */
export type ClientState = 'awaitingHello' | 'queued' | 'matched' | 'closing';

/**
 * The only moves between states. `matched -> queued` is a launch that failed or was cancelled by another player's
 * departure (its players go back to the front of the queue); every state but `closing` may end in `closing`.
 */
export const CLIENT_TRANSITIONS: Readonly<Record<ClientState, readonly ClientState[]>> = {
  awaitingHello: ['queued', 'closing'],
  queued: ['matched', 'closing'],
  matched: ['queued', 'closing'],
  closing: [],
};

/** One client connection: the design's `Client` structure. */
export interface Client {
  /** A process-local, increasing id. */
  readonly id: number;
  readonly socket: Socket;
  /** The peer address (an IP literal, '?' when the socket was already gone at accept). */
  readonly remoteAddress: string;
  readonly decoder: FrameDecoder;
  /** The rate limits of the frames it sends. */
  readonly budget: MessageBudget;
  /** Changed only by {@link ClientTable.transition}. */
  readonly state: ClientState;
  /** The name given in hello ('' before). */
  name: string;
  /** The mode given in hello (or the default mode); '' before hello. */
  mode: string;
  /** `performance.now()` at hello (when the client entered the queue). */
  queuedAt: number;
  /** The last position (1-based) sent in a queued frame; 0 when none was sent. */
  lastPosition: number;
  /**
   * The connection layer's one timer of this client, by state: the hello deadline (`awaitingHello`), the idle
   * deadline (`queued`, when enabled), none (`matched`), the close linger (`closing`). Only the connection layer
   * touches it.
   */
  deadline: NodeJS.Timeout | undefined;
}

/**
 * The client table: the design's `fd -> Client` hashmap, keyed by socket, with a per-address count for the
 * per-IP connection limit and a count of clients in each state. O(1) add, remove, lookup, counts and transitions.
 */
export class ClientTable {
  readonly #clients = new Map<Socket, Client>();
  readonly #perAddress = new CountByKey();
  readonly #states: Record<ClientState, number> = { awaitingHello: 0, queued: 0, matched: 0, closing: 0 };

  /** Connections in the table. */
  get size(): number {
    return this.#clients.size;
  }

  /** How many connections in the table come from `address`. */
  countFrom(address: string): number {
    return this.#perAddress.get(address);
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
    this.#perAddress.add(client.remoteAddress);
    this.#states[client.state]++;
  }

  /**
   * The one way a client changes state: moves `client` to `to`, keeping the counts right (also for a client no
   * longer in the table). Throws an Error naming both states for a move {@link CLIENT_TRANSITIONS} does not allow,
   * a bug in the caller, and changes nothing then.
   */
  transition(client: Client, to: ClientState): void {
    const from = client.state;
    if (!CLIENT_TRANSITIONS[from].includes(to)) {
      throw new Error(`client ${client.id}: illegal state transition ${from} -> ${to}`);
    }
    if (this.#clients.get(client.socket) === client) {
      this.#states[from]--;
      this.#states[to]++;
    }
    (client as { state: ClientState }).state = to;
  }

  /** Removes a client; returns false when it was not in the table. */
  remove(client: Client): boolean {
    if (this.#clients.get(client.socket) !== client) return false;
    this.#clients.delete(client.socket);
    this.#states[client.state]--;
    this.#perAddress.remove(client.remoteAddress);
    return true;
  }

  /** Every client, in accept order. */
  values(): IterableIterator<Client> {
    return this.#clients.values();
  }
}
