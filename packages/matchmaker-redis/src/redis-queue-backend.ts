import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type {
  ClaimedGroup,
  ClaimedMember,
  ConfirmResult,
  JoinedTicket,
  QueueBackend,
  QueueBackendHandlers,
  QueueHost,
  QueueTicket,
  RestoredTicket,
} from '@proj/matchmaker';
import { checkGroupId, checkMaxGroups, checkRestored, checkTicket, checkTicketId, payloadArgs } from './arguments.js';
import { createConnection, runScript } from './connection.js';
import { RedisQueueError, isRedisQueueError } from './errors.js';
import { Inbox } from './inbox.js';
import type { ScriptName } from './lua.js';
import { resolveOptions, type RedisQueueHooks, type RedisQueueOptions, type ResolvedOptions } from './options.js';

/** How much one recovery (or close) step may touch; the rest waits for the next one. */
const RECOVER_MAX_TICKETS = 1000;
const RECOVER_MAX_GROUPS = 100;
/** The most hosts {@link RedisQueueBackend.hosts} lists. */
export const MAX_HOSTS_LISTED = 256;
/** Tickets per positions / restore script call (larger lists are split into pipelined calls). */
const CHUNK = 500;

type Connections = { readonly command: Redis; readonly blocking: Redis; readonly subscriber: Redis };

/**
 * A {@link QueueBackend} on one Redis server (7.0 or later; not Redis Cluster): a FIFO queue per mode that several
 * orchestrators share. Every operation is one Lua script, so atomic; leases and heartbeats use Redis' clock.
 * While Redis cannot be reached, operations reject at once with `E_UNAVAILABLE` and the backend reconnects in the
 * background (100 ms doubling to 2 s); when it is back and registered again, it drains the inbox, then calls
 * `availability(true)` and `groupsWaiting()`. Errors are {@link RedisQueueError}s.
 */
export class RedisQueueBackend implements QueueBackend {
  /** This orchestrator's id in the shared queue. */
  readonly instanceId: string;
  readonly #options: ResolvedOptions;
  readonly #prefix: string;
  #state: 'new' | 'started' | 'closed' = 'new';
  #connections: Connections | undefined;
  #handlers: QueueBackendHandlers | undefined;
  #inbox: Inbox | undefined;
  #available = false;
  #everRegistered = false;
  /** Bumped on every (re)connection of the command connection: stale registrations see it changed. */
  #generation = 0;
  /** When the command connection last became ready (host monotonic clock), undefined while down. */
  #connectedSince: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #settleStart: ((error?: Error) => void) | undefined;
  #closing: Promise<void> | undefined;

  /** Validates the options (throws `E_INVALID_OPTIONS`); connects nothing before {@link start}. */
  constructor(options: RedisQueueOptions) {
    this.#options = resolveOptions(options);
    this.instanceId = this.#options.instanceId;
    this.#prefix = this.#options.keyPrefix;
  }

  /** How long a claim lasts unconfirmed (ms): the `leaseMs` option. */
  get leaseMs(): number {
    return this.#options.leaseMs;
  }

  /** Whether Redis is reachable and this orchestrator registered in it now. */
  get available(): boolean {
    return this.#available;
  }

