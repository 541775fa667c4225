import { ProtocolError, type ProtocolErrorCode } from './errors.js';

/**
 * Wire encoding of the default "arena" game of `@proj/game-child`: a grid where players move, dash, collect
 * items and score. The rules live in game-child; only the bytes live here, so that a client (which must not
 * import game-child) can decode them. All integers are big-endian and unsigned. Every decoder treats its
 * input as hostile: it throws a ProtocolError (never anything else): 'E_TRUNCATED', 'E_TRAILING_BYTES',
 * 'E_BAD_LENGTH', 'E_UNKNOWN_TYPE', 'E_UNSUPPORTED_VERSION', 'E_INVALID_UTF8', 'E_PACKET_TOO_LARGE' or
 * 'E_INVALID_FIELD', on a short, long or out-of-range buffer and never allocates more than its input's length.
 *
 * - Input (client -> child, unreliable, newest wins): 2 bytes, {@link ArenaInput}.
 * - Snapshot (child -> client, unreliable, every tick): {@link ArenaSnapshot}, one layout shared by every
 *   player so the child encodes it once per tick; at most {@link ARENA_MAX_SNAPSHOT_BYTES}.
 * - Events (child -> client, reliable): {@link ArenaEvent}, one per reliable message.
 */

/** Version byte at the start of every arena snapshot; a decoder refuses another one. */
export const ARENA_SNAPSHOT_VERSION = 1 as const;

/**
 * The largest snapshot an arena game may produce: 1,200-byte datagram minus room for the UDP packet header,
 * so a snapshot always fits one datagram. Encoders refuse to exceed it.
 */
export const ARENA_MAX_SNAPSHOT_BYTES = 1100;

/** Bytes of the snapshot header before the player entries. */
export const ARENA_SNAPSHOT_HEADER_BYTES = 13;
/** Bytes per player entry in a snapshot. */
export const ARENA_PLAYER_ENTRY_BYTES = 6;
/** Bytes per item entry in a snapshot. */
export const ARENA_ITEM_ENTRY_BYTES = 3;
/** Bytes of an encoded input. */
export const ARENA_INPUT_BYTES = 2;
/** Longest player name in a ROSTER event, in UTF-8 bytes; longer names are cut at a character boundary. */
export const ARENA_MAX_NAME_BYTES = 64;
/** Most players in one ROSTER event (so it always fits one datagram); send several for more. */
export const ARENA_MAX_ROSTER_ENTRIES = 15;
/** Largest grid side; coordinates are one byte. */
export const ARENA_MAX_SIDE = 255;
/** Largest grid (cells) a WELCOME event can describe; its wall bitmap then takes 800 bytes. */
export const ARENA_MAX_CELLS = 6400;

/** Where a player is heading. */
export const ArenaDirection = { NONE: 0, UP: 1, DOWN: 2, LEFT: 3, RIGHT: 4 } as const;
/** A value of {@link ArenaDirection}. */
export type ArenaDirection = (typeof ArenaDirection)[keyof typeof ArenaDirection];

/** Kinds of collectible items. */
export const ArenaItemKind = { GEM: 0, STAR: 1 } as const;
/** A value of {@link ArenaItemKind}. */
export type ArenaItemKind = (typeof ArenaItemKind)[keyof typeof ArenaItemKind];

/** Phases of an arena game. */
export const ArenaPhase = { WAITING: 0, PLAYING: 1, OVER: 2 } as const;
/** A value of {@link ArenaPhase}. */
export type ArenaPhase = (typeof ArenaPhase)[keyof typeof ArenaPhase];

/** Why an arena game ended. */
export const ArenaEndReason = {
  /** A player reached the score to win. */
  SCORE_REACHED: 1,
  /** The time limit ran out. */
  TIME_UP: 2,
  /** Every player left. */
  ALL_LEFT: 3,
  /** The server stopped the game (shutdown, maximum duration, orchestrator gone). */
  STOPPED: 4,
} as const;
/** A value of {@link ArenaEndReason}. */
export type ArenaEndReason = (typeof ArenaEndReason)[keyof typeof ArenaEndReason];

