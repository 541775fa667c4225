import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARENA_MAX_SNAPSHOT_BYTES,
  ArenaDirection,
  ArenaEndReason,
  ArenaEventType,
  ArenaItemKind,
  ArenaPhase,
  decodeArenaEvent,
  decodeArenaSnapshot,
  encodeArenaInput,
  type ArenaEvent,
  type ArenaSnapshot,
} from '@proj/protocol';
import { ManualClock } from '@proj/test-utils';
import { type ArenaGame, createArenaGame } from './arena-game.js';
import { TickLoop } from './tick-loop.js';
import { GameChildError } from './errors.js';
import type { GameContext, GamePlayer } from './game.js';
import { silentLogger } from './logger.js';

interface Sent {
  readonly to: number | undefined;
  readonly event: ArenaEvent;
}

function setupGame(options: Record<string, unknown>, players: readonly GamePlayer[]) {
  const sent: Sent[] = [];
  const context: GameContext = {
    sendReliable: (payload, to) => sent.push({ to, event: decodeArenaEvent(payload) }),
    logger: silentLogger,
  };
  const game = createArenaGame(options);
  game.setup(players, context);
  return { game, sent };
}

function seats(n: number): GamePlayer[] {
  return Array.from({ length: n }, (_, slot) => ({ slot, name: `p${slot}` }));
}

function snap(game: ArenaGame, slot = 0): ArenaSnapshot {
  return decodeArenaSnapshot(game.snapshotFor(slot));
}

function playerOf(game: ArenaGame, slot: number) {
  const p = snap(game, slot).players.find((q) => q.slot === slot);
  if (p === undefined) throw new Error(`slot ${slot} not in snapshot`);
  return p;
}

const input = (direction: ArenaDirection, dashCounter = 0): Uint8Array => encodeArenaInput({ direction, dashCounter });

/** A corridor: P at (1,1), gem at (3,1), second spawn at (6,1). */
const corridor = ['########', '#P.g..P#', '#......#', '########'];

describe('ArenaGame setup and connection', () => {
  it('places players on spawn points and items on the map; sends welcome, names and status on connect', () => {
    const { game, sent } = setupGame({ map: corridor, seed: 1 }, [
      { slot: 3, name: 'ann' },
      { slot: 7, name: 'bob' },
    ]);
    const s = snap(game);
    expect(s.phase).toBe(ArenaPhase.WAITING);
    expect(s.players.map((p) => [p.slot, p.x, p.y, p.connected])).toEqual([
      [3, 1, 1, false],
      [7, 6, 1, false],
    ]);
    expect(s.items).toEqual([{ x: 3, y: 1, kind: ArenaItemKind.GEM }]);
    game.playerConnected(7, false);
    const welcome = sent.find((e) => e.event.type === ArenaEventType.WELCOME);
    expect(welcome?.to).toBe(7);
    expect(welcome?.event).toMatchObject({ yourSlot: 7, width: 8, height: 4 });
    if (welcome?.event.type === ArenaEventType.WELCOME)
      expect(welcome.event.walls.filter(Boolean)).toHaveLength(8 * 4 - 12);
    expect(sent.filter((e) => e.event.type === ArenaEventType.ROSTER).map((e) => [e.to, e.event])).toEqual([
      [
        7,
        {
          type: ArenaEventType.ROSTER,
          players: [
            { slot: 3, name: 'ann' },
            { slot: 7, name: 'bob' },
          ],
        },
      ],
    ]);
    expect(sent.at(-1)).toEqual({
      to: undefined,
      event: { type: ArenaEventType.PLAYER_STATUS, slot: 7, connected: true },
    });
    expect(playerOf(game, 7).connected).toBe(true);
    game.playerDisconnected(7);
    expect(sent.at(-1)?.event).toEqual({ type: ArenaEventType.PLAYER_STATUS, slot: 7, connected: false });
    expect(playerOf(game, 7).connected).toBe(false);
  });

  it('rejects bad options early and a grid too small for the players at setup', () => {
    expect(() => createArenaGame({ scoreToWin: 0 })).toThrow(GameChildError);
    expect(() => createArenaGame({ map: ['##', '##'] })).toThrow(GameChildError);
    expect(() => createArenaGame({ map: ['###', '#x#', '###'] })).toThrow(GameChildError);
    expect(() => setupGame({ map: ['#####', '#P.P#', '#####'] }, seats(3))).toThrow(GameChildError);
    const game = createArenaGame();
    expect(() => game.options).toThrow(GameChildError);
  });

  it('ignores unknown option keys (assignment options are passed through)', () => {
    const { game } = setupGame({ tickRateHz: 60, somethingElse: 'x', scoreToWin: 5 }, seats(2));
    expect(game.options.scoreToWin).toBe(5);
  });
});

