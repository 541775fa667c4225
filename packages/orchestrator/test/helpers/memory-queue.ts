// An in-memory shared queue for the orchestrator's tests: one MemoryQueueStore stands for the store several
// orchestrators share, each orchestrator gets its own MemoryQueueBackend on it. It keeps the QueueBackend contract
// (global arrival order, claims, the confirm as the commit point, deliveries to the owners' inboxes) without I/O, so
// the SharedQueueFlow can be tested in this package. The real store, Redis, is tested in @proj/matchmaker-redis and
// end to end in apps/server; this is not a stand-in for those tests.
import type {
  ClaimedGroup,
  ConfirmResult,
  JoinedTicket,
  QueueBackend,
  QueueBackendHandlers,
  QueueHost,
  QueueTicket,
  RestoredTicket,
} from '@proj/matchmaker';

interface StoredTicket {
  readonly ticketId: string;
  readonly mode: string;
  readonly name: string;
  readonly owner: string;
  readonly arrival: number;
  state: 'queued' | 'claimed';
  group: string | undefined;
}

interface StoredGroup {
  readonly claimer: string;
  readonly mode: string;
  readonly members: readonly string[];
}

/** What several orchestrators share. */
export class MemoryQueueStore {
  readonly #modes: ReadonlyMap<string, number>;
  readonly #tickets = new Map<string, StoredTicket>();
  readonly #groups = new Map<string, StoredGroup>();
  readonly #backends = new Map<string, MemoryQueueBackend>();
  #seq = 0;
  #groupSeq = 0;
  #up = true;
  /** The next confirms answer `lost` (as when a lease ended), whatever the group. */
  loseConfirms = 0;

  constructor(modes: Readonly<Record<string, number>>) {
    this.#modes = new Map(Object.entries(modes));
  }

  get up(): boolean {
    return this.#up;
  }