/** Reliable event types of the arena. */
export const ArenaEventType = {
  WELCOME: 1,
  ROSTER: 2,
  PLAYER_STATUS: 3,
  ITEM_COLLECTED: 4,
  BUMP: 5,
  GAME_OVER: 6,
} as const;
/** A value of {@link ArenaEventType}. */
export type ArenaEventType = (typeof ArenaEventType)[keyof typeof ArenaEventType];

/**
 * A player's input. `direction` is the heading the player wants (held until changed; NONE stops).
 * `dashCounter` is incremented (mod 256) by the client on every dash key press; the game dashes once per
 * change, so resending the same input is harmless and a lost input does not lose a dash.
 */
export interface ArenaInput {
  readonly direction: ArenaDirection;
  readonly dashCounter: number;
}

/** One player in a snapshot. */
export interface ArenaPlayerState {
  readonly slot: number;
  readonly x: number;
  readonly y: number;
  readonly direction: ArenaDirection;
  readonly connected: boolean;
  readonly stunned: boolean;
  readonly dashReady: boolean;
  /** 0..65535. */
  readonly score: number;
}

/** One item on the grid. */
export interface ArenaItem {
  readonly x: number;
  readonly y: number;
  readonly kind: ArenaItemKind;
}

/** The whole visible state of an arena at one tick. */
export interface ArenaSnapshot {
  readonly phase: ArenaPhase;
  /** True when interest management left players out (only those nearest to the receiver are listed). */
  readonly partial: boolean;
  /** Game tick number (mod 2^32). */
  readonly tick: number;
  /** Milliseconds until the time limit (0..2^32-1). */
  readonly remainingMs: number;
  readonly players: readonly ArenaPlayerState[];
  readonly items: readonly ArenaItem[];
}

/** A player's seat and name in a ROSTER event. */
export interface ArenaRosterEntry {
  readonly slot: number;
  readonly name: string;
}

/** One player's final standing in a GAME_OVER event. */
export interface ArenaStanding {
  readonly slot: number;
  readonly score: number;
  readonly connected: boolean;
}

/** A reliable arena event. */
export type ArenaEvent =
  /** Sent to a player when it connects (and reconnects): its slot, the grid and the rules. */
  | {
      readonly type: typeof ArenaEventType.WELCOME;
      readonly yourSlot: number;
      readonly width: number;
      readonly height: number;
      readonly scoreToWin: number;
      readonly timeLimitMs: number;
      readonly moveIntervalMs: number;
      /** Row-major, `walls[y * width + x]` is true for a wall. */
      readonly walls: readonly boolean[];
    }
  /** Names of up to {@link ARENA_MAX_ROSTER_ENTRIES} players (on connect a player gets rosters of everyone). */
  | { readonly type: typeof ArenaEventType.ROSTER; readonly players: readonly ArenaRosterEntry[] }
  /** A player connected or disconnected. */
  | { readonly type: typeof ArenaEventType.PLAYER_STATUS; readonly slot: number; readonly connected: boolean }
  /** A player picked up an item and now has `score`. */
  | {
      readonly type: typeof ArenaEventType.ITEM_COLLECTED;
      readonly slot: number;
      readonly kind: ArenaItemKind;
      readonly x: number;
      readonly y: number;
      readonly score: number;
    }
  /** `attacker` dashed into `victim`, stole a point and stunned it. */
  | {
      readonly type: typeof ArenaEventType.BUMP;
      readonly attacker: number;
      readonly victim: number;
      readonly attackerScore: number;
      readonly victimScore: number;
    }
  /** The game ended; `standings` is ranked, winner first. */
  | { readonly type: typeof ArenaEventType.GAME_OVER; readonly reason: ArenaEndReason; readonly standings: readonly ArenaStanding[] };

