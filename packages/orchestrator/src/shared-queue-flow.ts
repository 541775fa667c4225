import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ClaimedGroup, ConfirmResult, Delivery, QueueBackend, RestoredTicket } from '@proj/matchmaker';
import { type HelloMessage, WireErrorCode, encodeFrame, signConnectToken } from '@proj/protocol';
import type { ClientConnections } from './client-connections.js';
import type { Client, ClientTable } from './client-table.js';
import type { PlayerLeftReason } from './events.js';
import type { GameLauncher } from './game-launcher.js';
import type { Emit, LaunchOutcome, LaunchedGame } from './launched-game.js';
import { type MatchFlow, fullGroups } from './match-flow.js';
import { type MatchFoundPayload, decodeMatchFound, encodeMatchFound } from './match-found-payload.js';
import type { ResolvedOptions } from './options.js';
import { PlayerHolds, type SeatHolder } from './player-holds.js';
import type { QueueInfo } from './queue-info.js';

/** A player of this orchestrator with a ticket in the shared queue. */
interface LocalTicket {
  readonly ticketId: string;
  readonly client: Client;
  readonly mode: string;
  /** The queue's arrival stamp, once the join answered. */
  arrival: number | undefined;
}

/** A group claimed here, from the claim to its commit (confirm) or its return to the queue. */
interface SharedLaunch {
  readonly group: ClaimedGroup;
  /** By slot: this orchestrator's client for its members, undefined for other hosts' members. */
  readonly locals: readonly (Client | undefined)[];
  /** `performance.now()` at the claim: the confirm is retried until the lease would have ended. */
  readonly claimedAt: number;
  game: LaunchedGame | undefined;
  tokens: Uint8Array[] | undefined;
  /** Set when a local member left: the group cannot be confirmed; its launch is cancelled. */
  cancelled: boolean;
}

/** How often a lost confirm (store unreachable) is retried. */
const CONFIRM_RETRY_MS = 200;
/** The margin kept before a claim's lease ends: a confirm is not tried later than this. */
const LEASE_MARGIN_MS = 1_000;
/** How often the flow claims anyway when it has room (a safety net under the store's notifications). */
const CLAIM_POLL_MS = 1_000;
/** How often the queue's sizes are read (the warm pool's demand, stats). */
const SIZES_POLL_MS = 1_000;

/**
 * The client flow on a queue shared by several orchestrators (a {@link QueueBackend}, e.g. Redis): the same steps
 * as `ClientFlow` (hello, group, launch, match-found, departures), with the queue in the store:
 *
 * - a hello joins a ticket; the player is told its position when the store answers, and fresh positions every
 *   `queueUpdateIntervalMs` (read from the store: they count the players of every host);
 * - when this host has room ({@link GameLauncher.launchRoom}) it claims up to that many groups; the groups may hold
 *   players of other hosts. Each claimed group gets a game here; when its child is ready the group is confirmed
 *   (the commit point) and only then told: this host's players directly, the others through their host's inbox;
 * - a group whose launch failed, or whose local player left, goes back to the queue at its old place (front);
 *   when the confirm finds the claim lost (lease over) or a member gone, the game is dropped (its child killed);
 * - a delivery from another host's confirm sends this host's player its match-found.
 *
 * No backfill across hosts: a seat whose player left cancels the group (the rest keep their place in the queue).
 * No-show counting covers the games started here; a player matched by another host leaves its address's hold at
 * its match-found.
 */
