import {
  ARENA_MAX_CELLS,
  ARENA_MAX_NAME_BYTES,
  ARENA_MAX_ROSTER_ENTRIES,
  ARENA_MAX_SIDE,
  ArenaEndReason,
  ArenaEventType,
  type ArenaItemKind,
  type ArenaEvent,
  type ArenaRosterEntry,
  type ArenaStanding,
} from './arena-types.js';
import { ProtocolError } from './errors.js';
import { boolAt, checkInt, expectLength, invalid, kindMax, malformed, slotAt, view } from './arena-wire.js';

// Arena reliable events (ROSTER, WELCOME, GAME_OVER...): one per reliableEvent packet.

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
      if (event.reason < ArenaEndReason.SCORE_REACHED || event.reason > ArenaEndReason.STOPPED)
        invalid('unknown end reason');
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
      if (width === 0 || height === 0 || cells > ARENA_MAX_CELLS)
        malformed('E_INVALID_FIELD', 'grid size out of range');
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
      return {
        type,
        slot: slotAt(bytes, 1),
        kind: kind as ArenaItemKind,
        x: bytes[3]!,
        y: bytes[4]!,
        score: dv.getUint16(5),
      };
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
      if (reason < ArenaEndReason.SCORE_REACHED || reason > ArenaEndReason.STOPPED)
        malformed('E_INVALID_FIELD', `unknown end reason ${reason}`);
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
