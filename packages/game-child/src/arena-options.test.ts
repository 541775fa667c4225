import { describe, expect, it } from 'vitest';
import { resolveArenaOptions } from './arena-options.js';
import { GameChildError } from './errors.js';

describe('resolveArenaOptions', () => {
  it('fills defaults and grows the grid with the player count within the cell limit', () => {
    const two = resolveArenaOptions({ seed: 1 }, 2);
    expect(two).toMatchObject({
      scoreToWin: 20,
      timeLimitMs: 120_000,
      moveIntervalMs: 150,
      width: 40,
      height: 20,
      itemCount: 3,
      seed: 1,
    });
    for (const n of [1, 8, 33, 64, 128, 200, 254]) {
      const o = resolveArenaOptions({}, n);
      expect(o.width * o.height).toBeLessThanOrEqual(6400);
      expect((o.width - 2) * (o.height - 2) * (1 - o.wallDensity)).toBeGreaterThan(n * 10);
      expect(o.itemCount).toBeLessThanOrEqual(64);
    }
  });

  it('names the bad field', () => {
    const bad: Record<string, unknown>[] = [
      { scoreToWin: 0 },
      { scoreToWin: 1.5 },
      { timeLimitMs: 'x' },
      { moveIntervalMs: 5 },
      { width: 101 },
      { width: 100, height: 65 },
      { itemCount: 0 },
      { starChance: 2 },
      { wallDensity: Number.NaN },
      { map: 'abc' },
      { map: ['###', '##', '###'] },
      { map: ['###', '#?#', '###'] },
      { width: 8, height: 8, itemCount: 64 },
    ];
    for (const o of bad) {
      const key = Object.keys(o)[0]!;
      try {
        resolveArenaOptions(o, 2);
        expect.unreachable(`accepted ${JSON.stringify(o)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(GameChildError);
        expect((e as GameChildError).code).toBe('E_INVALID_ARGUMENT');
        expect((e as Error).message).toMatch(
          key === 'width' && 'height' in o ? /height|grid/ : new RegExp(`${key}|grid`),
        );
      }
    }
  });

  it('parses a hand-made map', () => {
    const o = resolveArenaOptions({ map: ['#####', '#P.g#', '#*.P#', '#####'] }, 2);
    expect(o).toMatchObject({ width: 5, height: 4, itemCount: 2 });
    expect(o.map?.spawns).toEqual([6, 13]);
    expect(o.map?.items).toEqual([
      { cell: 8, star: false },
      { cell: 11, star: true },
    ]);
  });
});