export class SharedQueueFlow implements MatchFlow {
  readonly #options: ResolvedOptions;
  readonly #connections: ClientConnections;
  readonly #table: ClientTable;
  readonly #launcher: GameLauncher;
  readonly #emit: Emit;
  readonly #backend: QueueBackend;
  readonly #holds: PlayerHolds;
  /** This process's part of every ticket id: ids never repeat across restarts of an instance. */
  readonly #ticketPrefix: string;
  readonly #tickets = new Map<string, LocalTicket>();
  readonly #ticketOf = new Map<Client, LocalTicket>();
  /** Groups claimed here and not settled, by the local clients in them. */
  readonly #launchOf = new Map<Client, SharedLaunch>();
  /** Tickets whose `leave` could not reach the store: sent again when it is back, before anything else. */
  readonly #pendingLeaves = new Set<string>();
  /** Queue sizes of every host, per mode, as last read. */
  #sizes = new Map<string, number>();
  #claiming = false;
  #claimAgain = false;
  #positionsBusy = false;
  #scheduled = false;
  #timers: NodeJS.Timeout[] = [];
  #stopped = false;

  constructor(
    options: ResolvedOptions,
    connections: ClientConnections,
    launcher: GameLauncher,
    emit: Emit,
    backend: QueueBackend,
  ) {
    this.#options = options;
    this.#connections = connections;
    this.#table = connections.table;
    this.#launcher = launcher;
    this.#emit = emit;
    this.#backend = backend;
    this.#holds = new PlayerHolds(options.noShows, options.modes);
    this.#ticketPrefix = `${backend.instanceId}/${randomBytes(4).toString('hex')}/`;
  }

