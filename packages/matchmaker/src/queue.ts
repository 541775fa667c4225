// The queue of one mode: an intrusive doubly linked list with O(1) push/remove at any node, and cheap positions.
//
// Positions: every node carries a `ticket`, strictly increasing from head to tail. Joins take `tail.ticket + 1`,
// a front push takes `head.ticket - 1`, so while no node was unlinked from the middle the tickets are contiguous
// and a position is just `ticket - head.ticket`. Unlinking from the middle leaves a gap, which makes the tickets
// after it one too high: `#stale` remembers the first node after the earliest gap, and the first position read
// at or past it renumbers that suffix in one walk. So leave stays O(1), a position read is O(1) except right after
// a middle leave, and reading every position after any batch of changes costs one O(n) walk in total.
//
// Changes: `#dirty` is the first node whose position may have changed since the last drain. Every change moves
// positions of a suffix only (a join: the new node; a leave: everyone after it; a take or front push: everyone),
// so one node marks all of them and a drain costs O(changed players).
import { MatchmakerError, MatchmakerErrorCode } from './errors.js';
import type { WaitingPlayer } from './types.js';

/** One waiting player; it belongs to exactly one queue for its whole life (a requeue makes a new node). */
export class QueueNode<Id, Payload> {
  prev: QueueNode<Id, Payload> | null = null;
  next: QueueNode<Id, Payload> | null = null;
  ticket = 0;

  constructor(
    readonly id: Id,
    readonly payload: Payload,
    readonly arrival: number,
    readonly queue: ModeQueue<Id, Payload>,
  ) {}
}

type Node<Id, Payload> = QueueNode<Id, Payload>;

/** The earlier (closer to the head) of two nodes of the same list, either of which may be null. */
function earlier<Id, Payload>(a: Node<Id, Payload> | null, b: Node<Id, Payload> | null): Node<Id, Payload> | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.ticket <= b.ticket ? a : b;
}

/** The FIFO queue of one game mode. Internal: the Matchmaker validates every argument before calling it. */
export class ModeQueue<Id, Payload> {
  head: Node<Id, Payload> | null = null;
  tail: Node<Id, Payload> | null = null;
  size = 0;
  /** Bumped on every change; lets `entries()` detect a change made while it is suspended. */
  version = 0;
  #stale: Node<Id, Payload> | null = null;
  #dirty: Node<Id, Payload> | null = null;

  constructor(
    readonly name: string,
    readonly playersPerGame: number,
  ) {}

  /** Appends a node (O(1)). */
  pushBack(node: Node<Id, Payload>): void {
    const tail = this.tail;
    node.prev = tail;
    node.next = null;
    if (tail === null) {
      node.ticket = 0;
      this.head = node;
    } else {
      node.ticket = tail.ticket + 1;
      tail.next = node;
    }
    this.tail = node;
    this.size++;
    this.version++;
    this.#dirty = earlier(this.#dirty, node);
  }

  /** Inserts nodes before the head, keeping their given order (O(nodes.length)). */
  pushFront(nodes: readonly Node<Id, Payload>[]): void {
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i] as Node<Id, Payload>;
      const head = this.head;
      node.prev = null;
      node.next = head;
      if (head === null) {
        node.ticket = 0;
        this.tail = node;
      } else {
        node.ticket = head.ticket - 1;
        head.prev = node;
      }
      this.head = node;
      this.size++;
    }
    this.version++;
    // Everyone moved back (or is new), so the whole queue changed: the new head is the earliest node.
    if (nodes.length > 0) this.#dirty = this.head;
  }

  /** Unlinks a node of this queue (O(1)). */
  remove(node: Node<Id, Payload>): void {
    const { prev, next } = node;
    if (this.#stale === node) this.#stale = next;
    if (this.#dirty === node) this.#dirty = next;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    node.prev = null;
    node.next = null;
    this.size--;
    this.version++;
    if (next !== null) {
      // Everyone after the node moved up by one.
      this.#dirty = earlier(this.#dirty, next);
      // Unlinking the head leaves no gap (positions count from the head); unlinking from the middle does.
      if (prev !== null) this.#stale = earlier(this.#stale, next);
    }
  }

  /** Removes and returns the first `count` nodes, front first; the caller checked `count <= size`. */
  popFront(count: number): Node<Id, Payload>[] {
    const taken: Node<Id, Payload>[] = [];
    for (let i = 0; i < count; i++) {
      const head = this.head as Node<Id, Payload>;
      taken.push(head);
      this.remove(head);
    }
    return taken;
  }

  /** The 0-based position of a node of this queue: O(1), or one O(n) renumbering walk after a middle leave. */
  position(node: Node<Id, Payload>): number {
    const head = this.head as Node<Id, Payload>;
    if (node === head) return 0;
    const stale = this.#stale;
    if (stale !== null && node.ticket >= stale.ticket) this.#renumber(stale, null);
    return node.ticket - head.ticket;
  }

  /** Yields every waiting player front to back with its position; throws if the queue changes meanwhile. */
  *entries(): Generator<WaitingPlayer<Id, Payload>, void, undefined> {
    if (this.#stale !== null) this.#renumber(this.#stale, null);
    const version = this.version;
    let position = 0;
    for (let node = this.head; node !== null; node = node.next) {
      yield { id: node.id, mode: this.name, payload: node.payload, arrival: node.arrival, position: position++ };
      if (this.version !== version) {
        throw new MatchmakerError(
          MatchmakerErrorCode.CONCURRENT_MODIFICATION,
          `the queue of mode '${this.name}' changed while it was being iterated`,
        );
      }
    }
  }

  /**
   * Appends to `out` every player whose position may have changed since the last drain (front to back) and
   * forgets them. O(number appended).
   */
  drainChanges(out: WaitingPlayer<Id, Payload>[]): void {
    const dirty = this.#dirty;
    if (dirty === null) return;
    this.#dirty = null;
    // Stale nodes are always a subset of dirty ones (every gap also marks a change), so renumbering from `dirty`
    // fixes them too; `earlier` keeps this right even if that ever stopped being so.
    let reporting = false;
    this.#renumber(earlier(this.#stale, dirty) as Node<Id, Payload>, (node, position) => {
      if (node === dirty) reporting = true;
      if (reporting) out.push({ id: node.id, mode: this.name, payload: node.payload, arrival: node.arrival, position });
    });
  }

  /** Unlinks every node (O(n), so that removed nodes hold no references to each other). */
  clear(): void {
    let node = this.head;
    while (node !== null) {
      const next = node.next;
      node.prev = null;
      node.next = null;
      node = next;
    }
    this.head = null;
    this.tail = null;
    this.size = 0;
    this.version++;
    this.#stale = null;
    this.#dirty = null;
  }

  /**
   * Gives the nodes from `from` to the tail contiguous tickets following `from.prev` (whose prefix has no gap),
   * calling `visit` with each node and its position. Clears `#stale`, which is never before `from`.
   */
  #renumber(from: Node<Id, Payload>, visit: ((node: Node<Id, Payload>, position: number) => void) | null): void {
    const base = (this.head as Node<Id, Payload>).ticket;
    let ticket = from.prev === null ? from.ticket : from.prev.ticket + 1;
    for (let node: Node<Id, Payload> | null = from; node !== null; node = node.next) {
      if (visit !== null) visit(node, ticket - base);
      node.ticket = ticket++;
    }
    this.#stale = null;
  }
}
