import { performance } from 'node:perf_hooks';
import { type Group, Matchmaker } from '@proj/matchmaker';
import { WireErrorCode, encodeFrame, signConnectToken } from '@proj/protocol';
import type { ClientConnections } from './client-connection.js';
import type { Client } from './client-table.js';
import type { PlayerLeftReason } from './events.js';
import type { GameLauncher } from './game-launcher.js';
import type { Emit, LaunchOutcome, LaunchedGame } from './launched-game.js';
import type { ResolvedOptions } from './options.js';

/** A group of players between match and match-found. */
export interface PendingMatch {
  readonly group: Group<Client, undefined>;
  /** `performance.now()` of the hello of the group's last player. */
  readonly lastHelloAt: number;
  game: LaunchedGame | undefined;
  /** The players' connect tokens, by slot, signed while the child starts. */
  tokens: Uint8Array[] | undefined;
}

/**
 * The client flow after hello: the FIFO queues (one per mode), the matching loop (a group of K, a port and a child,
 * never beyond the cap), queue position updates (batched: at most one batch per `queueUpdateIntervalMs`, or per
 * turn of the event loop), match-found, and what happens when a launch fails or a player leaves. Decisions:
 * - a player who leaves while queued is removed at once;
 * - a player who leaves between match and match-found cancels the match as a whole: the child is killed (its port
 *   returns on its exit), the others go back to the front of their queue in their old order and get fresh
 *   positions; nobody is sent a match-found for a game missing a player;
 * - a failed launch (bind failure, crash, no ready in time) puts its players back at the front of their queue.
 */
