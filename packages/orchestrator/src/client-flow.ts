import { performance } from 'node:perf_hooks';
import { type Group, Matchmaker, type Member } from '@proj/matchmaker';
import { type HelloMessage, WireErrorCode, encodeFrame, signConnectToken } from '@proj/protocol';
import type { ClientConnections } from './client-connections.js';
import type { Client, ClientTable } from './client-table.js';
import type { PlayerLeftReason } from './events.js';
import type { GameLauncher } from './game-launcher.js';
import type { Emit, LaunchOutcome, LaunchedGame } from './launched-game.js';
import { type MatchFlow, fullGroups } from './match-flow.js';
import type { ResolvedOptions } from './options.js';
import { PlayerHolds } from './player-holds.js';
import type { QueueInfo } from './queue-info.js';

/** A queued player: keyed by its client id, carrying its client. */
type QueuedPlayer = Member<number, Client>;

/** A group of players between "group formed" and match-found (or its failure). */
interface PendingLaunch {
  readonly mode: string;
  /** The group's players, by slot; undefined: the player left and the seat waits for a backfill. */
  readonly players: (QueuedPlayer | undefined)[];
  /** `performance.now()` of the hello of the group's last player (a backfilled one included). */
  lastHelloAt: number;
  /** Slot -> id of the client who left it, while the seat waits for a backfill. */
  readonly vacatedBy: Map<number, number>;
  game: LaunchedGame | undefined;
  /** The players' connect tokens, by slot, signed while the child starts. */
  tokens: Uint8Array[] | undefined;
}

/**
 * The spine of the client flow, in the design's order and numbered as in this package's README ("The client flow";
 * step 1, connect, is the connection layer's, which reports hellos and departures here):
 *
 * 2. {@link hello}: a hello is accepted (the player enters its mode's FIFO queue and is told its position) or refused;
 * 3. {@link schedule} -> `#matchWaitingGroups`: a group is formed while K players of a mode wait and the launcher can
 *    take a game (a port is free and the cap allows);
 * 4. `#launch`: the group is marked matched, the launcher takes a port and a child, the tokens are signed while the
 *    child starts;
 * 5. `#onLaunchOutcome`: the child is ready, every player gets match-found and its connection closes
 *    (`#sendMatchFound`); or the launch failed and its players go back to the front of their queue (`#requeueAtFront`);
 * 6. {@link gone}: departures (while queued: removed at once; while matched: the seat goes to the next queued
 *    player of the mode, `#fillOpenSeats`, so the started child is used); {@link stop}: shutdown.
 *
 * Every change of a client's state happens here, through `ClientTable.transition`, which refuses moves the flow
 * does not have. Decisions:
 * - a player who leaves between match and match-found is replaced (backfill): the next queued player of the mode
 *   takes the seat (same slot, same token; the child is told the new name), at once or as soon as one queues while
 *   the child starts. A seat still empty when the child is ready (or every seat empty) cancels the match as a
 *   whole: the child is killed (its port returns on its exit), the others go back to the front of their queue in
 *   their old order and get fresh positions; nobody is sent a match-found for a game missing a player;
 * - a failed launch (bind failure, crash, no ready in time) puts its players back at the front of their queue;
 * - queue positions are batched: at most one batch per `queueUpdateIntervalMs`, or per turn of the event loop.
 */
