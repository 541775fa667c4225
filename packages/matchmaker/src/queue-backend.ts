/**
 * The seam between an orchestrator's match flow and a FIFO queue that several orchestrators (hosts) share. Types
 * only: this package stays free of I/O; an implementation (e.g. `@proj/matchmaker-redis`) does the I/O.
 *
 * The life of a player in a shared queue:
 * 1. its orchestrator {@link QueueBackend.join | joins} a ticket (the queue gives it a global arrival order);
 * 2. any orchestrator with free capacity {@link QueueBackend.claim | claims} groups: the first K tickets of a mode,
 *    under a lease; it starts a game for each;
 * 3. the claimer {@link QueueBackend.confirm | confirms} the group when its game is ready: the commit point. Every
 *    member is matched exactly once; members held by other orchestrators get the claimer's match-found through
 *    their orchestrator's durable inbox ({@link QueueBackendHandlers.delivered}); or, when the game could not
 *    start, the claimer {@link QueueBackend.requeue | requeues} the group at its old place (the front);
 * 4. a claim whose lease ends, or whose claimer stops heartbeating, goes back to the queue by itself; the tickets
 *    of an orchestrator that stops heartbeating are removed (their connections died with it).
 */

/** A player entering a shared queue. */
export interface QueueTicket {
  /** Unique across every orchestrator sharing the queue, e.g. `${instanceId}:${clientId}`. */
  readonly ticketId: string;
  /** The game mode, one of the modes every sharing orchestrator was configured with. */
  readonly mode: string;
  /** The player's display name (what the claimer's game child is told). */
  readonly name: string;
}

/** A ticket the queue holds: its arrival stamp and its place. */
export interface JoinedTicket {
  /** Global arrival order: a counter shared by every mode and orchestrator. Smaller means earlier. */
  readonly arrival: number;
  /** 0-based place in its mode's queue right after the join (players ahead, on every host). */
  readonly position: number;
}

/** A ticket to put back after the queue lost it (a data store restarted empty): with its old arrival stamp. */
export interface RestoredTicket extends QueueTicket {
  readonly arrival: number;
}

/** One member of a claimed group. */
export interface ClaimedMember {
  readonly ticketId: string;
  readonly name: string;
  /** The instance id of the orchestrator that holds the player's connection. */
  readonly owner: string;
  readonly arrival: number;
}

/** K tickets of one mode, taken from the front of the shared queue by one orchestrator, in arrival order. */
export interface ClaimedGroup {
  /** Unique across the shared queue. */
  readonly groupId: string;
  readonly mode: string;
  /** First arrived first; exactly K of them. */
  readonly members: readonly ClaimedMember[];
  /** The queue's clock (epoch ms) at which the lease ends and the group goes back to the queue unconfirmed. */
  readonly leaseUntil: number;
}

/** What {@link QueueBackend.confirm} did. */
export type ConfirmResult =
  /** Committed: every member was matched by this confirm, and the other hosts' members were sent their payload. */
  | { readonly ok: true }
  /**
   * Nothing committed: the group is no longer this orchestrator's (its lease ended or it was recovered after a
   * missed heartbeat). Its members were or will be put back by the recovery; the claimer must drop its game.
   */
  | { readonly ok: false; readonly reason: 'lost' }
  /**
   * Nothing committed: members left (or their orchestrator died) since the claim. The others went back to the
   * queue at their old place in the same step; the claimer must drop its game.
   */
  | {
      readonly ok: false;
      readonly reason: 'incomplete';
      readonly missing: readonly string[];
      readonly requeued: number;
    };

/** A match-found for a ticket this orchestrator holds, confirmed by another orchestrator. */
export interface Delivery {
  readonly ticketId: string;
  readonly groupId: string;
  /** What the claimer passed to `confirm` for this ticket, unchanged (opaque to the queue). */
  readonly payload: string;
}