  /** Makes the store unreachable (or reachable again): every backend is told. */
  setUp(up: boolean): void {
    this.#up = up;
    for (const backend of this.#backends.values()) backend.notifyAvailability(up);
  }

  /** The ticket ids waiting in `mode`, front first. */
  waiting(mode: string): string[] {
    return [...this.#tickets.values()]
      .filter((t) => t.mode === mode && t.state === 'queued')
      .sort((a, b) => a.arrival - b.arrival)
      .map((t) => t.ticketId);
  }

  register(backend: MemoryQueueBackend): void {
    this.#backends.set(backend.instanceId, backend);
  }

  unregister(instanceId: string): void {
    this.#backends.delete(instanceId);
    for (const t of [...this.#tickets.values()]) if (t.owner === instanceId) this.#tickets.delete(t.ticketId);
    for (const [id, g] of [...this.#groups]) if (g.claimer === instanceId) this.requeue(instanceId, id);
  }

  join(owner: string, ticket: QueueTicket): JoinedTicket {
    if (this.#tickets.has(ticket.ticketId)) throw new Error(`ticket ${ticket.ticketId} exists`);
    const arrival = ++this.#seq;
    this.#tickets.set(ticket.ticketId, { ...ticket, owner, arrival, state: 'queued', group: undefined });
    const position = this.waiting(ticket.mode).indexOf(ticket.ticketId);
    if (position + 1 >= (this.#modes.get(ticket.mode) ?? Infinity)) this.#notifyGroups();
    return { arrival, position };
  }

  leave(ticketId: string): boolean {
    return this.#tickets.delete(ticketId);
  }

  position(ticketId: string): number | undefined {
    const t = this.#tickets.get(ticketId);
    return t === undefined || t.state !== 'queued' ? undefined : this.waiting(t.mode).indexOf(ticketId);
  }

  restore(owner: string, tickets: readonly RestoredTicket[]): number {
    let restored = 0;
    for (const t of tickets) {
      if (this.#tickets.has(t.ticketId)) continue;
      this.#tickets.set(t.ticketId, { ...t, owner, state: 'queued', group: undefined });
      this.#seq = Math.max(this.#seq, t.arrival);
      restored++;
    }
    return restored;
  }

  claim(claimer: string, maxGroups: number, leaseMs: number): ClaimedGroup[] {
    const groups: ClaimedGroup[] = [];
    while (groups.length < maxGroups) {
      let best: { mode: string; ids: string[]; head: number } | undefined;
      for (const [mode, k] of this.#modes) {
        const ids = this.waiting(mode);
        if (ids.length < k) continue;
        const head = this.#tickets.get(ids[0]!)!.arrival;
        if (best === undefined || head < best.head) best = { mode, ids: ids.slice(0, k), head };
      }
      if (best === undefined) break;
      const groupId = `${claimer}/${++this.#groupSeq}`;
      for (const id of best.ids) Object.assign(this.#tickets.get(id)!, { state: 'claimed', group: groupId });
      this.#groups.set(groupId, { claimer, mode: best.mode, members: best.ids });
      groups.push({
        groupId,
        mode: best.mode,
        members: best.ids.map((id) => {
          const t = this.#tickets.get(id)!;
          return { ticketId: id, name: t.name, owner: t.owner, arrival: t.arrival };
        }),
        leaseUntil: Date.now() + leaseMs,
      });
    }
    return groups;
  }

  confirm(claimer: string, groupId: string, payloads: ReadonlyMap<string, string>): ConfirmResult {
    const group = this.#groups.get(groupId);
    if (group === undefined || group.claimer !== claimer || this.loseConfirms > 0) {
      if (this.loseConfirms > 0) {
        this.loseConfirms--;
        if (group !== undefined) this.requeue(claimer, groupId);
      }
      return { ok: false, reason: 'lost' };
    }
    const missing = group.members.filter((id) => {
      const t = this.#tickets.get(id);
      return t === undefined || t.group !== groupId || !this.#backends.has(t.owner);
    });
    if (missing.length > 0)
      return { ok: false, reason: 'incomplete', missing, requeued: this.requeue(claimer, groupId) };
    this.#groups.delete(groupId);
    for (const id of group.members) {
      const t = this.#tickets.get(id)!;
      this.#tickets.delete(id);
      if (t.owner !== claimer) {
        const owner = this.#backends.get(t.owner)!;
        const payload = payloads.get(id)!;
        setImmediate(() => owner.deliver({ ticketId: id, groupId, payload }));
      }
    }
    return { ok: true };
  }

  requeue(claimer: string, groupId: string): number {
    const group = this.#groups.get(groupId);
    if (group === undefined || group.claimer !== claimer) return 0;
    this.#groups.delete(groupId);
    let back = 0;
    for (const id of group.members) {
      const t = this.#tickets.get(id);
      if (t === undefined || t.group !== groupId) continue;
      Object.assign(t, { state: 'queued', group: undefined });
      back++;
    }
    if (back > 0) this.#notifyGroups();
    return back;
  }

  sizes(): Map<string, number> {
    return new Map([...this.#modes.keys()].map((mode) => [mode, this.waiting(mode).length]));
  }

  /** The registered backends by id, with their tickets (queued or claimed) and claims; no heartbeats here: age 0. */
  hosts(): QueueHost[] {
    return [...this.#backends.keys()].sort().map((instanceId) => ({
      instanceId,
      lastHeartbeatAgoMs: 0,
      tickets: [...this.#tickets.values()].filter((t) => t.owner === instanceId).length,
      claims: [...this.#groups.values()].filter((g) => g.claimer === instanceId).length,
    }));
  }

  #notifyGroups(): void {
    for (const backend of this.#backends.values()) setImmediate(() => backend.notifyGroups());
  }
}

/** One orchestrator's view of a {@link MemoryQueueStore}. */
export class MemoryQueueBackend implements QueueBackend {
  readonly instanceId: string;
  readonly leaseMs = 5_000;
  readonly #store: MemoryQueueStore;
  /** The optional `hosts()` of the contract: absent when the backend was made with `listsHosts: false`. */
  readonly hosts: (() => Promise<QueueHost[]>) | undefined;
  #handlers: QueueBackendHandlers | undefined;
  #closed = false;

  constructor(store: MemoryQueueStore, instanceId: string, options: { listsHosts?: boolean } = {}) {
    this.#store = store;
    this.instanceId = instanceId;
    this.hosts = options.listsHosts === false ? undefined : () => this.#op(() => this.#store.hosts());
  }

  get available(): boolean {
    return this.#store.up && !this.#closed;
  }

  start(handlers: QueueBackendHandlers): Promise<void> {
    this.#handlers = handlers;
    this.#store.register(this);
    return Promise.resolve();
  }

  join(ticket: QueueTicket): Promise<JoinedTicket> {
    return this.#op(() => this.#store.join(this.instanceId, ticket));
  }

  leave(ticketId: string): Promise<boolean> {
    return this.#op(() => this.#store.leave(ticketId));
  }

  positions(ticketIds: readonly string[]): Promise<(number | undefined)[]> {
    return this.#op(() => ticketIds.map((id) => this.#store.position(id)));
  }

  restore(tickets: readonly RestoredTicket[]): Promise<number> {
    return this.#op(() => this.#store.restore(this.instanceId, tickets));
  }

  claim(maxGroups: number): Promise<ClaimedGroup[]> {
    return this.#op(() => this.#store.claim(this.instanceId, maxGroups, this.leaseMs));
  }

  confirm(groupId: string, payloads: ReadonlyMap<string, string>): Promise<ConfirmResult> {
    return this.#op(() => this.#store.confirm(this.instanceId, groupId, payloads));
  }

  requeue(groupId: string): Promise<number> {
    return this.#op(() => this.#store.requeue(this.instanceId, groupId));
  }

  sizes(): Promise<Map<string, number>> {
    return this.#op(() => this.#store.sizes());
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#store.unregister(this.instanceId);
    }
    return Promise.resolve();
  }

  /** The store's delivery to this backend's inbox. */
  deliver(delivery: { ticketId: string; groupId: string; payload: string }): void {
    if (!this.#closed) this.#handlers?.delivered(delivery);
  }

  notifyAvailability(up: boolean): void {
    if (!this.#closed) this.#handlers?.availability(up);
  }

  notifyGroups(): void {
    if (!this.#closed) this.#handlers?.groupsWaiting();
  }

  /** Runs `f` after a macrotask, as a round trip would; rejects while the store is down. */
  #op<T>(f: () => T): Promise<T> {
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        if (!this.available) reject(new Error('store unavailable'));
        else resolve(f());
      }),
    );
  }
}
