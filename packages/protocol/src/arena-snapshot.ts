import {
  ARENA_INPUT_BYTES,
  ARENA_ITEM_ENTRY_BYTES,
  ARENA_MAX_SIDE,
  ARENA_MAX_SNAPSHOT_BYTES,
  ARENA_PLAYER_ENTRY_BYTES,
  ARENA_SNAPSHOT_HEADER_BYTES,
  ARENA_SNAPSHOT_VERSION,
  type ArenaDirection,
  type ArenaItemKind,
  type ArenaPhase,
  type ArenaInput,
  type ArenaItem,
  type ArenaPlayerState,
  type ArenaSnapshot,
} from './arena-types.js';
import { checkInt, directionMax, invalid, kindMax, malformed, phaseMax, view } from './arena-wire.js';

// Arena inputs and snapshots: the unreliable halves of the arena conversation (layouts in arena-types.ts).

/** Encodes an input into 2 bytes. Throws ProtocolError 'E_INVALID_FIELD' on out-of-range fields. */
export function encodeArenaInput(input: ArenaInput): Uint8Array {
  checkInt('direction', input.direction, directionMax);
  checkInt('dashCounter', input.dashCounter, 255);
  return Uint8Array.of(input.direction, input.dashCounter);
}

/**
 * Decodes an input. Throws ProtocolError ('E_TRUNCATED', 'E_TRAILING_BYTES', 'E_INVALID_FIELD') unless it is exactly 2
 * valid bytes.
 */
export function decodeArenaInput(bytes: Uint8Array): ArenaInput {
  if (bytes.length !== ARENA_INPUT_BYTES)
    malformed(
      bytes.length < ARENA_INPUT_BYTES ? 'E_TRUNCATED' : 'E_TRAILING_BYTES',
      `input must be ${ARENA_INPUT_BYTES} bytes, got ${bytes.length}`,
    );
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
      p.direction |
      (p.connected ? STATE_CONNECTED : 0) |
      (p.stunned ? STATE_STUNNED : 0) |
      (p.dashReady ? STATE_DASH_READY : 0);
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

  /** Encodes `snapshot`'s players and items once; throws ProtocolError E_INVALID_FIELD on a bad field. */
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
        p.direction |
        (p.connected ? STATE_CONNECTED : 0) |
        (p.stunned ? STATE_STUNNED : 0) |
        (p.dashReady ? STATE_DASH_READY : 0);
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
    return Math.min(
      255,
      Math.floor(
        (ARENA_MAX_SNAPSHOT_BYTES - ARENA_SNAPSHOT_HEADER_BYTES - this.#items.length) / ARENA_PLAYER_ENTRY_BYTES,
      ),
    );
  }

  /**
   * Every player and item, as given. Throws ProtocolError 'E_INVALID_FIELD' if that exceeds
   * {@link ARENA_MAX_SNAPSHOT_BYTES}.
   */
  full(): Uint8Array {
    if (this.#playerCount > this.capacity)
      invalid(
        `snapshot of ${arenaSnapshotSize(this.#playerCount, this.#itemCount)} bytes exceeds ${ARENA_MAX_SNAPSHOT_BYTES}`,
      );
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
    if (!Number.isInteger(count) || count < 0 || count > this.capacity || count > indices.length)
      invalid(`subset of ${count} players does not fit`);
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
  if (bytes[0] !== ARENA_SNAPSHOT_VERSION)
    malformed('E_UNSUPPORTED_VERSION', `unsupported snapshot version ${bytes[0]}`);
  const dv = view(bytes);
  const phase = bytes[1]!;
  if (phase > phaseMax) malformed('E_INVALID_FIELD', `unknown phase ${phase}`);
  const flags = bytes[2]!;
  if ((flags & ~FLAG_PARTIAL) !== 0) malformed('E_INVALID_FIELD', 'unknown flags');
  const playerCount = bytes[11]!;
  const itemCount = bytes[12]!;
  if (bytes.length !== arenaSnapshotSize(playerCount, itemCount))
    malformed('E_BAD_LENGTH', 'length does not match player and item counts');
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
