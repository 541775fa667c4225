import { parseModes } from './config.js';
import { MatchmakerError, MatchmakerErrorCode } from './errors.js';
import { ModeQueue, QueueNode } from './queue.js';
import type { Group, MatchmakerOptions, Member, PayloadArgs, WaitingPlayer } from './types.js';

/**
 * FIFO matchmaking queues, one per game mode, for players identified by `Id` (any Map key: string, number, object
 * identity) carrying an optional `Payload`. Pure logic: no I/O, no timers, no logging; every method is synchronous.
 *
 * Promises:
 * - a player waits in at most one queue at a time (a second `join` throws `E_ALREADY_QUEUED`);
 * - groups are the first K players of a mode, in queue order; across modes `takeNextGroup` picks the mode whose
 *   next group's first player arrived earliest (the oldest waiter goes first);
 * - `requeueFront` puts a group back before everyone else of its mode, in the order given;
 * - `join`, `leave`, `has`, `modeOf` and `size` are O(1); taking or requeueing a group is O(K) (plus O(modes)
 *   to choose the mode); `position` is O(1), except the first read after a leave from the middle of a queue,
 *   which renumbers that queue in one O(n) walk;
 * - a method that throws has changed nothing.
 *
 * @example
 * const mm = new Matchmaker<string>({ modes: { duel: { playersPerGame: 2 } } });
 * mm.join('ann', 'duel');
 * mm.join('bob', 'duel');
 * mm.takeNextGroup(); // { mode: 'duel', members: [{ id: 'ann', ... }, { id: 'bob', ... }] }
 */
export class Matchmaker<Id, Payload = undefined> {
  readonly #queues = new Map<string, ModeQueue<Id, Payload>>();
  readonly #players = new Map<Id, QueueNode<Id, Payload>>();
  readonly #modes: readonly string[];
  /** The next arrival stamp; shared by all modes so that arrivals compare across them. */
  #arrivals = 0;

  /**
   * Creates a matchmaker with a fixed set of modes, all queues empty.
   * Throws `E_INVALID_CONFIG` (options or `modes` not an object, no mode, a mode not an object) or
   * `E_INVALID_GROUP_SIZE` (a `playersPerGame` that is not a safe integer >= 1).
   */
  constructor(options: MatchmakerOptions) {
    for (const { name, playersPerGame } of parseModes(options)) {
      this.#queues.set(name, new ModeQueue<Id, Payload>(name, playersPerGame));
    }
    this.#modes = Object.freeze([...this.#queues.keys()]);
  }

  /** The configured mode names, in the key order of `options.modes`. */
  get modes(): readonly string[] {
    return this.#modes;
  }

  /** K for a mode: how many players one of its games takes. Throws `E_UNKNOWN_MODE`. O(1). */
  playersPerGame(mode: string): number {
    return this.#queue(mode).playersPerGame;
  }