function malformed(code: ProtocolErrorCode, message: string): never {
  throw new ProtocolError(code, `malformed arena message: ${message}`);
}
function invalid(message: string): never {
  throw new ProtocolError('E_INVALID_FIELD', `invalid arena value: ${message}`);
}
function checkInt(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) invalid(`${name} must be an integer in [0, ${max}], got ${v}`);
}
function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const directionMax = ArenaDirection.RIGHT;
const kindMax = ArenaItemKind.STAR;
const phaseMax = ArenaPhase.OVER;

/** Encodes an input into 2 bytes. Throws ProtocolError 'E_INVALID_FIELD' on out-of-range fields. */
export function encodeArenaInput(input: ArenaInput): Uint8Array {
  checkInt('direction', input.direction, directionMax);
  checkInt('dashCounter', input.dashCounter, 255);
  return Uint8Array.of(input.direction, input.dashCounter);
}

/** Decodes an input. Throws ProtocolError ('E_TRUNCATED', 'E_TRAILING_BYTES', 'E_INVALID_FIELD') unless it is exactly 2 valid bytes. */
export function decodeArenaInput(bytes: Uint8Array): ArenaInput {
  if (bytes.length !== ARENA_INPUT_BYTES) malformed(bytes.length < ARENA_INPUT_BYTES ? 'E_TRUNCATED' : 'E_TRAILING_BYTES', `input must be ${ARENA_INPUT_BYTES} bytes, got ${bytes.length}`);
  const direction = bytes[0]!;
  if (direction > directionMax) malformed('E_INVALID_FIELD', `unknown direction ${direction}`);
  return { direction: direction as ArenaDirection, dashCounter: bytes[1]! };
}

/** Size in bytes of a snapshot with this many players and items. */
export function arenaSnapshotSize(players: number, items: number): number {
  return ARENA_SNAPSHOT_HEADER_BYTES + players * ARENA_PLAYER_ENTRY_BYTES + items * ARENA_ITEM_ENTRY_BYTES;
}

const FLAG_PARTIAL = 1;
const STATE_DIRECTION_MASK = 0b111;
const STATE_CONNECTED = 1 << 3;
const STATE_STUNNED = 1 << 4;
const STATE_DASH_READY = 1 << 5;
const STATE_KNOWN = STATE_DIRECTION_MASK | STATE_CONNECTED | STATE_STUNNED | STATE_DASH_READY;

/**
 * Encodes a snapshot into a fresh array of exactly {@link arenaSnapshotSize} bytes. Throws ProtocolError
 * 'E_INVALID_FIELD' when a field is out of range, there are more than 255 players or items, or the
 * result would exceed {@link ARENA_MAX_SNAPSHOT_BYTES}.
 */
export function encodeArenaSnapshot(snapshot: ArenaSnapshot): Uint8Array {
  const { players, items } = snapshot;
  if (players.length > 255 || items.length > 255) invalid('at most 255 players and 255 items');
  const size = arenaSnapshotSize(players.length, items.length);
  if (size > ARENA_MAX_SNAPSHOT_BYTES) invalid(`snapshot of ${size} bytes exceeds ${ARENA_MAX_SNAPSHOT_BYTES}`);
  checkInt('phase', snapshot.phase, phaseMax);
  checkInt('tick', snapshot.tick, 0xffff_ffff);
  checkInt('remainingMs', snapshot.remainingMs, 0xffff_ffff);
  const out = new Uint8Array(size);
  const dv = view(out);
  out[0] = ARENA_SNAPSHOT_VERSION;
  out[1] = snapshot.phase;
  out[2] = snapshot.partial ? FLAG_PARTIAL : 0;
  dv.setUint32(3, snapshot.tick);
  dv.setUint32(7, snapshot.remainingMs);
  out[11] = players.length;
  out[12] = items.length;
  let o = ARENA_SNAPSHOT_HEADER_BYTES;
  for (const p of players) {
    checkInt('slot', p.slot, 254);
    checkInt('x', p.x, ARENA_MAX_SIDE - 1);
    checkInt('y', p.y, ARENA_MAX_SIDE - 1);
    checkInt('direction', p.direction, directionMax);
    checkInt('score', p.score, 0xffff);
    out[o] = p.slot;
    out[o + 1] = p.x;
    out[o + 2] = p.y;
    out[o + 3] =
      p.direction | (p.connected ? STATE_CONNECTED : 0) | (p.stunned ? STATE_STUNNED : 0) | (p.dashReady ? STATE_DASH_READY : 0);
    dv.setUint16(o + 4, p.score);
    o += ARENA_PLAYER_ENTRY_BYTES;
  }
  for (const it of items) {
    checkInt('x', it.x, ARENA_MAX_SIDE - 1);
    checkInt('y', it.y, ARENA_MAX_SIDE - 1);
    checkInt('kind', it.kind, kindMax);
    out[o] = it.x;
    out[o + 1] = it.y;
    out[o + 2] = it.kind;
    o += ARENA_ITEM_ENTRY_BYTES;
  }
  return out;
}