describe('ArenaGame rules', () => {
  it('walks one cell per moveIntervalMs, collects a gem, and a new one appears elsewhere', () => {
    const { game, sent } = setupGame({ map: corridor, moveIntervalMs: 100, seed: 2, itemCount: 1 }, seats(2));
    game.playerConnected(0, false);
    game.start();
    expect(game.input(0, input(ArenaDirection.RIGHT))).toBe(true);
    game.tick(50); // first step is immediate
    expect(playerOf(game, 0)).toMatchObject({ x: 2, y: 1, direction: ArenaDirection.RIGHT });
    game.tick(50);
    expect(playerOf(game, 0).x).toBe(2);
    game.tick(50);
    expect(playerOf(game, 0)).toMatchObject({ x: 3, score: 1 });
    expect(sent.find((e) => e.event.type === ArenaEventType.ITEM_COLLECTED)?.event).toEqual({
      type: ArenaEventType.ITEM_COLLECTED,
      slot: 0,
      kind: ArenaItemKind.GEM,
      x: 3,
      y: 1,
      score: 1,
    });
    const items = snap(game).items;
    expect(items).toHaveLength(1);
    expect(items[0]).not.toMatchObject({ x: 3, y: 1 });
  });

  it('walks at exactly 1000/moveIntervalMs cells a second at any tick rate', () => {
    for (const hz of [30, 60, 20]) {
      const map = ['#'.repeat(42), '#P' + '.'.repeat(39) + '#', '#' + '.'.repeat(39) + 'P#', '#'.repeat(42)];
      const { game } = setupGame({ map, moveIntervalMs: 150, itemCount: 1 }, seats(2));
      game.playerConnected(0, false);
      game.start();
      game.input(0, input(ArenaDirection.RIGHT));
      for (let t = 0; t < 3 * hz; t++) game.tick(1000 / hz);
      // Steps at 0, 150, ..., 2850 ms: 20 of them in 3 s.
      expect(playerOf(game, 0).x - 1).toBeGreaterThanOrEqual(19);
      expect(playerOf(game, 0).x - 1).toBeLessThanOrEqual(20);
    }
  });

  it('is blocked by walls and other players and stops on NONE', () => {
    const { game } = setupGame({ map: ['######', '#P..P#', '######'], moveIntervalMs: 100, itemCount: 1 }, seats(2));
    game.playerConnected(0, false);
    game.playerConnected(1, false);
    game.start();
    game.input(0, input(ArenaDirection.UP));
    game.tick(100);
    expect(playerOf(game, 0)).toMatchObject({ x: 1, y: 1 });
    game.input(0, input(ArenaDirection.RIGHT));
    game.input(1, input(ArenaDirection.LEFT));
    for (let i = 0; i < 5; i++) game.tick(100);
    const [a, b] = [playerOf(game, 0), playerOf(game, 1)];
    expect(b.x - a.x).toBe(1); // they met in the middle and block each other
    game.input(0, input(ArenaDirection.NONE));
    const before = playerOf(game, 0);
    game.tick(500);
    expect(playerOf(game, 0)).toMatchObject({ x: before.x, y: before.y, direction: ArenaDirection.NONE });
  });

  it('ignores input before start and from unknown or disconnected slots; rejects malformed input', () => {
    const { game } = setupGame({ map: corridor, moveIntervalMs: 100 }, seats(2));
    game.playerConnected(0, false);
    game.input(0, input(ArenaDirection.RIGHT));
    game.tick(100);
    expect(playerOf(game, 0).x).toBe(1);
    expect(game.input(1, input(ArenaDirection.RIGHT))).toBe(false); // not connected
    expect(game.input(9, input(ArenaDirection.RIGHT))).toBe(false);
    expect(game.input(0, Uint8Array.of(9, 9))).toBe(false);
    expect(game.input(0, new Uint8Array(100))).toBe(false);
  });

  it('dashes once per dashCounter change; a dash into a player steals a point and stuns it', () => {
    const map = ['#########', '#P.....P#', '#..g....#', '#########'];
    const opts = { map, moveIntervalMs: 100, dashLength: 8, dashCooldownMs: 1000, stunMs: 500, itemCount: 1 };
    const { game, sent } = setupGame(opts, seats(2));
    game.playerConnected(0, false);
    game.playerConnected(1, false);
    game.start();
    game.input(0, input(ArenaDirection.NONE, 5)); // first input only records the counter
    game.tick(100);
    expect(playerOf(game, 0).x).toBe(1);
    game.input(0, input(ArenaDirection.RIGHT, 6)); // counter changed: dash right
    game.tick(10);
    const attacker = playerOf(game, 0);
    expect(attacker.x).toBe(6); // stopped next to slot 1
    expect(attacker.dashReady).toBe(false);
    const bump = sent.find((e) => e.event.type === ArenaEventType.BUMP)?.event;
    expect(bump).toEqual({ type: ArenaEventType.BUMP, attacker: 0, victim: 1, attackerScore: 0, victimScore: 0 });
    expect(playerOf(game, 1).stunned).toBe(true);
    // The stunned victim cannot move.
    game.input(1, input(ArenaDirection.DOWN));
    game.tick(100);
    expect(playerOf(game, 1)).toMatchObject({ x: 7, y: 1 });
    game.tick(400);
    game.tick(100);
    expect(playerOf(game, 1)).toMatchObject({ x: 7, y: 2, stunned: false });
    // Resending the same counter does not dash again; a new counter during cooldown is consumed.
    const dashesBefore = sent.filter((e) => e.event.type === ArenaEventType.BUMP).length;
    game.input(0, input(ArenaDirection.NONE, 6));
    game.tick(10);
    expect(playerOf(game, 0).dashReady).toBe(false);
    expect(sent.filter((e) => e.event.type === ArenaEventType.BUMP)).toHaveLength(dashesBefore);
  });

  it('steals a point when the victim has one', () => {
    const map = ['########', '#P.gP..#', '########'];
    const { game, sent } = setupGame(
      { map, moveIntervalMs: 100, dashLength: 4, itemCount: 1, seed: 3, starChance: 0 },
      seats(2),
    );
    game.playerConnected(0, false);
    game.playerConnected(1, false);
    game.start();
    game.input(1, input(ArenaDirection.LEFT));
    game.tick(10); // slot 1 walks onto the gem at x=3
    expect(playerOf(game, 1)).toMatchObject({ x: 3, score: 1 });
    game.input(1, input(ArenaDirection.NONE));
    game.input(0, input(ArenaDirection.RIGHT, 0));
    game.input(0, input(ArenaDirection.RIGHT, 1));
    game.tick(10);
    // The respawned gem may lie on the dash path: count what the attacker picked up on the way.
    const picked = sent.filter((e) => e.event.type === ArenaEventType.ITEM_COLLECTED && e.event.slot === 0).length;
    expect(sent.find((e) => e.event.type === ArenaEventType.BUMP)?.event).toMatchObject({
      attackerScore: picked + 1,
      victimScore: 0,
    });
    expect(playerOf(game, 0).score).toBe(picked + 1);
    expect(playerOf(game, 1).score).toBe(0);
  });

  it('ends when a player reaches scoreToWin, broadcasting ranked standings', () => {
    const { game, sent } = setupGame({ map: corridor, moveIntervalMs: 100, scoreToWin: 1, itemCount: 1 }, seats(2));
    game.playerConnected(0, false);
    game.start();
    game.input(0, input(ArenaDirection.RIGHT));
    for (let i = 0; i < 3 && game.result() === undefined; i++) game.tick(100);
    const result = game.result();
    expect(result).toMatchObject({
      reason: 'scoreReached',
      standings: [
        { slot: 0, score: 1 },
        { slot: 1, score: 0 },
      ],
    });
    expect(game.phase).toBe(ArenaPhase.OVER);
    expect(decodeArenaEvent(result!.data!)).toEqual({
      type: ArenaEventType.GAME_OVER,
      reason: ArenaEndReason.SCORE_REACHED,
      standings: [
        { slot: 0, score: 1, connected: true },
        { slot: 1, score: 0, connected: false },
      ],
    });
    const frozen = snap(game);
    game.tick(100);
    expect(snap(game)).toEqual(frozen);
    expect(game.stop('shutdown')).toBe(game.result());
    void sent;
  });

  it('sends rosters in chunks that each fit one datagram', () => {
    const { game, sent } = setupGame({ seed: 1 }, seats(40));
    game.playerConnected(39, false);
    const rosters = sent.filter((e) => e.event.type === ArenaEventType.ROSTER);
    expect(rosters.map((e) => (e.event.type === ArenaEventType.ROSTER ? e.event.players.length : 0))).toEqual([
      15, 15, 10,
    ]);
    expect(rosters.every((e) => e.to === 39)).toBe(true);
  });

  it('ends at the time limit and counts the remaining time down in snapshots', () => {
    const { game } = setupGame({ map: corridor, timeLimitMs: 1000 }, seats(2));
    game.start();
    game.tick(250);
    expect(snap(game).remainingMs).toBe(750);
    expect(snap(game).tick).toBe(1);
    for (let i = 0; i < 3; i++) game.tick(250);
    expect(game.result()?.reason).toBe('timeUp');
    expect(snap(game)).toMatchObject({ phase: ArenaPhase.OVER, remainingMs: 0 });
  });

  it('stop() ends the game with the cause as reason', () => {
    const { game } = setupGame({ map: corridor }, seats(2));
    game.start();
    const r = game.stop('allLeft');
    expect(r.reason).toBe('allLeft');
    expect(decodeArenaEvent(r.data!)).toMatchObject({
      type: ArenaEventType.GAME_OVER,
      reason: ArenaEndReason.ALL_LEFT,
    });
    const other = setupGame({ map: corridor }, seats(2));
    const r2 = other.game.stop('parentGone');
    expect(r2.reason).toBe('parentGone');
    expect(decodeArenaEvent(r2.data!)).toMatchObject({
      type: ArenaEventType.GAME_OVER,
      reason: ArenaEndReason.STOPPED,
    });
  });
});