export class ClientFlow implements MatchFlow {
  readonly #options: ResolvedOptions;
  readonly #connections: ClientConnections;
  readonly #table: ClientTable;
  readonly #launcher: GameLauncher;
  readonly #emit: Emit;
  /** The FIFO queues, one per mode, of players keyed by client id. */
  readonly #queues: Matchmaker<number, Client>;
  /** The launch each matched client waits for (the flow's own record: a client knows nothing of launches). */
  readonly #launches = new Map<Client, PendingLaunch>();
  /** Launches still starting with a seat whose player left, oldest first: the next queued players take them. */
  readonly #openSeats = new Set<PendingLaunch>();
  /** Players each address holds from hello until their game's child reports them joined; the no-show record. */
  readonly #holds: PlayerHolds;
  #matchScheduled = false;
  #positionsDue = false;
  #positionTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ResolvedOptions, connections: ClientConnections, launcher: GameLauncher, emit: Emit) {
    this.#options = options;
    this.#connections = connections;
    this.#table = connections.table;
    this.#launcher = launcher;
    this.#emit = emit;
    const modes: Record<string, { playersPerGame: number }> = {};
    for (const [name, mode] of options.modes) modes[name] = { playersPerGame: mode.playersPerGame };
    this.#queues = new Matchmaker<number, Client>({ modes });
    this.#holds = new PlayerHolds(options.noShows, options.modes);
  }

  /** Players waiting, all modes. */
  get queuedCount(): number {
    return this.#queues.size();
  }

  /** Players waiting, per mode. */
  queuedByMode(): Map<string, number> {
    return this.#queues.sizes();
  }

  /** Each mode's queue; the front player of a FIFO queue is its longest waiting. O(modes). */
  queues(now: number): QueueInfo[] {
    const out: QueueInfo[] = [];
    for (const [mode, { playersPerGame }] of this.#options.modes) {
      const head = this.#queues.peek(mode);
      out.push({
        mode,
        playersPerGame,
        waiting: this.#queues.size(mode),
        oldestWaitMs: head === undefined ? undefined : Math.max(0, now - head.payload.queuedAt),
        sharedWaiting: undefined,
      });
    }
    return out;
  }

  /** Groups of players formed in the queues (K of a mode waiting) and not launched yet, all modes. O(modes). */
  get waitingGroups(): number {
    return fullGroups(this.#queues.sizes(), this.#options.modes);
  }

  // 2. Hello: queued, or refused.

  /** A client said hello: it joins its mode's queue and is told its position, or is refused with a wire error. */
  hello(client: Client, message: HelloMessage): void {
    const mode = message.mode ?? this.#options.defaultMode;
    const refusal = this.#holds.admit(client.remoteAddress, message, mode);
    if (refusal !== undefined) {
      this.#connections.closeWithError(client, refusal.code, 'protocolError', refusal.message);
      return;
    }
    this.#holds.hold(client.remoteAddress);
    client.name = message.name;
    client.mode = mode;
    const position = this.#queues.join(client.id, mode, client) + 1;
    this.#table.transition(client, 'queued');
    this.#connections.armIdle(client);
    client.lastPosition = position;
    this.#connections.send(client, { type: 'queued', position, mode });
    this.#emit('playerQueued', { clientId: client.id, name: client.name, mode, position: position - 1 });
    this.schedule();
  }

  // 3. Group formed.

  /** Runs the matching loop and the position updates on the next turn of the event loop (once per turn). */
  schedule(): void {
    this.#positionsDue = true;
    if (this.#matchScheduled) return;
    this.#matchScheduled = true;
    setImmediate(() => this.#matchWaitingGroups());
  }

  #matchWaitingGroups(): void {
    this.#matchScheduled = false;
    if (!this.#stopped) {
      this.#fillOpenSeats();
      while (this.#queues.hasReadyGroup() && this.#launcher.canLaunch()) {
        const group = this.#queues.takeNextGroup();
        if (group === undefined) break;
        this.#launch(group);
      }
      // Groups left waiting (held by admission, ports or the cap) are demand the warm pool follows.
      if (this.#queues.hasReadyGroup()) this.#launcher.demandChanged();
    }
    if (this.#positionsDue) this.#sendPositionsSoon();
  }

  // 4. Launch.

  #launch(group: Group<number, Client>): void {
    let lastHelloAt = 0;
    const slots = group.members.map(({ payload: client }, slot) => {
      this.#table.transition(client, 'matched');
      this.#connections.disarm(client);
      if (client.queuedAt > lastHelloAt) lastHelloAt = client.queuedAt;
      return { slot, name: client.name };
    });
    const launch: PendingLaunch = {
      mode: group.mode,
      players: [...group.members],
      lastHelloAt,
      vacatedBy: new Map(),
      game: undefined,
      tokens: undefined,
    };
    for (const { payload: client } of group.members) this.#launches.set(client, launch);
    const game = this.#launcher.launch(group.mode, slots, this.#options.modes.get(group.mode), (g, outcome) =>
      this.#onLaunchOutcome(launch, g, outcome),
    );
    launch.game = game;
    // Sign while the child starts: off the path from ready to match-found.
    if (game.child !== undefined) {
      launch.tokens = slots.map(({ slot }) =>
        signConnectToken({ gameId: game.gameId, slot, expiresAt: game.tokenExpiresAt }, game.secret),
      );
    }
  }

  // 5. Match-found (or back to the front of the queue).

  #onLaunchOutcome(launch: PendingLaunch, game: LaunchedGame, outcome: LaunchOutcome): void {
    this.#openSeats.delete(launch);
    const stillHere = launch.players.filter(
      (player): player is QueuedPlayer =>
        player !== undefined && player.payload.state === 'matched' && this.#launches.get(player.payload) === launch,
    );
    for (const { payload: client } of stillHere) this.#launches.delete(client);
    if (outcome.ok && stillHere.length === launch.players.length && launch.tokens !== undefined) {
      this.#sendMatchFound(launch, game, launch.tokens, outcome.readyMs);
      return;
    }
    if (outcome.ok) {
      // A seat nobody took in time: never send a match-found for an incomplete game.
      game.child?.kill();
    }
    if (this.#stopped) {
      for (const { payload: client } of stillHere) {
        this.#connections.closeWithError(client, WireErrorCode.SHUTTING_DOWN, 'shutdown');
      }
    } else if (stillHere.length > 0) {
      this.#requeueAtFront(launch.mode, stillHere);
    }
    this.#emit('gameLaunchFailed', {
      gameId: game.gameId,
      mode: game.mode,
      port: game.port,
      reason: outcome.ok ? 'cancelled' : outcome.reason,
      requeued: this.#stopped ? 0 : stillHere.length,
      ...(!outcome.ok && outcome.reason === 'bindFailed' ? { errorCode: outcome.errorCode } : {}),
    });
    this.schedule();
  }

  #sendMatchFound(launch: PendingLaunch, game: LaunchedGame, tokens: readonly Uint8Array[], readyMs: number): void {
    const players = launch.players as readonly QueuedPlayer[]; // every seat is taken (checked by the caller)
    // The players keep their hold on their address until the child reports whether they joined.
    this.#holds.awaitJoins(
      game.gameId,
      players.map(({ payload: client }) => ({ remoteAddress: client.remoteAddress, name: client.name })),
    );
    players.forEach(({ payload: client }, slot) => {
      this.#table.transition(client, 'closing');
      const frame = encodeFrame({
        type: 'matchFound',
        gameId: game.gameId,
        host: this.#options.advertisedHost,
        port: game.port,
        slot,
        token: tokens[slot]!,
        tokenExpiresAt: game.tokenExpiresAt,
      });
      this.#connections.end(client, frame);
    });
    this.#emit('gameStarted', {
      gameId: game.gameId,
      mode: game.mode,
      port: game.port,
      players: players.map(({ payload: client }) => client.name),
      pid: game.child?.pid,
      warm: game.warm,
      spawnMs: readyMs,
      timeToMatchMs: performance.now() - launch.lastHelloAt,
    });
  }

  #requeueAtFront(mode: string, players: readonly QueuedPlayer[]): void {
    this.#queues.requeueFront({ mode, members: players });
    for (const { payload: client } of players) {
      this.#table.transition(client, 'queued');
      this.#connections.armIdle(client);
      // Fresh position: sent even when it did not change.
      client.lastPosition = 0;
    }
  }

  // 6. Departures and shutdown.

  /** The connection layer's report that a client is gone (see {@link ConnectionHooks.gone}). */
  gone(client: Client, reason: PlayerLeftReason): void {
    const previous = client.state;
    if (previous === 'closing') return;
    this.#table.transition(client, 'closing');
    if (previous === 'queued' || previous === 'matched') this.#holds.release(client.remoteAddress);
    if (previous === 'queued') {
      this.#queues.leave(client.id);
      this.#emit('playerLeft', { clientId: client.id, name: client.name, mode: client.mode, reason });
      this.schedule();
    } else if (previous === 'matched') {
      this.#emit('playerLeft', { clientId: client.id, name: client.name, mode: client.mode, reason });
      const launch = this.#launches.get(client);
      this.#launches.delete(client);
      if (launch?.game === undefined) return;
      const slot = launch.players.findIndex((player) => player?.payload === client);
      launch.players[slot] = undefined;
      launch.vacatedBy.set(slot, client.id);
      if (this.#stopped || launch.players.every((player) => player === undefined)) {
        // Nobody left to play it: cancel; the outcome handler requeues whoever is still matched.
        this.#launcher.cancel(launch.game);
        return;
      }
      this.#openSeats.add(launch);
      this.#fillOpenSeats();
    }
  }

  /**
   * A game's child reported which seats were joined: their players let go of their address's hold; each seat nobody
   * came for counts as a no-show of its player's address and name, which may get them refused for a while.
   */
  joinReported(game: LaunchedGame, joined: readonly number[], missing: readonly number[]): void {
    const noShows = this.#holds.joinReported(game.gameId, joined, missing);
    if (noShows === undefined) return;
    this.#emit('playersNoShow', { gameId: game.gameId, mode: game.mode, ...noShows });
  }

  /** A started game is over: players whose joins were never reported let go of their holds (no no-show counted). */
  gameEnded(game: LaunchedGame): void {
    this.#holds.gameEnded(game.gameId);
  }

  /**
   * Gives the empty seats of launches still starting to the front players of their modes' queues, oldest launch
   * first: each newcomer takes the seat's slot and token, and the child learns its name.
   */
  #fillOpenSeats(): void {
    for (const launch of this.#openSeats) {
      const game = launch.game;
      if (game === undefined || game.state !== 'starting') {
        this.#openSeats.delete(launch);
        continue;
      }
      let open = 0;
      let filled = 0;
      for (let slot = 0; slot < launch.players.length; slot++) {
        if (launch.players[slot] !== undefined) continue;
        const next = this.#queues.waiting(launch.mode).next();
        if (next.done === true || !this.#launcher.reseat(game, slot, next.value.payload.name)) {
          open++;
          continue;
        }
        const player = next.value;
        const client = player.payload;
        this.#queues.leave(client.id);
        launch.players[slot] = player;
        const leftClientId = launch.vacatedBy.get(slot) ?? -1;
        launch.vacatedBy.delete(slot);
        filled++;
        this.#table.transition(client, 'matched');
        this.#connections.disarm(client);
        this.#launches.set(client, launch);
        if (client.queuedAt > launch.lastHelloAt) launch.lastHelloAt = client.queuedAt;
        this.#emit('seatBackfilled', {
          gameId: game.gameId,
          mode: launch.mode,
          slot,
          leftClientId,
          clientId: client.id,
          name: client.name,
        });
      }
      if (open === 0) this.#openSeats.delete(launch);
      // The players behind the ones who took a seat moved up: tell them.
      if (filled > 0) this.schedule();
    }
  }

  /** Shutdown: no more matching; queued and hello-less clients are told SHUTTING_DOWN; starting launches cancelled. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#positionTimer);
    for (const client of [...this.#table.values()]) {
      if (client.state === 'awaitingHello' || client.state === 'queued') {
        this.#connections.closeWithError(client, WireErrorCode.SHUTTING_DOWN, 'shutdown');
      }
    }
    this.#launcher.cancelStarting();
  }

  // Queue positions, batched.

  #sendPositionsSoon(): void {
    const interval = this.#options.queueUpdateIntervalMs;
    if (interval === 0) {
      this.#sendPositions();
      return;
    }
    if (this.#positionTimer !== undefined) return;
    this.#positionTimer = setTimeout(() => {
      this.#positionTimer = undefined;
      this.#sendPositions();
    }, interval);
  }

  /** Sends `queued` to every waiting player whose position changed since it was last told. */
  #sendPositions(): void {
    this.#positionsDue = false;
    if (this.#stopped) return;
    for (const { payload: client, position: index, mode } of this.#queues.takePositionChanges()) {
      const position = index + 1;
      if (client.state !== 'queued' || client.lastPosition === position) continue;
      client.lastPosition = position;
      this.#connections.send(client, { type: 'queued', position, mode });
    }
  }
}