/**
 * Encodes one tick's players and items once, then cuts snapshots from them without re-encoding: the whole
 * state (`full()`), or a receiver's subset of players (`subset()`, for interest management when everyone does
 * not fit one datagram). Each call returns a fresh array (safe to hand to an asynchronous send).
 * The constructor throws ProtocolError 'E_INVALID_FIELD' like {@link encodeArenaSnapshot} on a bad field or
 * more than 255 players or items (but not for the size limit, which only applies to what is cut).
 */
export class ArenaSnapshotBuilder {
  readonly #header: Uint8Array;
  readonly #players: Uint8Array;
  readonly #items: Uint8Array;
  readonly #playerCount: number;
  readonly #itemCount: number;

  constructor(snapshot: ArenaSnapshot) {
    const { players, items } = snapshot;
    if (players.length > 255 || items.length > 255) invalid('at most 255 players and 255 items');
    checkInt('phase', snapshot.phase, phaseMax);
    checkInt('tick', snapshot.tick, 0xffff_ffff);
    checkInt('remainingMs', snapshot.remainingMs, 0xffff_ffff);
    const header = new Uint8Array(ARENA_SNAPSHOT_HEADER_BYTES);
    const hv = view(header);
    header[0] = ARENA_SNAPSHOT_VERSION;
    header[1] = snapshot.phase;
    header[2] = snapshot.partial ? FLAG_PARTIAL : 0;
    hv.setUint32(3, snapshot.tick);
    hv.setUint32(7, snapshot.remainingMs);
    header[12] = items.length;
    this.#header = header;
    const out = new Uint8Array(players.length * ARENA_PLAYER_ENTRY_BYTES);
    const dv = view(out);
    let o = 0;
    for (const p of players) {
      checkInt('slot', p.slot, 254);
      checkInt('x', p.x, ARENA_MAX_SIDE - 1);
      checkInt('y', p.y, ARENA_MAX_SIDE - 1);
      checkInt('direction', p.direction, directionMax);
      checkInt('score', p.score, 0xffff);
      out[o] = p.slot;
      out[o + 1] = p.x;
      out[o + 2] = p.y;
      out[o + 3] =
        p.direction | (p.connected ? STATE_CONNECTED : 0) | (p.stunned ? STATE_STUNNED : 0) | (p.dashReady ? STATE_DASH_READY : 0);
      dv.setUint16(o + 4, p.score);
      o += ARENA_PLAYER_ENTRY_BYTES;
    }
    this.#players = out;
    const itemBytes = new Uint8Array(items.length * ARENA_ITEM_ENTRY_BYTES);
    o = 0;
    for (const it of items) {
      checkInt('x', it.x, ARENA_MAX_SIDE - 1);
      checkInt('y', it.y, ARENA_MAX_SIDE - 1);
      checkInt('kind', it.kind, kindMax);
      itemBytes[o] = it.x;
      itemBytes[o + 1] = it.y;
      itemBytes[o + 2] = it.kind;
      o += ARENA_ITEM_ENTRY_BYTES;
    }
    this.#items = itemBytes;
    this.#playerCount = players.length;
    this.#itemCount = items.length;
  }

