import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARENA_MAX_NAME_BYTES,
  ARENA_MAX_ROSTER_ENTRIES,
  ARENA_MAX_SNAPSHOT_BYTES,
  ArenaDirection,
  ArenaEndReason,
  ArenaEventType,
  ArenaItemKind,
  ArenaPhase,
  ArenaSnapshotBuilder,
  arenaSnapshotSize,
  decodeArenaEvent,
  decodeArenaInput,
  decodeArenaSnapshot,
  encodeArenaEvent,
  encodeArenaInput,
  encodeArenaSnapshot,
  type ArenaEvent,
  type ArenaSnapshot,
} from './arena-codec.js';
import { ProtocolError } from './errors.js';

const direction = fc.constantFrom(...Object.values(ArenaDirection));
const slot = fc.integer({ min: 0, max: 254 });
const coord = fc.integer({ min: 0, max: 254 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const kind = fc.constantFrom(...Object.values(ArenaItemKind));

const player = fc.record({
  slot,
  x: coord,
  y: coord,
  direction,
  connected: fc.boolean(),
  stunned: fc.boolean(),
  dashReady: fc.boolean(),
  score: u16,
});
const item = fc.record({ x: coord, y: coord, kind });
const snapshot: fc.Arbitrary<ArenaSnapshot> = fc.record({
  phase: fc.constantFrom(...Object.values(ArenaPhase)),
  partial: fc.boolean(),
  tick: u32,
  remainingMs: u32,
  players: fc.array(player, { maxLength: 150 }),
  items: fc.array(item, { maxLength: 50 }),
});

const welcome = fc
  .record({ width: fc.integer({ min: 1, max: 100 }), height: fc.integer({ min: 1, max: 64 }) })
  .chain(({ width, height }) =>
    fc.record({
      type: fc.constant(ArenaEventType.WELCOME),
      yourSlot: slot,
      width: fc.constant(width),
      height: fc.constant(height),
      scoreToWin: u16,
      timeLimitMs: u32,
      moveIntervalMs: u16,
      walls: fc.array(fc.boolean(), { minLength: width * height, maxLength: width * height }),
    }),
  );
const event: fc.Arbitrary<ArenaEvent> = fc.oneof(
  welcome,
  fc.record({
    type: fc.constant(ArenaEventType.ROSTER),
    players: fc.array(fc.record({ slot, name: fc.string({ maxLength: 16 }) }), { maxLength: ARENA_MAX_ROSTER_ENTRIES }),
  }),
  fc.record({ type: fc.constant(ArenaEventType.PLAYER_STATUS), slot, connected: fc.boolean() }),
  fc.record({ type: fc.constant(ArenaEventType.ITEM_COLLECTED), slot, kind, x: coord, y: coord, score: u16 }),
  fc.record({
    type: fc.constant(ArenaEventType.BUMP),
    attacker: slot,
    victim: slot,
    attackerScore: u16,
    victimScore: u16,
  }),
  fc.record({
    type: fc.constant(ArenaEventType.GAME_OVER),
    reason: fc.constantFrom(...Object.values(ArenaEndReason)),
    standings: fc.array(fc.record({ slot, score: u16, connected: fc.boolean() }), { maxLength: 255 }),
  }),
);

function expectProtocolError(fn: () => unknown, code?: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    if (code !== undefined) expect((e as ProtocolError).code).toBe(code);
    return;
  }
  throw new Error('expected a ProtocolError');
}

describe('arena input', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(direction, fc.integer({ min: 0, max: 255 }), (d, c) => {
        const bytes = encodeArenaInput({ direction: d, dashCounter: c });
        expect(bytes.length).toBe(2);
        expect(decodeArenaInput(bytes)).toEqual({ direction: d, dashCounter: c });
      }),
    );
  });
  it('rejects bad input', () => {
    expectProtocolError(() => decodeArenaInput(Uint8Array.of(1)), 'E_TRUNCATED');
    expectProtocolError(() => decodeArenaInput(Uint8Array.of(1, 2, 3)), 'E_TRAILING_BYTES');
    expectProtocolError(() => decodeArenaInput(Uint8Array.of(9, 0)), 'E_INVALID_FIELD');
    expectProtocolError(() => encodeArenaInput({ direction: 7 as ArenaDirection, dashCounter: 0 }), 'E_INVALID_FIELD');
    expectProtocolError(() => encodeArenaInput({ direction: 0, dashCounter: 256 }), 'E_INVALID_FIELD');
  });
});