describe('ArenaGame snapshots', () => {
  it('shares one array between players and re-encodes only after a change', () => {
    const { game } = setupGame({ seed: 5 }, seats(4));
    const a = game.snapshotFor(0);
    expect(game.snapshotFor(3)).toBe(a);
    game.start();
    game.tick(33);
    const b = game.snapshotFor(0);
    expect(b).not.toBe(a);
    expect(decodeArenaSnapshot(a).phase).toBe(ArenaPhase.WAITING); // old array untouched
  });

  it('fits 128 players with default options in one datagram, without interest management', () => {
    const { game } = setupGame({ seed: 9 }, seats(128));
    for (let s = 0; s < 128; s++) game.playerConnected(s, false);
    game.start();
    game.tick(16);
    const bytes = game.snapshotFor(0);
    expect(bytes.length).toBeLessThanOrEqual(ARENA_MAX_SNAPSHOT_BYTES);
    const s = decodeArenaSnapshot(bytes);
    expect(s.partial).toBe(false);
    expect(s.players).toHaveLength(128);
    expect(s.items).toHaveLength(64);
  });

  it('beyond one datagram, gives everyone in a 16x16 area the area and the players nearest to it', () => {
    const { game } = setupGame({ seed: 11 }, seats(220));
    game.start();
    game.tick(16);
    const where = new Map<number, { x: number; y: number }>();
    const snaps = new Map<number, ReturnType<typeof decodeArenaSnapshot>>();
    for (let slot = 0; slot < 220; slot++) {
      const bytes = game.snapshotFor(slot);
      expect(bytes.length).toBeLessThanOrEqual(ARENA_MAX_SNAPSHOT_BYTES);
      const s = decodeArenaSnapshot(bytes);
      expect(s.partial).toBe(true);
      snaps.set(slot, s);
      for (const p of s.players) where.set(p.slot, p);
    }
    expect(where.size).toBe(220);
    for (const [slot, s] of snaps) {
      const me = where.get(slot)!;
      const ax = Math.floor(me.x / 16) * 16;
      const ay = Math.floor(me.y / 16) * 16;
      const inArea = (p: { x: number; y: number }): boolean => p.x >= ax && p.x < ax + 16 && p.y >= ay && p.y < ay + 16;
      const dist = (p: { x: number; y: number }): number => Math.abs(p.x - ax - 8) + Math.abs(p.y - ay - 8);
      const included = new Set(s.players.map((p) => p.slot));
      expect(included.has(slot)).toBe(true);
      const farthest = Math.max(...s.players.filter((p) => !inArea(p)).map(dist));
      for (const [other, p] of where) {
        if (inArea(p)) expect(included.has(other)).toBe(true);
        else if (!included.has(other)) expect(dist(p)).toBeGreaterThanOrEqual(farthest);
      }
    }
  });
});

