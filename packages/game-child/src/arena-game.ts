import {
  ARENA_MAX_ROSTER_ENTRIES,
  ArenaDirection,
  ArenaEndReason,
  ArenaEventType,
  ArenaItemKind,
  ArenaPhase,
  decodeArenaInput,
  encodeArenaEvent,
  type ArenaEvent,
} from '@proj/protocol';
import { ArenaBoard } from './arena-board.js';
import { generateArenaMap } from './arena-map.js';
import { resolveArenaOptions, type ArenaOptions, type ResolvedArenaOptions } from './arena-options.js';
import { advancePlayer, type ArenaPlayer, type ArenaRules } from './arena-moves.js';
import { ArenaSnapshotEncoder } from './arena-snapshot.js';
import { GameChildError } from './errors.js';
import {
  GameStopCause,
  type Game,
  type GameContext,
  type GamePlayer,
  type GameResult,
  type GameStanding,
} from './game.js';
import { SeededRandom } from './random.js';

/** Sums of fractional steps (1000/30 ms) drift by ulps; compare times with this slack. */
const EPSILON_MS = 1e-6;

/**
 * The default game: a grid arena. Players walk in the direction they hold (one cell per `moveIntervalMs`),
 * are blocked by walls and other players, pick up gems (1 point) and stars (3 points) that respawn elsewhere,
 * and can dash (`dashLength` cells at once, every `dashCooldownMs`): dashing into a connected player steals one
 * of its points and stuns it for `stunMs`. The first to `scoreToWin` wins; at `timeLimitMs` the best score wins
 * (ties ranked by lower slot). Wire format: `@proj/protocol`'s arena codec; reliable events: WELCOME and
 * ROSTER to a (re)connecting player, PLAYER_STATUS, ITEM_COLLECTED and BUMP to all; the result's `data` is a
 * GAME_OVER event. Deterministic for a given seed and input sequence.
 */
export class ArenaGame implements Game {
  readonly #rawOptions: ArenaOptions | Readonly<Record<string, unknown>>;
  #options!: ResolvedArenaOptions;
  #context!: GameContext;
  #board!: ArenaBoard;
  #players: ArenaPlayer[] = [];
  #bySlot = new Map<number, ArenaPlayer>();
  #encoder!: ArenaSnapshotEncoder;
  #rules!: ArenaRules;
  #phase: ArenaPhase = ArenaPhase.WAITING;
  #tick = 0;
  #elapsedMs = 0;
  #result: GameResult | undefined;
  #welcome: Uint8Array | undefined;

  /**
   * Validates the options now (as for one player; the grid size is checked again against the real player
   * count in `setup`). Throws GameChildError 'E_INVALID_ARGUMENT' naming the bad option.
   */
  constructor(options: ArenaOptions | Readonly<Record<string, unknown>> = {}) {
    resolveArenaOptions(options, 1);
    this.#rawOptions = options;
  }