  /** Starts the backend (rejects on a fatal conflict) and the flow's timers. */
  async start(): Promise<void> {
    await this.#backend.start({
      delivered: (delivery) => this.#delivered(delivery),
      availability: (available) => this.#availability(available),
      groupsWaiting: () => this.schedule(),
      fatal: (error) => this.#emit('queueBackendFailed', { instanceId: this.#backend.instanceId, error }),
    });
    const positionsMs = Math.max(this.#options.queueUpdateIntervalMs, 50);
    this.#timers = [
      setInterval(() => this.#refreshPositions(), positionsMs),
      setInterval(() => this.schedule(), CLAIM_POLL_MS),
      setInterval(() => this.#refreshSizes(), SIZES_POLL_MS),
    ];
    for (const timer of this.#timers) timer.unref();
  }

  /** Whether the shared queue is reachable now. */
  get available(): boolean {
    return this.#backend.available;
  }

  get queuedCount(): number {
    return this.#table.countIn('queued');
  }

  queuedByMode(): Map<string, number> {
    const byMode = new Map<string, number>();
    for (const mode of this.#options.modes.keys()) byMode.set(mode, 0);
    for (const { client, mode } of this.#tickets.values()) {
      if (client.state === 'queued') byMode.set(mode, (byMode.get(mode) ?? 0) + 1);
    }
    return byMode;
  }

  /** Each mode's queue: this host's waiting players (one pass over its tickets) and every host's, as last read. */
  queues(now: number): QueueInfo[] {
    const waiting = new Map<string, { count: number; oldest: number }>();
    for (const { client, mode } of this.#tickets.values()) {
      if (client.state !== 'queued') continue;
      const entry = waiting.get(mode);
      if (entry === undefined) waiting.set(mode, { count: 1, oldest: client.queuedAt });
      else {
        entry.count++;
        if (client.queuedAt < entry.oldest) entry.oldest = client.queuedAt;
      }
    }
    return [...this.#options.modes].map(([mode, { playersPerGame }]) => {
      const entry = waiting.get(mode);
      return {
        mode,
        playersPerGame,
        waiting: entry?.count ?? 0,
        oldestWaitMs: entry === undefined ? undefined : Math.max(0, now - entry.oldest),
        sharedWaiting: this.#sizes.get(mode),
      };
    });
  }

  /** Full groups waiting in the shared queue (all hosts), as last read. */
  get waitingGroups(): number {
    return fullGroups(this.#sizes, this.#options.modes);
  }

  // Hello: a ticket in the shared queue, or refused.

  hello(client: Client, message: HelloMessage): void {
    const mode = message.mode ?? this.#options.defaultMode;
    const refusal = this.#holds.admit(client.remoteAddress, message, mode);
    if (refusal !== undefined) {
      this.#connections.closeWithError(client, refusal.code, 'protocolError', refusal.message);
      return;
    }
    if (!this.#backend.available) {
      this.#connections.closeWithError(client, WireErrorCode.QUEUE_UNAVAILABLE, 'queueUnavailable');
      return;
    }
    this.#holds.hold(client.remoteAddress);
    client.name = message.name;
    client.mode = mode;
    const ticket: LocalTicket = { ticketId: `${this.#ticketPrefix}${client.id}`, client, mode, arrival: undefined };
    this.#tickets.set(ticket.ticketId, ticket);
    this.#ticketOf.set(client, ticket);
    this.#table.transition(client, 'queued');
    this.#connections.armIdle(client);
    this.#backend.join({ ticketId: ticket.ticketId, mode, name: client.name }).then(
      (joined) => {
        ticket.arrival = joined.arrival;
        if (client.state !== 'queued' || this.#ticketOf.get(client) !== ticket) return;
        const position = joined.position + 1;
        client.lastPosition = position;
        this.#connections.send(client, { type: 'queued', position, mode });
        this.#emit('playerQueued', { clientId: client.id, name: client.name, mode, position: joined.position });
        // This player completed a group: claim (the store also wakes the other hosts, once per group).
        if (position % (this.#options.modes.get(mode)?.playersPerGame ?? Infinity) === 0) this.schedule();
      },
      () => {
        if (this.#ticketOf.get(client) !== ticket) return;
        // The store may have taken the ticket before the failure reached us: make sure it leaves.
        this.#forget(ticket);
        this.#pendingLeaves.add(ticket.ticketId);
        if (client.state === 'queued') {
          this.#connections.closeWithError(client, WireErrorCode.QUEUE_UNAVAILABLE, 'queueUnavailable');
        }
      },
    );
  }

  // Claims: groups of any host's players, launched here.

  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#claim();
    });
  }

  #claim(): void {
    if (this.#stopped || !this.#backend.available) return;
    if (this.#claiming) {
      this.#claimAgain = true;
      return;
    }
    const room = this.#launcher.launchRoom();
    if (room === 0) {
      // Held by ports, the cap or admission: onCapacity calls schedule() when that clears.
      if (this.waitingGroups > 0) this.#launcher.demandChanged();
      return;
    }
    this.#claiming = true;
    this.#claimAgain = false;
    this.#backend.claim(room).then(
      (groups) => {
        this.#claiming = false;
        for (const group of groups) this.#launch(group);
        if (groups.length === room || this.#claimAgain) this.schedule();
      },
      (error: unknown) => {
        this.#claiming = false;
        this.#options.logger.debug('claim failed', { error });
      },
    );
  }

  #launch(group: ClaimedGroup): void {
    const locals = group.members.map(({ ticketId, owner }) =>
      owner === this.#backend.instanceId ? this.#tickets.get(ticketId)?.client : undefined,
    );
    const localMissing = group.members.some(
      ({ owner }, slot) => owner === this.#backend.instanceId && locals[slot]?.state !== 'queued',
    );
    if (this.#stopped || localMissing || !this.#launcher.canLaunch()) {
      // A local member left while the claim was on its way (its leave reached the store first), or no room after
      // all: the group goes back at once, without the member who left.
      this.#requeue(group, localMissing ? 'memberLeft' : 'noRoom');
      return;
    }
    let lastHelloAt = 0;
    for (const client of locals) {
      if (client === undefined) continue;
      this.#table.transition(client, 'matched');
      this.#connections.disarm(client);
      if (client.queuedAt > lastHelloAt) lastHelloAt = client.queuedAt;
    }
    const launch: SharedLaunch = {
      group,
      locals,
      claimedAt: performance.now(),
      game: undefined,
      tokens: undefined,
      cancelled: false,
    };
    for (const client of locals) if (client !== undefined) this.#launchOf.set(client, launch);
    const slots = group.members.map(({ name }, slot) => ({ slot, name }));
    const game = this.#launcher.launch(group.mode, slots, this.#options.modes.get(group.mode), (g, outcome) =>
      this.#onLaunchOutcome(launch, g, outcome, lastHelloAt),
    );
    launch.game = game;
    if (game.child !== undefined) {
      launch.tokens = slots.map(({ slot }) =>
        signConnectToken({ gameId: game.gameId, slot, expiresAt: game.tokenExpiresAt }, game.secret),
      );
    }
  }

  #onLaunchOutcome(launch: SharedLaunch, game: LaunchedGame, outcome: LaunchOutcome, lastHelloAt: number): void {
    if (!outcome.ok || launch.cancelled || launch.tokens === undefined || this.#stopped) {
      if (outcome.ok) game.child?.kill();
      this.#release(launch);
      this.#requeue(launch.group, 'launchFailed');
      this.#emit('gameLaunchFailed', {
        gameId: game.gameId,
        mode: game.mode,
        port: game.port,
        reason: outcome.ok ? 'cancelled' : outcome.reason,
        requeued: this.#stopped ? 0 : launch.locals.filter((c) => c?.state === 'queued').length,
        ...(!outcome.ok && outcome.reason === 'bindFailed' ? { errorCode: outcome.errorCode } : {}),
      });
      return;
    }
    const payloads = new Map<string, string>();
    launch.group.members.forEach(({ ticketId }, slot) => {
      payloads.set(ticketId, encodeMatchFound(this.#matchFound(game, slot, launch.tokens![slot]!)));
    });
    this.#confirm(launch, game, payloads, outcome.readyMs, lastHelloAt);
  }

  /** Confirms a ready game's group, retrying while the store is out of reach and the lease lasts. */
  #confirm(
    launch: SharedLaunch,
    game: LaunchedGame,
    payloads: ReadonlyMap<string, string>,
    readyMs: number,
    lastHelloAt: number,
  ): void {
    this.#backend.confirm(launch.group.groupId, payloads).then(
      (result) => this.#onConfirmed(launch, game, result, readyMs, lastHelloAt),
      (error: unknown) => {
        const leaseLeft = this.#backend.leaseMs - (performance.now() - launch.claimedAt);
        if (leaseLeft > LEASE_MARGIN_MS + CONFIRM_RETRY_MS && !this.#stopped) {
          setTimeout(() => this.#confirm(launch, game, payloads, readyMs, lastHelloAt), CONFIRM_RETRY_MS).unref();
          return;
        }
        this.#options.logger.warn('confirm failed until the lease ran out: game dropped', {
          gameId: game.gameId,
          error,
        });
        this.#onConfirmed(launch, game, { ok: false, reason: 'lost' }, readyMs, lastHelloAt);
      },
    );
  }

  #onConfirmed(
    launch: SharedLaunch,
    game: LaunchedGame,
    result: ConfirmResult,
    readyMs: number,
    lastHelloAt: number,
  ): void {
    if (!result.ok) {
      game.child?.kill();
      this.#release(launch);
      this.#emit('gameLaunchFailed', {
        gameId: game.gameId,
        mode: game.mode,
        port: game.port,
        reason: result.reason === 'lost' ? 'claimLost' : 'cancelled',
        requeued: result.reason === 'incomplete' ? result.requeued : 0,
      });
      return;
    }
    // By slot; the seats of other hosts' players stay undefined (their holds are released at their match-found).
    const seats: (SeatHolder | undefined)[] = launch.locals.map(() => undefined);
    launch.locals.forEach((client, slot) => {
      if (client === undefined) return;
      this.#launchOf.delete(client);
      const ticket = this.#ticketOf.get(client);
      if (ticket !== undefined) this.#forget(ticket);
      if (client.state !== 'matched') return; // left after the confirm was sent: a no-show of its game
      seats[slot] = { remoteAddress: client.remoteAddress, name: client.name };
      this.#table.transition(client, 'closing');
      this.#connections.end(client, encodeFrame(this.#matchFound(game, slot, launch.tokens![slot]!)));
    });
    this.#holds.awaitJoins(game.gameId, seats);
    this.#emit('gameStarted', {
      gameId: game.gameId,
      mode: game.mode,
      port: game.port,
      players: launch.group.members.map(({ name }) => name),
      pid: game.child?.pid,
      warm: game.warm,
      spawnMs: readyMs,
      timeToMatchMs: lastHelloAt === 0 ? performance.now() - game.launchedAt : performance.now() - lastHelloAt,
    });
  }

  #matchFound(game: LaunchedGame, slot: number, token: Uint8Array): MatchFoundPayload {
    return {
      type: 'matchFound',
      gameId: game.gameId,
      host: this.#options.advertisedHost,
      port: game.port,
      slot,
      token,
      tokenExpiresAt: game.tokenExpiresAt,
    };
  }

  /**
   * The local members of a launch that did not commit go back to waiting. Their tickets are the store's again (put
   * back by the requeue, the confirm that refused, or the recovery); if the store lost them meanwhile (it restarted
   * empty), they are restored at their old place, which is a no-op for tickets it still has.
   */
  #release(launch: SharedLaunch): void {
    const back: RestoredTicket[] = [];
    for (const client of launch.locals) {
      if (client === undefined || this.#launchOf.get(client) !== launch) continue;
      this.#launchOf.delete(client);
      if (client.state !== 'matched') continue;
      if (this.#stopped) {
        this.#connections.closeWithError(client, WireErrorCode.SHUTTING_DOWN, 'shutdown');
        continue;
      }
      this.#table.transition(client, 'queued');
      this.#connections.armIdle(client);
      client.lastPosition = 0; // a fresh position is sent even when it did not change
      const ticket = this.#ticketOf.get(client);
      if (ticket?.arrival !== undefined) {
        back.push({ ticketId: ticket.ticketId, mode: ticket.mode, name: client.name, arrival: ticket.arrival });
      }
    }
    if (back.length > 0) {
      // Rejected while the store is out of reach: availability(true) restores every waiting player then.
      this.#backend.restore(back).catch(() => {});
    }
    this.schedule();
  }

  #requeue(group: ClaimedGroup, why: string): void {
    this.#backend.requeue(group.groupId).then(
      () => this.schedule(),
      (error: unknown) =>
        // The lease brings the group back by itself.
        this.#options.logger.warn('requeue failed: the group returns when its lease ends', {
          groupId: group.groupId,
          why,
          error,
        }),
    );
  }

  // Deliveries: this host's players matched by another host.

  #delivered(delivery: Delivery): void {
    const ticket = this.#tickets.get(delivery.ticketId);
    if (ticket === undefined || ticket.client.state !== 'queued') return; // gone meanwhile, or delivered before
    const client = ticket.client;
    const matchFound = decodeMatchFound(delivery.payload);
    this.#forget(ticket);
    this.#holds.release(client.remoteAddress);
    if (matchFound === undefined) {
      this.#options.logger.error('a match-found from another host could not be read', { groupId: delivery.groupId });
      this.#connections.closeWithError(client, WireErrorCode.INTERNAL, 'queueUnavailable');
      return;
    }
    this.#table.transition(client, 'closing');
    this.#connections.end(client, encodeFrame(matchFound));
    this.#emit('playerMatchedRemotely', {
      clientId: client.id,
      name: client.name,
      mode: ticket.mode,
      gameId: matchFound.gameId,
      host: matchFound.host,
      port: matchFound.port,
      timeToMatchMs: performance.now() - client.queuedAt,
    });
  }

  // Departures, availability, shutdown.

  gone(client: Client, reason: PlayerLeftReason): void {
    const previous = client.state;
    if (previous === 'closing') return;
    this.#table.transition(client, 'closing');
    if (previous === 'queued' || previous === 'matched') {
      this.#holds.release(client.remoteAddress);
      this.#emit('playerLeft', { clientId: client.id, name: client.name, mode: client.mode, reason });
    }
    const ticket = this.#ticketOf.get(client);
    if (ticket !== undefined) {
      this.#forget(ticket);
      this.#leave(ticket.ticketId);
    }
    const launch = this.#launchOf.get(client);
    if (launch !== undefined) {
      this.#launchOf.delete(client);
      // The group cannot be confirmed without this player: cancel its launch; the outcome requeues the others.
      launch.cancelled = true;
      if (launch.game !== undefined && launch.game.state === 'starting') this.#launcher.cancel(launch.game);
    }
  }

  #leave(ticketId: string): void {
    this.#backend.leave(ticketId).then(
      () => this.#pendingLeaves.delete(ticketId),
      () => this.#pendingLeaves.add(ticketId),
    );
  }

  #forget(ticket: LocalTicket): void {
    this.#tickets.delete(ticket.ticketId);
    this.#ticketOf.delete(ticket.client);
  }

  #availability(available: boolean): void {
    this.#emit('queueAvailability', { instanceId: this.#backend.instanceId, available });
    if (!available || this.#stopped) return;
    for (const ticketId of this.#pendingLeaves) this.#leave(ticketId);
    // The store may have restarted empty, or declared this host dead: put back the players still waiting here.
    const waiting = [...this.#tickets.values()].filter(
      (t): t is LocalTicket & { arrival: number } => t.arrival !== undefined && t.client.state === 'queued',
    );
    const tickets = waiting.map(({ ticketId, mode, client, arrival }) => ({
      ticketId,
      mode,
      name: client.name,
      arrival,
    }));
    this.#backend.restore(tickets).then(
      (restored) => {
        if (restored > 0) this.#options.logger.warn('players put back in the shared queue', { restored });
        this.schedule();
      },
      (error: unknown) => this.#options.logger.warn('restore failed', { error }),
    );
  }

  #refreshPositions(): void {
    if (this.#stopped || this.#positionsBusy || !this.#backend.available) return;
    const waiting = [...this.#tickets.values()].filter((t) => t.arrival !== undefined && t.client.state === 'queued');
    if (waiting.length === 0) return;
    this.#positionsBusy = true;
    this.#backend.positions(waiting.map((t) => t.ticketId)).then(
      (positions) => {
        this.#positionsBusy = false;
        waiting.forEach(({ client, mode }, i) => {
          const index = positions[i];
          if (index === undefined || client.state !== 'queued') return;
          const position = index + 1;
          if (client.lastPosition === position) return;
          client.lastPosition = position;
          this.#connections.send(client, { type: 'queued', position, mode });
        });
      },
      () => {
        this.#positionsBusy = false;
      },
    );
  }

  #refreshSizes(): void {
    if (this.#stopped || !this.#backend.available) return;
    this.#backend.sizes().then(
      (sizes) => {
        this.#sizes = sizes;
      },
      () => {},
    );
  }

  joinReported(game: LaunchedGame, joined: readonly number[], missing: readonly number[]): void {
    const noShows = this.#holds.joinReported(game.gameId, joined, missing);
    if (noShows !== undefined) this.#emit('playersNoShow', { gameId: game.gameId, mode: game.mode, ...noShows });
  }

  gameEnded(game: LaunchedGame): void {
    this.#holds.gameEnded(game.gameId);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    for (const client of [...this.#table.values()]) {
      if (client.state === 'awaitingHello' || client.state === 'queued') {
        this.#connections.closeWithError(client, WireErrorCode.SHUTTING_DOWN, 'shutdown');
      }
    }
    this.#launcher.cancelStarting();
  }

  /** Closes the backend: this host's tickets leave the store, its claims go back, it deregisters. */
  close(): Promise<void> {
    return this.#backend.close();
  }
}