export class MatchFlow {
  readonly matchmaker: Matchmaker<Client>;
  readonly #options: ResolvedOptions;
  readonly #connections: ClientConnections;
  readonly #emit: Emit;
  #launcher: GameLauncher | undefined;
  #tickScheduled = false;
  #positionsDue = false;
  #positionTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ResolvedOptions, connections: ClientConnections, emit: Emit) {
    this.#options = options;
    this.#connections = connections;
    this.#emit = emit;
    const modes: Record<string, { playersPerGame: number }> = {};
    for (const [name, mode] of options.modes) modes[name] = { playersPerGame: mode.playersPerGame };
    this.matchmaker = new Matchmaker<Client>({ modes });
  }

  /** Connects the launcher (they need each other). */
  attach(launcher: GameLauncher): void {
    this.#launcher = launcher;
  }

  /** Queues a client that said hello for `mode` and tells it its position. */
  enqueue(client: Client, mode: string): void {
    const position = this.matchmaker.join(client, mode) + 1;
    client.mode = mode;
    this.#connections.table.setState(client, 'queued');
    this.#connections.armIdle(client);
    client.lastPosition = position;
    this.#connections.send(client, { type: 'queued', position, mode });
    this.#emit('playerQueued', { clientId: client.id, name: client.name, mode, position: position - 1 });
    this.schedule();
  }

  /** The connection layer's report that a client is gone, with the state it was in. */
  gone(client: Client, previous: Client['state'], reason: PlayerLeftReason): void {
    if (previous === 'queued') {
      this.matchmaker.leave(client);
      this.#emit('playerLeft', { clientId: client.id, name: client.name, mode: client.mode, reason });
      this.schedule();
    } else if (previous === 'matched') {
      this.#emit('playerLeft', { clientId: client.id, name: client.name, mode: client.mode, reason });
      const pending = client.pending;
      client.pending = undefined;
      // Cancels the whole match; the outcome handler requeues the others.
      if (pending?.game !== undefined) this.#launcher?.cancel(pending.game);
    }
  }

  /** Runs the matching loop and the position updates on the next turn of the event loop (once per turn). */
  schedule(): void {
    this.#positionsDue = true;
    if (this.#tickScheduled) return;
    this.#tickScheduled = true;
    setImmediate(() => this.#tick());
  }

  /** Shutdown: no more matching; queued and hello-less clients are told SHUTTING_DOWN; starting launches cancelled. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#positionTimer);
    for (const client of [...this.#connections.table.values()]) {
      if (client.state === 'awaitingHello' || client.state === 'queued') {
        this.#connections.closeWithError(client, WireErrorCode.SHUTTING_DOWN, 'shutdown');
      }
    }
    this.#launcher?.cancelStarting();
  }

  #tick(): void {
    this.#tickScheduled = false;
    const launcher = this.#launcher;
    if (!this.#stopped && launcher !== undefined) {
      while (this.matchmaker.hasReadyGroup() && launcher.canLaunch()) {
        const group = this.matchmaker.takeNextGroup();
        if (group === undefined) break;
        this.#launch(launcher, group);
      }
    }
    if (this.#positionsDue) this.#sendPositionsSoon();
  }

  #launch(launcher: GameLauncher, group: Group<Client, undefined>): void {
    const table = this.#connections.table;
    let lastHelloAt = 0;
    const players = group.members.map((member, slot) => {
      const client = member.id;
      table.setState(client, 'matched');
      // A matched client waits for the child, not for its own pings.
      clearTimeout(client.timer);
      client.timer = undefined;
      if (client.queuedAt > lastHelloAt) lastHelloAt = client.queuedAt;
      return { slot, name: client.name };
    });
    const pending: PendingMatch = { group, lastHelloAt, game: undefined, tokens: undefined };
    for (const member of group.members) member.id.pending = pending;
    const mode = this.#options.modes.get(group.mode);
    const game = launcher.launch(group.mode, players, mode?.gameOptions, (g, outcome) =>
      this.#onOutcome(pending, g, outcome),
    );
    pending.game = game;
    // Sign while the child starts: off the path from ready to match-found.
    if (game.child !== undefined) {
      pending.tokens = players.map(({ slot }) =>
        signConnectToken({ gameId: game.gameId, slot, expiresAt: game.tokenExpiresAt }, game.secret),
      );
    }
  }

  #onOutcome(pending: PendingMatch, game: LaunchedGame, outcome: LaunchOutcome): void {
    const members = pending.group.members;
    const stillHere = members.filter((member) => member.id.state === 'matched' && member.id.pending === pending);
    if (outcome.ok && stillHere.length === members.length && pending.tokens !== undefined) {
      const tokens = pending.tokens;
      for (let slot = 0; slot < members.length; slot++) {
        const client = members[slot]!.id;
        client.pending = undefined;
        const frame = encodeFrame({
          type: 'matchFound',
          gameId: game.gameId,
          host: this.#options.advertisedHost,
          port: game.port,
          slot,
          token: tokens[slot]!,
          tokenExpiresAt: game.tokenExpiresAt,
        });
        this.#connections.finish(client, frame);
      }
      const players = members.map((member) => member.id.name);
      this.#emit('gameStarted', {
        gameId: game.gameId,
        mode: game.mode,
        port: game.port,
        players,
        pid: game.child?.pid,
        warm: game.warm,
        spawnMs: outcome.readyMs,
        timeToMatchMs: performance.now() - pending.lastHelloAt,
      });
      return;
    }
    if (outcome.ok) {
      // Cannot happen (a departure cancels the launch first); never send a match-found for an incomplete game.
      game.child?.kill();
    }
    for (const member of stillHere) member.id.pending = undefined;
    if (this.#stopped) {
      for (const member of stillHere)
        this.#connections.closeWithError(member.id, WireErrorCode.SHUTTING_DOWN, 'shutdown');
    } else if (stillHere.length > 0) {
      this.matchmaker.requeueFront({ mode: pending.group.mode, members: stillHere });
      for (const member of stillHere) {
        const client = member.id;
        this.#connections.table.setState(client, 'queued');
        this.#connections.armIdle(client);
        // Fresh position: sent even when it did not change.
        client.lastPosition = 0;
      }
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
    for (const waiting of this.matchmaker.takePositionChanges()) {
      const client = waiting.id;
      const position = waiting.position + 1;
      if (client.state !== 'queued' || client.lastPosition === position) continue;
      client.lastPosition = position;
      this.#connections.send(client, { type: 'queued', position, mode: waiting.mode });
    }
  }
}