  /** The resolved rules (defaults filled in); throws GameChildError 'E_INVALID_ARGUMENT' before `setup`. */
  get options(): ResolvedArenaOptions {
    if (this.#options === undefined)
      throw new GameChildError('E_INVALID_ARGUMENT', 'arena options are resolved in setup()');
    return this.#options;
  }

  /** Current phase. */
  get phase(): ArenaPhase {
    return this.#phase;
  }

  /** Throws GameChildError 'E_INVALID_ARGUMENT' if the grid cannot hold the players, or on a second call. */
  setup(players: readonly GamePlayer[], context: GameContext): void {
    if (this.#options !== undefined) throw new GameChildError('E_INVALID_ARGUMENT', 'setup() called twice');
    const o = resolveArenaOptions(this.#rawOptions, players.length);
    this.#options = o;
    this.#context = context;
    const random = new SeededRandom(o.seed);
    const walls = o.map?.walls.slice() ?? generateArenaMap(o.width, o.height, o.wallDensity, random).walls;
    const board = new ArenaBoard(o.width, o.height, walls, random, o.starChance);
    this.#board = board;
    const sorted = [...players].sort((a, b) => a.slot - b.slot);
    const spawns = o.map?.spawns ?? [];
    sorted.forEach((gp, index) => {
      const spawn = spawns[index];
      const cell = spawn !== undefined && board.occupantOf(spawn) === -1 ? spawn : board.spawnCell(this.#players);
      const p: ArenaPlayer = {
        slot: gp.slot,
        name: gp.name,
        index,
        x: cell % o.width,
        y: Math.floor(cell / o.width),
        direction: ArenaDirection.NONE,
        facing: ArenaDirection.RIGHT,
        connected: false,
        stunned: false,
        dashReady: true,
        everConnected: false,
        score: 0,
        moveCooldownMs: 0,
        stunRemainingMs: 0,
        dashCooldownRemainingMs: 0,
        lastDashCounter: undefined,
        pendingDash: false,
      };
      board.place(index, cell);
      this.#players.push(p);
      this.#bySlot.set(p.slot, p);
    });
    for (const it of o.map?.items ?? []) {
      if (board.items.length < o.itemCount && board.isFree(it.cell))
        board.addItem(it.cell, it.star ? ArenaItemKind.STAR : ArenaItemKind.GEM);
    }
    while (board.items.length < o.itemCount) board.spawnItem();
    this.#encoder = new ArenaSnapshotEncoder(this.#players, o.width);
    this.#rules = { options: o, board, players: this.#players, emit: (event) => this.#emit(event) };
    this.#welcome = undefined;
  }

  /** Play begins: the game clock starts (a second call does nothing). */
  start(): void {
    if (this.#phase !== ArenaPhase.WAITING) return;
    this.#phase = ArenaPhase.PLAYING;
    for (const p of this.#players) p.pendingDash = false;
    this.#encoder.invalidate();
  }

  /** The seat went to another player before anyone joined it (a backfill): the roster shows the new name. */
  playerRenamed(slot: number, name: string): void {
    const p = this.#players.find((q) => q.slot === slot);
    if (p !== undefined && !p.everConnected) p.name = name;
  }

  /** A player joined or came back: sends it the welcome and the roster, and tells everyone. */
  playerConnected(slot: number, reconnect: boolean): void {
    const p = this.#player(slot);
    p.connected = true;
    p.everConnected = true;
    p.direction = ArenaDirection.NONE;
    p.lastDashCounter = undefined;
    p.pendingDash = false;
    const ctx = this.#context;
    ctx.sendReliable(this.#welcomeFor(slot), slot);
    for (let i = 0; i < this.#players.length; i += ARENA_MAX_ROSTER_ENTRIES) {
      const players = this.#players.slice(i, i + ARENA_MAX_ROSTER_ENTRIES).map((q) => ({ slot: q.slot, name: q.name }));
      ctx.sendReliable(encodeArenaEvent({ type: ArenaEventType.ROSTER, players }), slot);
    }
    this.#emit({ type: ArenaEventType.PLAYER_STATUS, slot, connected: true });
    this.#encoder.invalidate();
    void reconnect; // a reconnecting player needs the same as a new one: the welcome resends everything
  }

  /** A player left or timed out: it stops moving and everyone is told. */
  playerDisconnected(slot: number): void {
    const p = this.#player(slot);
    if (!p.connected) return;
    p.connected = false;
    p.direction = ArenaDirection.NONE;
    p.pendingDash = false;
    this.#emit({ type: ArenaEventType.PLAYER_STATUS, slot, connected: false });
    this.#encoder.invalidate();
  }

  /** Applies a player's input (direction, dash); false when it is malformed or the player is not connected. */
  input(slot: number, payload: Uint8Array): boolean {
    const p = this.#bySlot.get(slot);
    if (p === undefined || !p.connected) return false;
    let input;
    try {
      input = decodeArenaInput(payload);
    } catch {
      return false;
    }
    p.direction = input.direction;
    if (input.direction !== ArenaDirection.NONE) p.facing = input.direction;
    if (
      p.lastDashCounter !== undefined &&
      p.lastDashCounter !== input.dashCounter &&
      this.#phase === ArenaPhase.PLAYING
    ) {
      p.pendingDash = true;
    }
    p.lastDashCounter = input.dashCounter;
    return true;
  }

  /** One fixed step: moves every player, then ends the game when the score or the time limit is reached. */
  tick(dtMs: number): void {
    if (this.#phase !== ArenaPhase.PLAYING) return;
    this.#tick = (this.#tick + 1) >>> 0;
    this.#elapsedMs += dtMs;
    const n = this.#players.length;
    // Rotate who moves first so no slot always wins races for a cell.
    const first = n === 0 ? 0 : this.#tick % n;
    for (let k = 0; k < n; k++) advancePlayer(this.#rules, this.#players[(first + k) % n]!, dtMs);
    this.#encoder.invalidate();
    const best = this.#players.reduce((m, p) => Math.max(m, p.score), 0);
    if (best >= this.#options.scoreToWin) this.#end('scoreReached', ArenaEndReason.SCORE_REACHED);
    else if (this.#elapsedMs + EPSILON_MS >= this.#options.timeLimitMs) this.#end('timeUp', ArenaEndReason.TIME_UP);
  }

  /**
   * The snapshot `slot` is sent this tick: players and items (all of them, or with many players those nearest
   * its area), the phase and the time left.
   */
  snapshotFor(slot: number): Uint8Array {
    const remaining = Math.max(0, Math.ceil(this.#options.timeLimitMs - this.#elapsedMs - EPSILON_MS));
    return this.#encoder.snapshotFor(this.#bySlot.get(slot), this.#board.items, this.#phase, this.#tick, remaining);
  }

  /** The result once the game has ended, undefined before. */
  result(): GameResult | undefined {
    return this.#result;
  }

  /** Ends the game now for `cause` (all players left, or stopped from outside) and returns its result. */
  stop(cause: GameStopCause): GameResult {
    if (this.#result !== undefined) return this.#result;
    return this.#end(cause, cause === GameStopCause.ALL_LEFT ? ArenaEndReason.ALL_LEFT : ArenaEndReason.STOPPED);
  }

  /** Ranked standings now (best first, ties by lower slot). */
  standings(): GameStanding[] {
    return this.#ranked().map((p) => ({ slot: p.slot, score: p.score }));
  }

  #ranked(): ArenaPlayer[] {
    return [...this.#players].sort((a, b) => b.score - a.score || a.slot - b.slot);
  }

  /** Ends the game; the result's `data` is an arena GAME_OVER event (the server sends it in `gameOver`). */
  #end(reason: string, wire: ArenaEndReason): GameResult {
    this.#phase = ArenaPhase.OVER;
    const ranked = this.#ranked();
    const data = encodeArenaEvent({
      type: ArenaEventType.GAME_OVER,
      reason: wire,
      standings: ranked.map((p) => ({ slot: p.slot, score: p.score, connected: p.connected })),
    });
    this.#result = { reason, standings: ranked.map((p) => ({ slot: p.slot, score: p.score })), data };
    this.#encoder.invalidate();
    return this.#result;
  }

  #welcomeFor(slot: number): Uint8Array {
    if (this.#welcome === undefined) {
      const o = this.#options;
      this.#welcome = encodeArenaEvent({
        type: ArenaEventType.WELCOME,
        yourSlot: 0,
        width: o.width,
        height: o.height,
        scoreToWin: o.scoreToWin,
        timeLimitMs: o.timeLimitMs,
        moveIntervalMs: o.moveIntervalMs,
        walls: Array.from(this.#board.walls, (w) => w === 1),
      });
    }
    const out = this.#welcome.slice();
    out[1] = slot; // yourSlot
    return out;
  }

  #emit(event: ArenaEvent): void {
    this.#context.sendReliable(encodeArenaEvent(event));
  }

  #player(slot: number): ArenaPlayer {
    const p = this.#bySlot.get(slot);
    if (p === undefined) throw new GameChildError('E_INVALID_ARGUMENT', `slot ${slot} is not in this game`);
    return p;
  }
}

/**
 * Creates the default arena game with these rules (see {@link ArenaOptions}; unknown keys of an untyped
 * record, such as `GameAssignment.options`, are ignored). Throws GameChildError 'E_INVALID_ARGUMENT' on a bad
 * option.
 */
export function createArenaGame(options: ArenaOptions | Readonly<Record<string, unknown>> = {}): ArenaGame {
  return new ArenaGame(options);
}