describe('ArenaGame on a TickLoop with a fake clock', () => {
  it('ends at its time limit after exactly the expected number of ticks', () => {
    const { game } = setupGame({ map: corridor, timeLimitMs: 2000 }, seats(2));
    const clock = new ManualClock();
    let ticks = 0;
    const loop = new TickLoop({
      tickRateHz: 30,
      clock,
      onTick: ({ dtMs }) => {
        ticks++;
        game.tick(dtMs);
        if (game.result() !== undefined) loop.stop();
      },
    });
    game.start();
    loop.start();
    clock.advance(10_000);
    expect(ticks).toBe(60);
    expect(game.result()?.reason).toBe('timeUp');
    expect(clock.pendingCount).toBe(0);
  });
});

describe('ArenaGame crowded snapshots', () => {
  it('still includes each receiver when one 16x16 area holds more players than a datagram', () => {
    const map = ['#'.repeat(17), ...Array.from({ length: 15 }, () => '#' + '.'.repeat(15) + '#'), '#'.repeat(17)];
    const { game } = setupGame({ map, itemCount: 1, seed: 3 }, seats(200));
    game.start();
    game.tick(16);
    for (let slot = 0; slot < 200; slot++) {
      const s = decodeArenaSnapshot(game.snapshotFor(slot));
      expect(s.partial).toBe(true);
      expect(s.players[0]!.slot).toBe(slot);
      expect(s.players.length).toBeGreaterThan(150);
    }
  });
});