/** One orchestrator registered in a shared queue, as {@link QueueBackend.hosts} reports it. */
export interface QueueHost {
  /** Its instance id. */
  readonly instanceId: string;
  /** Milliseconds since its last heartbeat, by the store's clock (never negative). */
  readonly lastHeartbeatAgoMs: number;
  /** Tickets it owns (its players' connections): waiting in a queue or in a claimed group. */
  readonly tickets: number;
  /** Groups it has claimed and not yet confirmed or given back. */
  readonly claims: number;
}

/** What a backend tells its orchestrator. Handlers must not throw; they run on the backend's I/O callbacks. */
export interface QueueBackendHandlers {
  /**
   * A ticket of this orchestrator was matched by another one. At least once: after a reconnect an entry may come
   * again, so a delivery for a ticket that is no longer waiting must be ignored.
   */
  delivered(delivery: Delivery): void;
  /**
   * The queue became reachable (true) or not (false). On true, tickets may have been lost (the store restarted
   * empty, or this orchestrator was declared dead): call {@link QueueBackend.restore} with the players still
   * waiting here, then claim.
   */
  availability(available: boolean): void;
  /** A mode of the shared queue may hold a full group: claim if there is free capacity. */
  groupsWaiting(): void;
  /** An unrecoverable configuration conflict (e.g. another orchestrator uses the same instance id). */
  fatal(error: Error): void;
}

/**
 * A FIFO matchmaking queue shared by several orchestrators. Every operation is atomic in the store; the store's
 * clock, not the hosts', times leases and heartbeats. Operations reject when the store cannot be reached (the
 * orchestrator then refuses new players with a clear error until {@link QueueBackendHandlers.availability} says
 * it is back).
 */
export interface QueueBackend {
  /** This orchestrator's id in the shared queue. */
  readonly instanceId: string;
  /** How long a claim lasts unconfirmed (ms): the claimer never confirms later than that after its claim. */
  readonly leaseMs: number;
  /** Whether the store is reachable and this orchestrator registered in it now. */
  readonly available: boolean;
  /** Connects, registers this orchestrator, starts heartbeats, recovery and the inbox. Rejects on a fatal conflict. */
  start(handlers: QueueBackendHandlers): Promise<void>;
  /** Puts a ticket at the back of its mode's queue. */
  join(ticket: QueueTicket): Promise<JoinedTicket>;
  /** Removes a ticket, waiting or claimed (a claimed group with a member gone cannot be confirmed). */
  leave(ticketId: string): Promise<boolean>;
  /** The 0-based places of tickets in their queues; undefined for a ticket not waiting (claimed, matched, gone). */
  positions(ticketIds: readonly string[]): Promise<(number | undefined)[]>;
  /** Puts back tickets the queue lost, each at its old arrival; tickets it still knows are left alone. */
  restore(tickets: readonly RestoredTicket[]): Promise<number>;
  /** Takes up to `maxGroups` full groups, oldest first across modes, under a lease. Call with reserved capacity. */
  claim(maxGroups: number): Promise<ClaimedGroup[]>;
  /** The commit point of a claimed group: `payloads` maps every member's ticket id to its match-found. */
  confirm(groupId: string, payloads: ReadonlyMap<string, string>): Promise<ConfirmResult>;
  /** Puts a claimed group's members that are still here back at their old place; returns how many. */
  requeue(groupId: string): Promise<number>;
  /** How many tickets wait per mode, all orchestrators together. */
  sizes(): Promise<Map<string, number>>;
  /**
   * Optional (for monitoring): the orchestrators registered in the queue now, read in one atomic step, ordered by
   * instance id; an implementation may cap how many it lists (the Redis one: 256). Rejects when the store cannot be
   * read.
   */
  hosts?(): Promise<QueueHost[]>;
  /** Removes this orchestrator's waiting tickets, requeues its claims, deregisters, disconnects. */
  close(): Promise<void>;
}
