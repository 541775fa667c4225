import type { Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { DisconnectReason } from '@proj/protocol';
import type { Clock } from './clock.js';
import { DurationWindow, type TickTimeStats } from './duration-window.js';
import { concludeGame, gameOverReasonFor, type GameEnd, type GameEndReason } from './game-end.js';
import type { Game, GameResult } from './game.js';
import { Inbound } from './inbound.js';
import type { Logger } from './logger.js';
import { Outbound } from './outbound.js';
import { PlayerSession } from './player-session.js';
import { anyJoined, countConnected, queueReliable, seatStatuses } from './seats.js';
import type { ResolvedServerOptions } from './server-options.js';
import { createStats, snapshotStats, type GameServerStats, type MutableStats } from './server-stats.js';
import type { GameServerEvents, GameServerState, PlayerStatus } from './game-server-types.js';
import { LatenessHistogram } from './tick-health.js';
import { TickLoop, type TickInfo } from './tick-loop.js';

/** @internal Starts a constructed server once its socket is bound (used by startGame only). */
export const kBegin = Symbol('begin');

/**
 * One running game on one UDP socket: admission by connect token, the fixed-rate authoritative loop,
 * snapshots, reliable events, timeouts and the end of the game. Create it with {@link startGame}; it then runs
 * by itself until the game ends, lingers up to `lingerMs` for acknowledgements and closes its socket
 * (`closed` resolves). Nothing it receives can make it throw: bad datagrams are counted and dropped, a
 * throwing Game ends the game as 'crashed'.
 */
export class GameServer extends EventEmitter<GameServerEvents> {
  /** The game's id, from its assignment. */
  readonly gameId: string;
  /** The rate the authoritative loop runs at. */
  readonly tickRateHz: number;
  /** Resolves when the game ends (before the linger). Never rejects. */
  readonly ended: Promise<GameEnd>;
  /** Resolves when the socket is closed. Never rejects. */
  readonly closed: Promise<GameEnd>;
  readonly #socket: Socket;
  readonly #options: ResolvedServerOptions;
  readonly #game: Game;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #loop: TickLoop;
  readonly #sessions = new Map<number, PlayerSession>();
  readonly #stats: MutableStats = createStats();
  readonly #outbound: Outbound;
  readonly #inbound: Inbound;
  readonly #tickDurations = new DurationWindow(2048);
  readonly #tickLateness = new LatenessHistogram();
  #startedAt = 0;
  #state: GameServerState = 'waiting';
  #end: GameEnd | undefined;
  #lingerUntil = 0;
  #resolveEnded!: (end: GameEnd) => void;
  #resolveClosed!: (end: GameEnd) => void;

  /** @internal Use {@link startGame}: it validates options, binds the socket and starts the server. */
  constructor(socket: Socket, options: ResolvedServerOptions, game: Game, clock: Clock, logger: Logger) {
    super();
    this.#socket = socket;
    this.#options = options;
    this.#game = game;
    this.#clock = clock;
    this.#logger = logger;
    this.gameId = options.assignment.gameId;
    this.tickRateHz = options.tickRateHz;
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    const limits = { maxQueued: 1024, maxInFlight: 64 };
    for (const p of options.assignment.players) this.#sessions.set(p.slot, new PlayerSession(p.slot, p.name, limits));
    this.#outbound = new Outbound(socket, this.#stats);
    this.#inbound = new Inbound({
      options,
      sessions: this.#sessions,
      stats: this.#stats,
      clock,
      logger,
      outbound: this.#outbound,
      running: () => this.#state === 'waiting' || this.#state === 'playing',
      admitted: (s, reconnect) => {
        this.#callGame(() => this.#game.playerConnected(s.slot, reconnect));
        this.#emitSafe('playerConnected', s.slot, reconnect);
      },
      left: (s) => this.#disconnect(s, 'left'),
    });
    // The server keeps its own window of tick durations (up to the end of the tick's sends, see #onTick), so
    // the loop's own, never read here, is kept to one entry instead of 2,048 (16 KB).
    this.#loop = new TickLoop({ tickRateHz: options.tickRateHz, clock, onTick: this.#onTick, statsWindow: 1 });
    game.setup(
      options.assignment.players.map((p) => ({ slot: p.slot, name: p.name })),
      { sendReliable: (payload, to) => queueReliable(this.#sessions, payload, to), logger },
    );
  }

  /** @internal */
  [kBegin](): void {
    this.#socket.on('message', this.#inbound.onMessage);
    this.#socket.on('error', (error) =>
      this.#logger.warn('game socket error', { gameId: this.gameId, error: String(error) }),
    );
    this.#startedAt = this.#clock.now();
    this.#loop.start();
  }

  /** The bound UDP port. */
  get port(): number {
    return this.#socket.address().port;
  }
  /** The bound address. */
  get host(): string {
    return this.#socket.address().address;
  }
  /** Where the game is in its lifecycle. */
  get state(): GameServerState {
    return this.#state;
  }

  /** A frozen copy of the counters. */
  stats(): GameServerStats {
    return snapshotStats(this.#stats, this.#loop.ticks, this.#loop.skippedTicks);
  }

  /**
   * Gives the seat `slot`, which nobody has joined yet, to another player named `name` (the orchestrator
   * backfilled a player who left before match-found; the seat's token is the same): the seat and the game
   * (`Game.playerRenamed`) take the new name. Returns false, changing nothing, for an unknown slot or a seat
   * that was already joined.
   */
  renameSeat(slot: number, name: string): boolean {
    const session = this.#sessions.get(slot);
    if (session === undefined || session.everConnected) return false;
    session.name = name;
    this.#callGame(() => this.#game.playerRenamed?.(slot, name));
    return true;
  }

  /** Every seat, in slot order. */
  players(): PlayerStatus[] {
    return seatStatuses(this.#sessions);
  }

  /**
   * Percentiles of the last 2,048 tick durations: inputs, game step, snapshot encoding and the socket sends
   * themselves (they reach the kernel within the tick).
   */
  tickTimes(): TickTimeStats {
    return this.#tickDurations.stats();
  }

  /**
   * Percentiles of how late the ticks started (after their due time) since the previous call, or since the game
   * started; then forgets them. Percentiles are rounded up to a histogram bucket's bound (never above `max`, which is
   * exact). The game child reports them to the orchestrator with its `stats`.
   */
  takeTickLateness(): TickTimeStats {
    return this.#tickLateness.take();
  }

  /** Forgets recorded tick durations (for example after a warm-up). */
  resetTickTimes(): void {
    this.#tickDurations.reset();
  }

  /**
   * Ends the game now for `reason` (players get a gameOver packet), lingers at most `graceMs` (default
   * `lingerMs`) for acknowledgements, closes. If the game already ended it only shortens the linger.
   * Resolves with how the game ended; never rejects.
   */
  stop(reason: 'shutdown' | 'parentGone' | 'maxDuration' = 'shutdown', graceMs?: number): Promise<GameEnd> {
    const grace = Math.max(0, Math.min(graceMs ?? this.#options.lingerMs, this.#options.lingerMs));
    if (this.#running()) this.#finish(reason, undefined, grace);
    else if (this.#state === 'ending') this.#lingerUntil = Math.min(this.#lingerUntil, this.#clock.now() + grace);
    if (this.#state === 'ending' && grace === 0) this.#close();
    return this.closed;
  }

  /** Closes at once, without telling players or lingering (the game ends as 'shutdown' if it was running). */
  close(): Promise<GameEnd> {
    if (this.#running()) this.#finish('shutdown', undefined, 0, false);
    this.#close();
    return this.closed;
  }

  #running(): boolean {
    return this.#state === 'waiting' || this.#state === 'playing';
  }

  // ---- ticking -------------------------------------------------------------------------------------

  readonly #onTick = (info: TickInfo): void => {
    this.#tickLateness.record(info.lateMs);
    // Sends reach the kernel before socket.send returns (see literalLookup): the tick's work ends with this call.
    const startedAt = info.startedAt;
    try {
      if (this.#state === 'ending') this.#tickEnding(startedAt);
      else if (this.#running()) this.#tick(info, startedAt);
    } catch (error) {
      this.#logger.error('game tick failed', { gameId: this.gameId, error: String(error) });
      if (this.#running()) this.#finish('crashed', error, this.#options.lingerMs);
      else this.#close();
    }
    this.#tickDurations.record(this.#clock.now() - startedAt);
  };

  #tick(info: TickInfo, now: number): void {
    const o = this.#options;
    for (const s of this.#sessions.values()) {
      if (s.connected && now - s.lastHeardAt > o.disconnectTimeoutMs) {
        this.#stats.timeouts++;
        this.#disconnect(s, 'timeout');
      } else if (s.connected && s.overflowed) {
        this.#disconnect(s, 'overflow');
      }
    }
    if (!this.#running()) return; // the game crashed in a callback above
    const maxDuration = o.assignment.maxDurationMs;
    if (maxDuration !== undefined && now - this.#startedAt >= maxDuration)
      return this.#finish('maxDuration', undefined, o.lingerMs);
    const connected = countConnected(this.#sessions);
    if (this.#state === 'waiting') {
      const waited = now - this.#startedAt;
      if (connected === this.#sessions.size) this.#beginPlay();
      else if (connected === 0 && waited >= o.emptyGameTimeoutMs && !anyJoined(this.#sessions)) {
        return this.#finish('noPlayers', undefined, o.lingerMs);
      } else if (waited >= o.joinTimeoutMs || this.#clock.epochNow() > o.assignment.tokenExpiresAt) {
        if (connected > 0) this.#beginPlay();
        else return this.#finish(anyJoined(this.#sessions) ? 'allLeft' : 'noPlayers', undefined, o.lingerMs);
      }
    }
    if (this.#state === 'playing') {
      if (connected === 0) return this.#finish('allLeft', undefined, o.lingerMs);
      this.#feedInputs();
      this.#game.tick(info.dtMs);
      const result = this.#game.result();
      if (result !== undefined) return this.#finish('gameOver', undefined, o.lingerMs, true, result);
    }
    const tick = info.tick >>> 0;
    for (const s of this.#sessions.values()) {
      if (!s.connected) continue;
      const data = this.#game.snapshotFor(s.slot);
      this.#outbound.sendSnapshot(s, now, tick, data);
      this.#stats.snapshotsSent++;
      this.#outbound.flushReliable(s, now);
    }
  }

  #tickEnding(now: number): void {
    const end = this.#end!;
    const data = end.result?.data ?? new Uint8Array(0);
    const reason = gameOverReasonFor(end.reason);
    let pending = 0;
    for (const s of this.#sessions.values()) {
      if (!s.connected || (s.gameOverAcked && s.outbox.size === 0)) continue;
      pending++;
      this.#outbound.sendGameOver(s, now, reason, data);
      this.#outbound.flushReliable(s, now);
    }
    if (pending === 0 || now >= this.#lingerUntil) this.#close();
  }

  #beginPlay(): void {
    this.#state = 'playing';
    this.#game.start();
    this.#emitSafe('started');
  }

  #feedInputs(): void {
    for (const s of this.#sessions.values()) {
      const input = s.pendingInput;
      if (input === undefined) continue;
      s.pendingInput = undefined;
      let ok: boolean;
      try {
        ok = this.#game.input(s.slot, input);
      } catch {
        ok = false;
      }
      if (!ok) this.#stats.dropped.badInput++;
    }
  }

  // ---- lifecycle helpers ---------------------------------------------------------------------------

  #disconnect(s: PlayerSession, why: 'left' | 'timeout' | 'overflow'): void {
    if (!s.connected) return;
    s.connected = false;
    s.pendingInput = undefined;
    s.overflowed = false;
    if (why !== 'left') {
      const reason = why === 'timeout' ? DisconnectReason.TIMEOUT : DisconnectReason.PROTOCOL_ERROR;
      this.#outbound.sendDisconnect(s, this.#clock.now(), reason);
    }
    this.#callGame(() => this.#game.playerDisconnected(s.slot));
    this.#emitSafe('playerDisconnected', s.slot, why);
  }

  #callGame(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#logger.error('game plug-in threw', { gameId: this.gameId, error: String(error) });
      if (this.#running()) this.#finish('crashed', error, this.#options.lingerMs);
    }
  }

  #finish(reason: GameEndReason, error: unknown, lingerMs: number, tellPlayers = true, gameResult?: GameResult): void {
    if (!this.#running()) return;
    this.#state = 'ending';
    const end = concludeGame(
      reason,
      this.#game,
      this.#sessions,
      { error, result: gameResult },
      this.#logger,
      this.gameId,
    );
    this.#end = end;
    this.#lingerUntil = this.#clock.now() + lingerMs;
    this.#logger.info('game over', { gameId: this.gameId, reason, exitCode: end.exitCode });
    this.#resolveEnded(end);
    this.#emitSafe('gameOver', end);
    if (tellPlayers && this.#state === 'ending') this.#tickEnding(this.#clock.now());
  }

  #close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#loop.stop();
    this.#inbound.close();
    const end = this.#end!;
    const done = (): void => {
      this.#outbound.stop();
      this.#emitSafe('closed', end);
      this.#resolveClosed(end);
    };
    // The sends' callbacks (which count failed sends) run in process.nextTick: close after them.
    setImmediate(() => {
      try {
        this.#socket.close(done);
      } catch {
        done(); // already closed
      }
    });
  }

  #emitSafe<K extends keyof GameServerEvents>(event: K, ...args: GameServerEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: GameServerEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.#stats.dropped.internalError++;
      this.#logger.error('a GameServer event listener threw', { gameId: this.gameId, event, error: String(error) });
    }
  }
}