  /**
   * Connects (three connections), registers, starts heartbeats, recovery and the inbox. Resolves once registered,
   * or, when Redis cannot be reached, after the first failed attempt or `connectTimeoutMs` with `available` false
   * (it keeps reconnecting; a conflict found later goes to `handlers.fatal`). Rejects with `E_MODES_MISMATCH` or
   * `E_INSTANCE_IN_USE` on a conflict found at this first registration (and disconnects), `E_NOT_STARTED` when
   * called twice, `E_CLOSED` after close.
   */
  async start(handlers: QueueBackendHandlers): Promise<void> {
    if (this.#state === 'closed') throw new RedisQueueError('E_CLOSED', 'start after close');
    if (this.#state !== 'new') throw new RedisQueueError('E_NOT_STARTED', 'start called twice');
    this.#state = 'started';
    this.#handlers = handlers;
    const { logger } = this.#options;
    const connections: Connections = {
      command: createConnection(this.#options, 'command'),
      blocking: createConnection(this.#options, 'blocking'),
      subscriber: createConnection(this.#options, 'subscriber'),
    };
    this.#connections = connections;
    for (const [role, redis] of Object.entries<Redis>(connections)) {
      redis.on('error', (error: Error) => logger.debug('queue redis connection error', { role, error: error.message }));
    }
    const { command, blocking, subscriber } = connections;
    command.on('ready', () => void this.#onReady());
    command.on('close', () => this.#onClose());
    const channel = `${this.#prefix}groups-waiting`;
    subscriber.on('ready', () => {
      subscriber.subscribe(channel).then(
        () => {
          if (this.#available) this.#call(() => this.#handlers?.groupsWaiting());
        },
        (error: unknown) => logger.debug('queue subscribe failed', { error: String(error) }),
      );
    });
    subscriber.on('message', () => this.#call(() => this.#handlers?.groupsWaiting()));
    this.#inbox = new Inbox({
      key: `${this.#prefix}inbox:${this.instanceId}`,
      ack: (entries) => this.#ack(entries),
      deliver: (delivery) => this.#call(() => this.#handlers?.delivered(delivery)),
      readable: () => this.#available,
      logger,
    });

    const first = new Promise<Error | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), this.#options.connectTimeoutMs);
      this.#settleStart = (error) => {
        clearTimeout(timer);
        this.#settleStart = undefined;
        resolve(error);
      };
    });
    for (const redis of [command, blocking, subscriber]) redis.connect().catch(() => {});
    const error = await first;
    this.#settleStart = undefined;
    if (error !== undefined) {
      await this.#shutdown();
      throw error;
    }
    if (!this.#available) logger.warn('queue redis unreachable at start; reconnecting in the background');
    this.#inbox.start(blocking);
    this.#timer = setInterval(() => void this.#tick(), this.#options.heartbeatIntervalMs);
    this.#timer.unref();
  }

  /**
   * Puts a ticket at the back of its mode's queue. Rejects with `E_UNKNOWN_MODE`, `E_INVALID_ARGUMENT` (id or name
   * out of bounds), `E_ALREADY_QUEUED`, `E_NOT_REGISTERED`, `E_UNAVAILABLE`, `E_CLOSED`.
   */
  async join(ticket: QueueTicket): Promise<JoinedTicket> {
    const k = checkTicket(ticket, this.#options.modes);
    const reply = (await this.#run('join', 'mmJoin', [
      this.instanceId,
      ticket.ticketId,
      ticket.mode,
      ticket.name,
      k,
    ])) as [string, number?, number?];
    this.#throwCode(reply[0], ticket.ticketId);
    return { arrival: Number(reply[1]), position: Number(reply[2]) };
  }

  /** Removes a waiting or claimed ticket (true); false for one matched or unknown. Rejects like {@link join}. */
  async leave(ticketId: string): Promise<boolean> {
    checkTicketId(ticketId);
    return (await this.#run('leave', 'mmLeave', [ticketId])) === 1;
  }

  /** The 0-based places of tickets in their queues (undefined when not waiting); one round trip per 500 ids. */
  async positions(ticketIds: readonly string[]): Promise<(number | undefined)[]> {
    for (const id of ticketIds) checkTicketId(id);
    if (ticketIds.length === 0) return [];
    const chunks: string[][] = [];
    for (let i = 0; i < ticketIds.length; i += CHUNK) chunks.push(ticketIds.slice(i, i + CHUNK));
    const replies = await Promise.all(chunks.map((chunk) => this.#run('positions', 'mmPositions', chunk)));
    return (replies as number[][]).flat().map((rank) => (rank < 0 ? undefined : rank));
  }

  /**
   * Puts back tickets the queue lost at their old arrival (tickets it still knows, even matched ones, are left
   * alone) and moves the arrival counter past them; returns how many were put back. Rejects like {@link join}.
   */
  async restore(tickets: readonly RestoredTicket[]): Promise<number> {
    for (const ticket of tickets) checkRestored(ticket, this.#options.modes);
    let restored = 0;
    for (let i = 0; i < tickets.length; i += CHUNK) {
      const args: (string | number)[] = [this.instanceId];
      for (const t of tickets.slice(i, i + CHUNK)) args.push(t.ticketId, t.mode, t.name, t.arrival);
      const reply = await this.#run('restore', 'mmRestore', args);
      if (Array.isArray(reply)) this.#throwCode(String(reply[0]));
      restored += Number(reply);
    }
    return restored;
  }

  /**
   * Takes up to `maxGroups` (0..1000) full groups, oldest head first across this orchestrator's modes, each under a
   * lease of `leaseMs`. Rejects with `E_INVALID_ARGUMENT`, `E_NOT_REGISTERED`, `E_UNAVAILABLE`, `E_CLOSED`.
   */
  async claim(maxGroups: number): Promise<ClaimedGroup[]> {
    if (checkMaxGroups(maxGroups) === 0) return [];
    const args: (string | number)[] = [this.instanceId, this.#options.leaseMs, maxGroups];
    for (const [mode, k] of this.#options.modes) args.push(mode, k);
    const reply = (await this.#run('claim', 'mmClaim', args)) as string[][] | [string];
    if (typeof reply[0] === 'string') this.#throwCode(reply[0]);
    const groups = (reply as string[][]).map((g): ClaimedGroup => {
      const members: ClaimedMember[] = [];
      for (let i = 3; i + 3 < g.length; i += 4) {
        members.push({ ticketId: g[i]!, name: g[i + 1]!, owner: g[i + 2]!, arrival: Number(g[i + 3]) });
      }
      return { groupId: g[0]!, mode: g[1]!, leaseUntil: Number(g[2]), members };
    });
    if (groups.length > 0) this.#hook('claimed', groups.length);
    return groups;
  }

  /**
   * The commit point of a claimed group (see {@link QueueBackend.confirm}). `payloads` must hold every member;
   * rejects with `E_INVALID_ARGUMENT` (nothing committed) otherwise, and like {@link join}.
   */
  async confirm(groupId: string, payloads: ReadonlyMap<string, string>): Promise<ConfirmResult> {
    checkGroupId(groupId);
    const args = payloadArgs(payloads);
    const reply = (await this.#run('confirm', 'mmConfirm', [
      this.instanceId,
      groupId,
      this.#options.heartbeatTimeoutMs,
      ...args,
    ])) as [string, ...(string | number)[]];
    const [status, requeued = 0, ...missing] = reply;
    if (status === 'ok') return { ok: true };
    if (status === 'lost') {
      if (Number(requeued) > 0) this.#hook('requeued', Number(requeued), 'lease');
      return { ok: false, reason: 'lost' };
    }
    if (status === 'incomplete') {
      if (Number(requeued) > 0) this.#hook('requeued', Number(requeued), 'incomplete');
      return { ok: false, reason: 'incomplete', missing: missing.map(String), requeued: Number(requeued) };
    }
    throw new RedisQueueError('E_INVALID_ARGUMENT', `confirm of ${groupId}: no payload for member ${requeued}`);
  }

  /** Puts this orchestrator's claimed group back at its old place; returns how many members (0 when lost). */
  async requeue(groupId: string): Promise<number> {
    checkGroupId(groupId);
    const n = Number(await this.#run('requeue', 'mmRequeue', [this.instanceId, groupId]));
    if (n > 0) this.#hook('requeued', n, 'failed');
    return n;
  }

  /** How many tickets wait per mode of this orchestrator, all orchestrators together. */
  async sizes(): Promise<Map<string, number>> {
    const modes = [...this.#options.modes.keys()];
    const reply = (await this.#run('sizes', 'mmSizes', modes)) as number[];
    return new Map(modes.map((mode, i) => [mode, Number(reply[i])]));
  }

  /**
   * The orchestrators registered in the queue now, read in one script (one atomic step, Redis' clock), ordered by
   * instance id: each one's time since its last heartbeat, its tickets (waiting or claimed) and its claims. At most
   * {@link MAX_HOSTS_LISTED} (256), the most recently heard from. Rejects with `E_UNAVAILABLE` when Redis cannot be
   * read, `E_NOT_STARTED` before `start`, `E_CLOSED` after `close`.
   */
  async hosts(): Promise<QueueHost[]> {
    const reply = (await this.#run('hosts', 'mmHosts', [MAX_HOSTS_LISTED])) as (string | number)[];
    const hosts: QueueHost[] = [];
    for (let i = 0; i + 3 < reply.length; i += 4) {
      hosts.push({
        instanceId: String(reply[i]),
        lastHeartbeatAgoMs: Number(reply[i + 1]),
        tickets: Number(reply[i + 2]),
        claims: Number(reply[i + 3]),
      });
    }
    return hosts.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  }

  /**
   * Removes this orchestrator's waiting tickets, requeues its claims, deregisters (when Redis is reachable: else
   * the other orchestrators' recovery does it after `heartbeatTimeoutMs`), stops its timers and disconnects.
   * Idempotent; never rejects. Operations after it reject with `E_CLOSED`.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#state !== 'started') {
      this.#state = 'closed';
      return;
    }
    this.#state = 'closed';
    const command = this.#connections?.command;
    if (command?.status === 'ready' && this.#everRegistered) {
      try {
        for (let step = 0; step < 1000; step++) {
          const t0 = performance.now();
          const r = (await runScript(command, 'mmDeregister', this.#prefix, [
            this.instanceId,
            RECOVER_MAX_TICKETS,
            RECOVER_MAX_GROUPS,
          ]).finally(() => this.#hook('roundTrip', 'close', performance.now() - t0))) as number[];
          if (Number(r[2]) > 0) this.#hook('requeued', Number(r[2]), 'failed');
          if (r[3] === 1) break;
        }
      } catch (error) {
        this.#options.logger.warn('queue deregistration failed', { error: String(error) });
      }
    }
    this.#available = false;
    await this.#shutdown();
  }

  /** Stops timers and the inbox loop, disconnects every connection. */
  async #shutdown(): Promise<void> {
    this.#state = 'closed';
    this.#available = false;
    clearInterval(this.#timer);
    const connections = this.#connections;
    if (connections === undefined) return;
    const stopping = this.#inbox?.stop();
    // The blocking connection may be inside an XREAD BLOCK: a QUIT would wait behind it, so it is just dropped.
    connections.blocking.disconnect();
    await Promise.all(
      [connections.command, connections.subscriber].map(async (redis: Redis) => {
        if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
        else redis.disconnect();
      }),
    );
    await stopping;
  }

  /** The command connection became ready: register, drain the inbox, then say available. */
  async #onReady(): Promise<void> {
    const generation = ++this.#generation;
    this.#connectedSince = performance.now();
    try {
      await this.#register();
      if (generation !== this.#generation || this.#state !== 'started') return;
      await this.#inbox?.drain(this.#connections!.command);
      if (generation !== this.#generation || this.#state !== 'started') return;
      this.#available = true;
      this.#options.logger.info('queue available', { instanceId: this.instanceId });
      if (this.#settleStart !== undefined) this.#settleStart();
      else this.#call(() => this.#handlers?.availability(true));
      this.#call(() => this.#handlers?.groupsWaiting());
    } catch (error) {
      if (isRedisQueueError(error, 'E_MODES_MISMATCH') || isRedisQueueError(error, 'E_INSTANCE_IN_USE')) {
        this.#options.logger.error('queue registration refused', { error: error.message });
        if (this.#settleStart !== undefined) this.#settleStart(error);
        else this.#call(() => this.#handlers?.fatal(error));
        return;
      }
      this.#options.logger.debug('queue registration failed', { error: String(error) });
    }
  }

  #onClose(): void {
    this.#generation++;
    this.#connectedSince = undefined;
    if (this.#settleStart !== undefined && !this.#everRegistered) this.#settleStart();
    if (!this.#available) return;
    this.#available = false;
    this.#options.logger.warn('queue unavailable: redis connection lost', { instanceId: this.instanceId });
    this.#call(() => this.#handlers?.availability(false));
  }

  /** Registers this instance; the first registration also refuses an id that a live instance uses. */
  async #register(): Promise<void> {
    const args: (string | number)[] = [
      this.instanceId,
      this.#options.heartbeatTimeoutMs,
      this.#everRegistered ? '0' : '1',
    ];
    for (const [mode, k] of this.#options.modes) args.push(mode, k);
    const reply = (await this.#run('register', 'mmRegister', args, true)) as string[];
    if (reply[0] === 'E_MODES_MISMATCH') {
      throw new RedisQueueError(
        'E_MODES_MISMATCH',
        `mode ${JSON.stringify(reply[1])} has playersPerGame ${reply[2]} in the shared queue, ` +
          `${this.#options.modes.get(reply[1]!)} here`,
      );
    }
    if (reply[0] === 'E_INSTANCE_IN_USE') {
      throw new RedisQueueError(
        'E_INSTANCE_IN_USE',
        `instance id ${this.instanceId} heartbeated ${reply[1]} ms ago: another orchestrator uses it`,
      );
    }
    this.#everRegistered = true;
  }

  /** Every heartbeatIntervalMs: heartbeat (re-register when declared dead), then recovery once settled. */
  async #tick(): Promise<void> {
    if (this.#ticking || !this.#available || this.#state !== 'started') return;
    this.#ticking = true;
    const generation = this.#generation;
    try {
      if (Number(await this.#run('heartbeat', 'mmHeartbeat', [this.instanceId])) === 0) {
        this.#options.logger.warn('queue: this instance was declared dead (missed heartbeats); registering again', {
          instanceId: this.instanceId,
        });
        await this.#register();
        if (generation === this.#generation && this.#available) {
          this.#call(() => this.#handlers?.availability(true));
          this.#call(() => this.#handlers?.groupsWaiting());
        }
      }
      const since = this.#connectedSince;
      if (since !== undefined && performance.now() - since >= this.#options.heartbeatTimeoutMs) await this.#recover();
    } catch (error) {
      if (isRedisQueueError(error, 'E_MODES_MISMATCH') || isRedisQueueError(error, 'E_INSTANCE_IN_USE')) {
        this.#call(() => this.#handlers?.fatal(error));
      } else if (generation === this.#generation && this.#connections?.command.status === 'ready') {
        // A command that timed out on a connection that looks fine: reset it, so that availability is honest.
        this.#options.logger.warn('queue heartbeat failed; resetting the connection', { error: String(error) });
        this.#connections.command.disconnect(true);
      }
    } finally {
      this.#ticking = false;
    }
  }

  async #recover(): Promise<void> {
    const r = (await this.#run('recover', 'mmRecover', [
      this.#options.heartbeatTimeoutMs,
      RECOVER_MAX_TICKETS,
      RECOVER_MAX_GROUPS,
    ])) as number[];
    const [instances = 0, groups = 0, tickets = 0, deadRequeued = 0, leaseGroups = 0, leaseRequeued = 0] = r;
    if (instances + groups + tickets > 0) {
      this.#options.logger.info('queue recovered dead instances', { instances, groups, tickets });
      this.#hook('recovered', { instances, groups, tickets });
    }
    if (deadRequeued > 0) this.#hook('requeued', deadRequeued, 'deadInstance');
    if (leaseRequeued > 0) this.#hook('requeued', leaseRequeued, 'lease');
    if (leaseGroups > 0) this.#options.logger.info('queue leases ended', { groups: leaseGroups });
  }

  async #ack(entries: readonly (readonly [string, string])[]): Promise<void> {
    await this.#run('inbox', 'mmAck', [this.instanceId, ...entries.flat()], true);
  }

  /** Runs a script on the command connection, timing it; every failure becomes E_UNAVAILABLE. */
  async #run(
    operation: string,
    script: ScriptName,
    args: readonly (string | number)[],
    internal = false,
  ): Promise<unknown> {
    if (this.#state === 'closed' && !internal) throw new RedisQueueError('E_CLOSED', `${operation} after close`);
    const command = this.#connections?.command;
    if (this.#state === 'new' || command === undefined) {
      throw new RedisQueueError('E_NOT_STARTED', `${operation} before start`);
    }
    if (command.status !== 'ready') {
      throw new RedisQueueError('E_UNAVAILABLE', `${operation}: redis is not connected (${command.status})`);
    }
    const t0 = performance.now();
    try {
      return await runScript(command, script, this.#prefix, args);
    } catch (cause) {
      throw new RedisQueueError('E_UNAVAILABLE', `${operation} failed: ${(cause as Error).message}`, { cause });
    } finally {
      this.#hook('roundTrip', operation, performance.now() - t0);
    }
  }

  #throwCode(code: string | undefined, ticketId?: string): void {
    if (code === 'OK') return;
    if (code === 'E_ALREADY_QUEUED') {
      throw new RedisQueueError('E_ALREADY_QUEUED', `ticket ${ticketId} is already in the queue`);
    }
    if (code === 'E_NOT_REGISTERED') {
      throw new RedisQueueError('E_NOT_REGISTERED', `instance ${this.instanceId} is not registered in the queue`);
    }
    throw new RedisQueueError('E_UNAVAILABLE', `unexpected reply from redis: ${String(code)}`);
  }

  #hook<Name extends keyof RedisQueueHooks>(name: Name, ...args: Parameters<NonNullable<RedisQueueHooks[Name]>>): void {
    const hook = this.#options.hooks[name] as ((...a: typeof args) => void) | undefined;
    if (hook !== undefined) this.#call(() => hook.apply(this.#options.hooks, args));
  }

  /** Runs a handler or hook; they must not throw, and a throw is logged, never propagated into the I/O path. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#options.logger.error('queue handler threw', { error: String(error) });
    }
  }
}

/** Creates a {@link RedisQueueBackend} (same as `new RedisQueueBackend(options)`; throws `E_INVALID_OPTIONS`). */
export function createRedisQueue(options: RedisQueueOptions): RedisQueueBackend {
  return new RedisQueueBackend(options);
}