  /** How many players fit one snapshot next to this tick's items. */
  get capacity(): number {
    return Math.min(255, Math.floor((ARENA_MAX_SNAPSHOT_BYTES - ARENA_SNAPSHOT_HEADER_BYTES - this.#items.length) / ARENA_PLAYER_ENTRY_BYTES));
  }

  /** Every player and item, as given. Throws ProtocolError 'E_INVALID_FIELD' if that exceeds {@link ARENA_MAX_SNAPSHOT_BYTES}. */
  full(): Uint8Array {
    if (this.#playerCount > this.capacity) invalid(`snapshot of ${arenaSnapshotSize(this.#playerCount, this.#itemCount)} bytes exceeds ${ARENA_MAX_SNAPSHOT_BYTES}`);
    const out = new Uint8Array(arenaSnapshotSize(this.#playerCount, this.#itemCount));
    out.set(this.#header);
    out[11] = this.#playerCount;
    out.set(this.#players, ARENA_SNAPSHOT_HEADER_BYTES);
    out.set(this.#items, ARENA_SNAPSHOT_HEADER_BYTES + this.#players.length);
    return out;
  }

  /**
   * The players at `indices[0..count)` (indices into the constructor's `players`), every item, and the
   * `partial` flag set. Throws ProtocolError 'E_INVALID_FIELD' if `count` exceeds `capacity` or an index is
   * out of range.
   */
  subset(indices: ArrayLike<number>, count: number): Uint8Array {
    if (!Number.isInteger(count) || count < 0 || count > this.capacity || count > indices.length) invalid(`subset of ${count} players does not fit`);
    const out = new Uint8Array(arenaSnapshotSize(count, this.#itemCount));
    out.set(this.#header);
    out[2] = FLAG_PARTIAL;
    out[11] = count;
    const src = this.#players;
    const n = this.#playerCount;
    let o = ARENA_SNAPSHOT_HEADER_BYTES;
    for (let k = 0; k < count; k++) {
      const i = indices[k]!;
      if (!(i >= 0 && i < n)) invalid(`player index ${i} out of range`);
      const from = i * ARENA_PLAYER_ENTRY_BYTES;
      out[o] = src[from]!;
      out[o + 1] = src[from + 1]!;
      out[o + 2] = src[from + 2]!;
      out[o + 3] = src[from + 3]!;
      out[o + 4] = src[from + 4]!;
      out[o + 5] = src[from + 5]!;
      o += ARENA_PLAYER_ENTRY_BYTES;
    }
    out.set(this.#items, o);
    return out;
  }
}

/** Decodes a snapshot. Throws a ProtocolError (see the module comment for codes) on any inconsistency. */
export function decodeArenaSnapshot(bytes: Uint8Array): ArenaSnapshot {
  if (bytes.length < ARENA_SNAPSHOT_HEADER_BYTES) malformed('E_TRUNCATED', 'snapshot shorter than its header');
  if (bytes.length > ARENA_MAX_SNAPSHOT_BYTES) malformed('E_PACKET_TOO_LARGE', 'snapshot too long');
  if (bytes[0] !== ARENA_SNAPSHOT_VERSION) malformed('E_UNSUPPORTED_VERSION', `unsupported snapshot version ${bytes[0]}`);
  const dv = view(bytes);
  const phase = bytes[1]!;
  if (phase > phaseMax) malformed('E_INVALID_FIELD', `unknown phase ${phase}`);
  const flags = bytes[2]!;
  if ((flags & ~FLAG_PARTIAL) !== 0) malformed('E_INVALID_FIELD', 'unknown flags');
  const playerCount = bytes[11]!;
  const itemCount = bytes[12]!;
  if (bytes.length !== arenaSnapshotSize(playerCount, itemCount)) malformed('E_BAD_LENGTH', 'length does not match player and item counts');
  const players: ArenaPlayerState[] = [];
  let o = ARENA_SNAPSHOT_HEADER_BYTES;
  for (let i = 0; i < playerCount; i++) {
    const slot = bytes[o]!;
    const state = bytes[o + 3]!;
    const direction = state & STATE_DIRECTION_MASK;
    if (slot > 254) malformed('E_INVALID_FIELD', 'slot out of range');
    if ((state & ~STATE_KNOWN) !== 0 || direction > directionMax) malformed('E_INVALID_FIELD', 'bad player state');
    players.push({
      slot,
      x: bytes[o + 1]!,
      y: bytes[o + 2]!,
      direction: direction as ArenaDirection,
      connected: (state & STATE_CONNECTED) !== 0,
      stunned: (state & STATE_STUNNED) !== 0,
      dashReady: (state & STATE_DASH_READY) !== 0,
      score: dv.getUint16(o + 4),
    });
    o += ARENA_PLAYER_ENTRY_BYTES;
  }
  const items: ArenaItem[] = [];
  for (let i = 0; i < itemCount; i++) {
    const kind = bytes[o + 2]!;
    if (kind > kindMax) malformed('E_INVALID_FIELD', `unknown item kind ${kind}`);
    items.push({ x: bytes[o]!, y: bytes[o + 1]!, kind: kind as ArenaItemKind });
    o += ARENA_ITEM_ENTRY_BYTES;
  }
  return {
    phase: phase as ArenaPhase,
    partial: (flags & FLAG_PARTIAL) !== 0,
    tick: dv.getUint32(3),
    remainingMs: dv.getUint32(7),
    players,
    items,
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** `name` as UTF-8, cut to at most {@link ARENA_MAX_NAME_BYTES} bytes without splitting a character. */
function nameBytes(name: string): Uint8Array {
  const bytes = encoder.encode(name);
  if (bytes.length <= ARENA_MAX_NAME_BYTES) return bytes;
  let end = ARENA_MAX_NAME_BYTES;
  // Back up over continuation bytes (10xxxxxx) so the cut lands on a character start.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/**
 * Encodes a reliable event. Throws ProtocolError 'E_INVALID_FIELD' on out-of-range fields (a WELCOME
 * grid larger than {@link ARENA_MAX_CELLS} or whose `walls` length is not width*height, more than 255
 * standings...). Names longer than {@link ARENA_MAX_NAME_BYTES} UTF-8 bytes are cut.
 */
export function encodeArenaEvent(event: ArenaEvent): Uint8Array {
  switch (event.type) {
    case ArenaEventType.WELCOME: {
      const { width, height, walls } = event;
      checkInt('yourSlot', event.yourSlot, 254);
      checkInt('width', width, ARENA_MAX_SIDE);
      checkInt('height', height, ARENA_MAX_SIDE);
      if (width === 0 || height === 0 || width * height > ARENA_MAX_CELLS) invalid('grid size out of range');
      if (walls.length !== width * height) invalid('walls must have width*height entries');
      checkInt('scoreToWin', event.scoreToWin, 0xffff);
      checkInt('timeLimitMs', event.timeLimitMs, 0xffff_ffff);
      checkInt('moveIntervalMs', event.moveIntervalMs, 0xffff);
      const out = new Uint8Array(13 + Math.ceil((width * height) / 8));
      const dv = view(out);
      out[0] = event.type;
      out[1] = event.yourSlot;
      out[2] = width;
      out[3] = height;
      dv.setUint16(4, event.scoreToWin);
      dv.setUint32(6, event.timeLimitMs);
      dv.setUint16(10, event.moveIntervalMs);
      out[12] = 0; // reserved
      for (let i = 0; i < walls.length; i++) if (walls[i]) out[13 + (i >> 3)]! |= 1 << (i & 7);
      return out;
    }
    case ArenaEventType.ROSTER: {
      const { players } = event;
      if (players.length > ARENA_MAX_ROSTER_ENTRIES) invalid(`at most ${ARENA_MAX_ROSTER_ENTRIES} players per roster`);
      const names = players.map((p) => {
        checkInt('slot', p.slot, 254);
        return nameBytes(p.name);
      });
      const out = new Uint8Array(2 + names.reduce((n, b) => n + 2 + b.length, 0));
      out[0] = event.type;
      out[1] = players.length;
      let o = 2;
      players.forEach((p, i) => {
        const name = names[i]!;
        out[o] = p.slot;
        out[o + 1] = name.length;
        out.set(name, o + 2);
        o += 2 + name.length;
      });
      return out;
    }
    case ArenaEventType.PLAYER_STATUS:
      checkInt('slot', event.slot, 254);
      return Uint8Array.of(event.type, event.slot, event.connected ? 1 : 0);
    case ArenaEventType.ITEM_COLLECTED: {
      checkInt('slot', event.slot, 254);
      checkInt('kind', event.kind, kindMax);
      checkInt('x', event.x, ARENA_MAX_SIDE - 1);
      checkInt('y', event.y, ARENA_MAX_SIDE - 1);
      checkInt('score', event.score, 0xffff);
      const out = Uint8Array.of(event.type, event.slot, event.kind, event.x, event.y, 0, 0);
      view(out).setUint16(5, event.score);
      return out;
    }
    case ArenaEventType.BUMP: {
      checkInt('attacker', event.attacker, 254);
      checkInt('victim', event.victim, 254);
      checkInt('attackerScore', event.attackerScore, 0xffff);
      checkInt('victimScore', event.victimScore, 0xffff);
      const out = Uint8Array.of(event.type, event.attacker, event.victim, 0, 0, 0, 0);
      view(out).setUint16(3, event.attackerScore);
      view(out).setUint16(5, event.victimScore);
      return out;
    }
    case ArenaEventType.GAME_OVER: {
      const { standings } = event;
      if (event.reason < ArenaEndReason.SCORE_REACHED || event.reason > ArenaEndReason.STOPPED) invalid('unknown end reason');
      if (standings.length > 255) invalid('at most 255 standings');
      const out = new Uint8Array(3 + standings.length * 4);
      const dv = view(out);
      out[0] = event.type;
      out[1] = event.reason;
      out[2] = standings.length;
      let o = 3;
      for (const s of standings) {
        checkInt('slot', s.slot, 254);
        checkInt('score', s.score, 0xffff);
        out[o] = s.slot;
        dv.setUint16(o + 1, s.score);
        out[o + 3] = s.connected ? 1 : 0;
        o += 4;
      }
      return out;
    }
    default:
      return invalid(`unknown event type ${String((event as { type: unknown }).type)}`);
  }
}

function expectLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) malformed(bytes.length < length ? 'E_TRUNCATED' : 'E_TRAILING_BYTES', `${what} must be ${length} bytes, got ${bytes.length}`);
}
function slotAt(bytes: Uint8Array, o: number): number {
  const slot = bytes[o]!;
  if (slot > 254) malformed('E_INVALID_FIELD', 'slot out of range');
  return slot;
}
function boolAt(bytes: Uint8Array, o: number): boolean {
  const b = bytes[o]!;
  if (b > 1) malformed('E_INVALID_FIELD', 'boolean out of range');
  return b === 1;
}

/** Decodes a reliable event. Throws a ProtocolError ('E_UNKNOWN_TYPE', a length or field code) on a bad event. */
export function decodeArenaEvent(bytes: Uint8Array): ArenaEvent {
  if (bytes.length === 0) malformed('E_TRUNCATED', 'empty event');
  const dv = view(bytes);
  const type = bytes[0]!;
  switch (type) {
    case ArenaEventType.WELCOME: {
      if (bytes.length < 13) malformed('E_TRUNCATED', 'welcome too short');
      const width = bytes[2]!;
      const height = bytes[3]!;
      const cells = width * height;
      if (width === 0 || height === 0 || cells > ARENA_MAX_CELLS) malformed('E_INVALID_FIELD', 'grid size out of range');
      expectLength(bytes, 13 + Math.ceil(cells / 8), 'welcome');
      const walls: boolean[] = [];
      for (let i = 0; i < cells; i++) walls.push((bytes[13 + (i >> 3)]! & (1 << (i & 7))) !== 0);
      return {
        type,
        yourSlot: slotAt(bytes, 1),
        width,
        height,
        scoreToWin: dv.getUint16(4),
        timeLimitMs: dv.getUint32(6),
        moveIntervalMs: dv.getUint16(10),
        walls,
      };
    }
    case ArenaEventType.ROSTER: {
      if (bytes.length < 2) malformed('E_TRUNCATED', 'roster too short');
      const count = bytes[1]!;
      if (count > ARENA_MAX_ROSTER_ENTRIES) malformed('E_BAD_LENGTH', 'too many roster entries');
      const players: ArenaRosterEntry[] = [];
      let o = 2;
      for (let i = 0; i < count; i++) {
        if (o + 2 > bytes.length) malformed('E_TRUNCATED', 'roster entry truncated');
        const slot = slotAt(bytes, o);
        const len = bytes[o + 1]!;
        if (len > ARENA_MAX_NAME_BYTES) malformed('E_BAD_LENGTH', 'name too long');
        if (o + 2 + len > bytes.length) malformed('E_TRUNCATED', 'roster name truncated');
        let name: string;
        try {
          name = decoder.decode(bytes.subarray(o + 2, o + 2 + len));
        } catch (cause) {
          throw new ProtocolError('E_INVALID_UTF8', 'malformed arena message: name is not UTF-8', { cause });
        }
        players.push({ slot, name });
        o += 2 + len;
      }
      if (o !== bytes.length) malformed('E_TRAILING_BYTES', 'bytes after the roster');
      return { type, players };
    }
    case ArenaEventType.PLAYER_STATUS:
      expectLength(bytes, 3, 'player status');
      return { type, slot: slotAt(bytes, 1), connected: boolAt(bytes, 2) };
    case ArenaEventType.ITEM_COLLECTED: {
      expectLength(bytes, 7, 'item collected');
      const kind = bytes[2]!;
      if (kind > kindMax) malformed('E_INVALID_FIELD', `unknown item kind ${kind}`);
      return { type, slot: slotAt(bytes, 1), kind: kind as ArenaItemKind, x: bytes[3]!, y: bytes[4]!, score: dv.getUint16(5) };
    }
    case ArenaEventType.BUMP:
      expectLength(bytes, 7, 'bump');
      return {
        type,
        attacker: slotAt(bytes, 1),
        victim: slotAt(bytes, 2),
        attackerScore: dv.getUint16(3),
        victimScore: dv.getUint16(5),
      };
    case ArenaEventType.GAME_OVER: {
      if (bytes.length < 3) malformed('E_TRUNCATED', 'game over too short');
      const reason = bytes[1]!;
      if (reason < ArenaEndReason.SCORE_REACHED || reason > ArenaEndReason.STOPPED) malformed('E_INVALID_FIELD', `unknown end reason ${reason}`);
      const count = bytes[2]!;
      expectLength(bytes, 3 + count * 4, 'game over');
      const standings: ArenaStanding[] = [];
      for (let i = 0, o = 3; i < count; i++, o += 4) {
        standings.push({ slot: slotAt(bytes, o), score: dv.getUint16(o + 1), connected: boolAt(bytes, o + 3) });
      }
      return { type, reason: reason as ArenaEndReason, standings };
    }
    default:
      return malformed('E_UNKNOWN_TYPE', `unknown event type ${type}`);
  }
}