describe('ArenaGame invariants', () => {
  it('same seed and inputs give the same game', () => {
    const run = (): Uint8Array[] => {
      const { game } = setupGame({ seed: 42, width: 20, height: 10 }, seats(3));
      for (let s = 0; s < 3; s++) game.playerConnected(s, false);
      game.start();
      const out: Uint8Array[] = [];
      for (let t = 0; t < 100; t++) {
        game.input(t % 3, input(((t >> 2) % 5) as ArenaDirection, t >> 4));
        game.tick(33);
        out.push(game.snapshotFor(0));
      }
      return out;
    };
    expect(run()).toEqual(run());
  });

  it('random play never overlaps players, never enters walls, keeps the item count, always encodes', () => {
    const step = fc.record({
      slot: fc.integer({ min: 0, max: 5 }),
      direction: fc.constantFrom(...Object.values(ArenaDirection)),
      dash: fc.integer({ min: 0, max: 3 }),
      connect: fc.integer({ min: 0, max: 20 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 2, max: 6 }),
        fc.array(step, { maxLength: 150 }),
        (seed, n, steps) => {
          const sent: ArenaEvent[] = [];
          const game = createArenaGame({
            seed,
            width: 12,
            height: 8,
            moveIntervalMs: 40,
            dashCooldownMs: 100,
            scoreToWin: 500,
          });
          let welcomeWalls: readonly boolean[] = [];
          game.setup(seats(n), {
            sendReliable: (payload) => {
              const e = decodeArenaEvent(payload);
              if (e.type === ArenaEventType.WELCOME) welcomeWalls = e.walls;
              sent.push(e);
            },
            logger: silentLogger,
          });
          for (let s = 0; s < n; s++) game.playerConnected(s, false);
          game.start();
          const counters = new Array<number>(n).fill(0);
          for (const st of steps) {
            const slot = st.slot % n;
            if (st.connect === 0) game.playerDisconnected(slot);
            else if (st.connect === 1) game.playerConnected(slot, true);
            counters[slot] = (counters[slot]! + st.dash) & 0xff;
            game.input(slot, input(st.direction, counters[slot]));
            game.tick(33);
            const s = snap(game);
            const cells = new Set(s.players.map((p) => p.y * 12 + p.x));
            expect(cells.size).toBe(n);
            for (const c of cells) expect(welcomeWalls[c]).toBe(false);
            expect(s.items).toHaveLength(game.options.itemCount);
            for (const it of s.items) {
              expect(welcomeWalls[it.y * 12 + it.x]).toBe(false);
              expect(cells.has(it.y * 12 + it.x)).toBe(false);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