describe('arena snapshot', () => {
  it('round-trips and has the announced size', () => {
    fc.assert(
      fc.property(snapshot, (s) => {
        const bytes = encodeArenaSnapshot(s);
        expect(bytes.length).toBe(arenaSnapshotSize(s.players.length, s.items.length));
        expect(decodeArenaSnapshot(bytes)).toEqual(s);
      }),
      { numRuns: 200 },
    );
  });

  it('fits 128 players and 64 items in one datagram', () => {
    expect(arenaSnapshotSize(128, 64)).toBeLessThanOrEqual(ARENA_MAX_SNAPSHOT_BYTES);
    expect(ARENA_MAX_SNAPSHOT_BYTES).toBeLessThan(1200);
  });

  it('refuses to encode a snapshot over the limit or with bad fields', () => {
    const p = {
      slot: 0,
      x: 0,
      y: 0,
      direction: ArenaDirection.NONE,
      connected: true,
      stunned: false,
      dashReady: true,
      score: 0,
    };
    const base: ArenaSnapshot = {
      phase: ArenaPhase.PLAYING,
      partial: false,
      tick: 0,
      remainingMs: 0,
      players: [],
      items: [],
    };
    expectProtocolError(
      () => encodeArenaSnapshot({ ...base, players: Array.from({ length: 200 }, () => p) }),
      'E_INVALID_FIELD',
    );
    expectProtocolError(() => encodeArenaSnapshot({ ...base, players: [{ ...p, score: 70_000 }] }), 'E_INVALID_FIELD');
    expectProtocolError(() => encodeArenaSnapshot({ ...base, tick: -1 }), 'E_INVALID_FIELD');
  });

  it('never throws anything but a ProtocolError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1300 }), (bytes) => {
        try {
          decodeArenaSnapshot(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a mutated length, version or state', () => {
    const good = encodeArenaSnapshot({
      phase: ArenaPhase.PLAYING,
      partial: false,
      tick: 5,
      remainingMs: 100,
      players: [
        {
          slot: 1,
          x: 2,
          y: 3,
          direction: ArenaDirection.UP,
          connected: true,
          stunned: false,
          dashReady: false,
          score: 4,
        },
      ],
      items: [{ x: 1, y: 1, kind: ArenaItemKind.GEM }],
    });
    expectProtocolError(() => decodeArenaSnapshot(good.subarray(0, good.length - 1)), 'E_BAD_LENGTH');
    const badVersion = good.slice();
    badVersion[0] = 99;
    expectProtocolError(() => decodeArenaSnapshot(badVersion), 'E_UNSUPPORTED_VERSION');
    const badState = good.slice();
    badState[13 + 3] = 0xff;
    expectProtocolError(() => decodeArenaSnapshot(badState), 'E_INVALID_FIELD');
  });
});

describe('ArenaSnapshotBuilder', () => {
  it('cuts the same bytes as encodeArenaSnapshot, for the whole state and for subsets', () => {
    fc.assert(
      fc.property(snapshot, fc.array(fc.nat(), { maxLength: 40 }), (s, picks) => {
        const b = new ArenaSnapshotBuilder(s);
        const fits = arenaSnapshotSize(s.players.length, s.items.length) <= ARENA_MAX_SNAPSHOT_BYTES;
        if (fits) expect(b.full()).toEqual(encodeArenaSnapshot(s));
        else expectProtocolError(() => b.full(), 'E_INVALID_FIELD');
        if (s.players.length === 0) return;
        const indices = picks.map((p) => p % s.players.length).slice(0, b.capacity);
        const cut = b.subset(indices, indices.length);
        expect(decodeArenaSnapshot(cut)).toEqual({ ...s, partial: true, players: indices.map((i) => s.players[i]) });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses subsets that do not fit or bad indices', () => {
    const p = {
      slot: 0,
      x: 0,
      y: 0,
      direction: ArenaDirection.NONE,
      connected: true,
      stunned: false,
      dashReady: true,
      score: 0,
    };
    const b = new ArenaSnapshotBuilder({
      phase: 1,
      partial: false,
      tick: 1,
      remainingMs: 1,
      players: Array.from({ length: 200 }, () => p),
      items: [],
    });
    expect(b.capacity).toBe(181);
    expectProtocolError(() => b.subset(new Int32Array(200), 200), 'E_INVALID_FIELD');
    expectProtocolError(() => b.subset([500], 1), 'E_INVALID_FIELD');
    expect(decodeArenaSnapshot(b.subset(new Int32Array(181), 181)).players).toHaveLength(181);
  });
});

describe('arena events', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(event, (e) => {
        expect(decodeArenaEvent(encodeArenaEvent(e))).toEqual(e);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts long names at a character boundary', () => {
    const name = 'é'.repeat(50); // 100 bytes of UTF-8
    const decoded = decodeArenaEvent(encodeArenaEvent({ type: ArenaEventType.ROSTER, players: [{ slot: 3, name }] }));
    expect(decoded).toEqual({
      type: ArenaEventType.ROSTER,
      players: [{ slot: 3, name: 'é'.repeat(ARENA_MAX_NAME_BYTES / 2) }],
    });
  });

  it('keeps a full roster of the longest names within one datagram', () => {
    const players = Array.from({ length: ARENA_MAX_ROSTER_ENTRIES }, (_, slot) => ({ slot, name: '€'.repeat(40) }));
    expect(encodeArenaEvent({ type: ArenaEventType.ROSTER, players }).length).toBeLessThanOrEqual(
      ARENA_MAX_SNAPSHOT_BYTES,
    );
    expectProtocolError(
      () => encodeArenaEvent({ type: ArenaEventType.ROSTER, players: [...players, { slot: 99, name: 'x' }] }),
      'E_INVALID_FIELD',
    );
  });

  it('rejects bad welcome arguments', () => {
    const base = {
      type: ArenaEventType.WELCOME,
      yourSlot: 0,
      width: 2,
      height: 2,
      scoreToWin: 1,
      timeLimitMs: 1,
      moveIntervalMs: 1,
      walls: [true, false, false, true],
    } as const;
    expectProtocolError(() => encodeArenaEvent({ ...base, walls: [true] }), 'E_INVALID_FIELD');
    expectProtocolError(() => encodeArenaEvent({ ...base, width: 200, height: 200, walls: [] }), 'E_INVALID_FIELD');
  });

  it('never throws anything but a ProtocolError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.uint8Array({ maxLength: 900 }), (type, rest) => {
        const bytes = new Uint8Array(rest.length + 1);
        bytes[0] = type;
        bytes.set(rest, 1);
        try {
          decodeArenaEvent(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 500 },
    );
    expectProtocolError(() => decodeArenaEvent(new Uint8Array(0)), 'E_TRUNCATED');
    expectProtocolError(
      () => decodeArenaEvent(Uint8Array.of(ArenaEventType.ROSTER, 1, 0, 2, 0xff, 0xfe)),
      'E_INVALID_UTF8',
    );
    expectProtocolError(() => decodeArenaEvent(Uint8Array.of(ArenaEventType.ROSTER, 1, 0, 5, 0x41)), 'E_TRUNCATED');
    expectProtocolError(() => decodeArenaEvent(Uint8Array.of(ArenaEventType.ROSTER, 0, 0)), 'E_TRAILING_BYTES');
  });
});