  /**
   * Queues a player at the back of a mode's queue and returns its 0-based position (the number of players ahead).
   * The payload is handed back in groups and listings. Throws `E_UNKNOWN_MODE`, or `E_ALREADY_QUEUED` when the
   * player is already waiting in any mode. O(1).
   */
  join(id: Id, mode: string, ...payload: PayloadArgs<Payload>): number {
    const queue = this.#queue(mode);
    if (this.#players.has(id)) {
      throw new MatchmakerError(MatchmakerErrorCode.ALREADY_QUEUED, `player ${String(id)} is already queued`);
    }
    const node = new QueueNode<Id, Payload>(id, payload[0] as Payload, this.#arrivals++, queue);
    queue.pushBack(node);
    this.#players.set(id, node);
    return queue.size - 1;
  }

  /**
   * Removes a waiting player from its queue (a disconnect, a cancel). Returns false, and changes nothing, when the
   * player is not waiting: unknown, never joined, already left, or taken in a group. Never throws. O(1).
   */
  leave(id: Id): boolean {
    const node = this.#players.get(id);
    if (node === undefined) return false;
    this.#players.delete(id);
    node.queue.remove(node);
    return true;
  }

  /** Whether the player is waiting in some mode. O(1). */
  has(id: Id): boolean {
    return this.#players.has(id);
  }

  /** The mode the player waits in, or undefined when it is not waiting. O(1). */
  modeOf(id: Id): string | undefined {
    return this.#players.get(id)?.queue.name;
  }

  /**
   * The player's 0-based position in its mode's queue (0 = next to be matched), or undefined when it is not
   * waiting. O(1), except the first read at or behind a spot where a player left from the middle of the queue,
   * which renumbers the rest of that queue in one walk; all reads after it are O(1) again.
   */
  position(id: Id): number | undefined {
    const node = this.#players.get(id);
    return node === undefined ? undefined : node.queue.position(node);
  }

  /** How many players wait in `mode`, or in all modes when `mode` is omitted. Throws `E_UNKNOWN_MODE`. O(1). */
  size(mode?: string): number {
    return mode === undefined ? this.#players.size : this.#queue(mode).size;
  }

  /**
   * The player at the front of `mode`'s queue (the next to be matched, position 0), without taking it; undefined
   * when nobody waits there. It is the longest-waiting player of the mode, a requeued one included (requeued
   * players go back before everyone). Throws `E_UNKNOWN_MODE`. O(1).
   */
  peek(mode: string): WaitingPlayer<Id, Payload> | undefined {
    const head = this.#queue(mode).head;
    return head === null ? undefined : { id: head.id, mode, payload: head.payload, arrival: head.arrival, position: 0 };
  }

  /** A new map of every mode's queue length, in mode order (for metrics). O(modes). */
  sizes(): Map<string, number> {
    const sizes = new Map<string, number>();
    for (const [name, queue] of this.#queues) sizes.set(name, queue.size);
    return sizes;
  }

  /**
   * Whether `mode` (or, when omitted, any mode) has at least K players waiting, so that a take would return a
   * group. Throws `E_UNKNOWN_MODE`. O(1) for one mode, O(modes) for all.
   */
  hasReadyGroup(mode?: string): boolean {
    if (mode !== undefined) {
      const queue = this.#queue(mode);
      return queue.size >= queue.playersPerGame;
    }
    for (const queue of this.#queues.values()) if (queue.size >= queue.playersPerGame) return true;
    return false;
  }

  /**
   * Removes and returns the first K players of `mode`, in queue order, or undefined (changing nothing) when fewer
   * than K wait. The players are no longer known to the matchmaker: they may `join` again, and `leave` of them
   * returns false. Throws `E_UNKNOWN_MODE`. O(K).
   */
  takeGroup(mode: string): Group<Id, Payload> | undefined {
    const queue = this.#queue(mode);
    return queue.size >= queue.playersPerGame ? this.#take(queue) : undefined;
  }

  /**
   * Removes and returns the next group of any mode, or undefined when no mode has K players waiting. Fairness:
   * among the modes with a full group, the one whose first waiting player has the smallest arrival stamp (joined
   * earliest; a requeued player keeps its stamp) goes first. Never throws. O(modes + K).
   */
  takeNextGroup(): Group<Id, Payload> | undefined {
    let best: ModeQueue<Id, Payload> | undefined;
    let bestArrival = Infinity;
    for (const queue of this.#queues.values()) {
      if (queue.size < queue.playersPerGame) continue;
      const arrival = (queue.head as QueueNode<Id, Payload>).arrival;
      if (arrival < bestArrival) {
        best = queue;
        bestArrival = arrival;
      }
    }
    return best === undefined ? undefined : this.#take(best);
  }

  /**
   * Puts a group whose game failed to start back at the front of its mode's queue, before everyone waiting there,
   * in the order of `group.members`, each with its old arrival stamp. Members who left meanwhile must be dropped
   * first (`members.filter(...)`): once taken, players are unknown to the matchmaker, so only the caller knows who
   * is gone; the rest then wait at the front and are completed by the next arrivals. An empty group is a no-op.
   * Throws `E_UNKNOWN_MODE`; `E_INVALID_GROUP` when `group` or a member is not an object, there are more members
   * than K, a player appears twice, or an arrival stamp was not issued by this matchmaker; `E_ALREADY_QUEUED` when
   * a member is waiting again (it joined anew). When it throws, nobody is requeued. O(K).
   */
  requeueFront(group: Group<Id, Payload>): void {
    if (typeof group !== 'object' || group === null) {
      throw new MatchmakerError(MatchmakerErrorCode.INVALID_GROUP, 'a group must be an object { mode, members }');
    }
    const queue = this.#queue(group.mode);
    const members: unknown = group.members;
    if (!Array.isArray(members) || members.length > queue.playersPerGame) {
      throw new MatchmakerError(
        MatchmakerErrorCode.INVALID_GROUP,
        `a group of mode '${queue.name}' must be an array of at most ${queue.playersPerGame} members`,
      );
    }
    const seen = new Set<Id>();
    for (const member of members as readonly (Member<Id, Payload> | null)[]) {
      if (typeof member !== 'object' || member === null) {
        throw new MatchmakerError(MatchmakerErrorCode.INVALID_GROUP, 'a group member must be an object');
      }
      if (!Number.isSafeInteger(member.arrival) || member.arrival < 0 || member.arrival >= this.#arrivals) {
        throw new MatchmakerError(
          MatchmakerErrorCode.INVALID_GROUP,
          `member ${String(member.id)} has an arrival stamp this matchmaker did not issue`,
        );
      }
      if (seen.has(member.id)) {
        throw new MatchmakerError(MatchmakerErrorCode.INVALID_GROUP, `member ${String(member.id)} appears twice`);
      }
      seen.add(member.id);
      if (this.#players.has(member.id)) {
        throw new MatchmakerError(MatchmakerErrorCode.ALREADY_QUEUED, `member ${String(member.id)} is already queued`);
      }
    }
    const nodes = (members as readonly Member<Id, Payload>[]).map(
      (member) => new QueueNode<Id, Payload>(member.id, member.payload, member.arrival, queue),
    );
    queue.pushFront(nodes);
    for (const node of nodes) this.#players.set(node.id, node);
  }

  /**
   * Iterates the waiting players of `mode` (or of every mode, in mode order, when omitted) front to back, with
   * their positions. Changing that queue while the iteration is suspended makes the next step throw
   * `E_CONCURRENT_MODIFICATION`; collect first (`[...mm.waiting(mode)]`) to change it in the loop. Throws
   * `E_UNKNOWN_MODE` at the call. O(n) for the whole iteration.
   */
  waiting(mode?: string): IterableIterator<WaitingPlayer<Id, Payload>> {
    if (mode !== undefined) return this.#queue(mode).entries();
    return this.#allEntries();
  }

  /**
   * Returns, and forgets, every waiting player whose position may have changed since the previous call (or since
   * creation or `clear()`): players who joined or were requeued, and those behind a player who left or behind
   * the front of a queue that was taken from or requeued to. Grouped by mode (mode order), front to back, with
   * current positions. It never misses a change; it may list a player whose position ended up the same (a group
   * taken then requeued). Players no longer waiting are not listed. Never throws. O(modes + listed players).
   */
  takePositionChanges(): WaitingPlayer<Id, Payload>[] {
    const changes: WaitingPlayer<Id, Payload>[] = [];
    for (const queue of this.#queues.values()) queue.drainChanges(changes);
    return changes;
  }

  /** Removes every waiting player of every mode (they become unknown) and forgets pending changes. O(n). */
  clear(): void {
    for (const queue of this.#queues.values()) queue.clear();
    this.#players.clear();
  }

  #queue(mode: string): ModeQueue<Id, Payload> {
    const queue = this.#queues.get(mode);
    if (queue === undefined) {
      throw new MatchmakerError(MatchmakerErrorCode.UNKNOWN_MODE, `unknown game mode '${String(mode)}'`);
    }
    return queue;
  }

  #take(queue: ModeQueue<Id, Payload>): Group<Id, Payload> {
    const members = queue.popFront(queue.playersPerGame).map((node): Member<Id, Payload> => {
      this.#players.delete(node.id);
      return { id: node.id, payload: node.payload, arrival: node.arrival };
    });
    return { mode: queue.name, members };
  }

  *#allEntries(): Generator<WaitingPlayer<Id, Payload>, void, undefined> {
    for (const queue of this.#queues.values()) yield* queue.entries();
  }
}
