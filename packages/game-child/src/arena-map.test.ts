import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateArenaMap } from './arena-map.js';
import { SeededRandom } from './random.js';

function reachable(walls: Uint8Array, width: number, start: number): number {
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length > 0) {
    const c = stack.pop()!;
    for (const n of [c - 1, c + 1, c - width, c + width]) {
      if (n >= 0 && n < walls.length && walls[n] === 0 && !seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen.size;
}

describe('generateArenaMap', () => {
  it('has a wall border and one connected floor region, deterministically', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 100 }),
        fc.integer({ min: 8, max: 64 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        (width, height, density, seed) => {
          const map = generateArenaMap(width, height, density, new SeededRandom(seed));
          for (let x = 0; x < width; x++) expect(map.walls[x]! & map.walls[(height - 1) * width + x]!).toBe(1);
          for (let y = 0; y < height; y++) expect(map.walls[y * width]! & map.walls[y * width + width - 1]!).toBe(1);
          const floor = map.walls.reduce((n, w) => n + (w === 0 ? 1 : 0), 0);
          expect(floor).toBe(map.floorCells);
          expect(floor).toBeGreaterThan((width - 2) * (height - 2) * (1 - density) * 0.5);
          const first = map.walls.indexOf(0);
          expect(reachable(map.walls, width, first)).toBe(floor);
          expect(generateArenaMap(width, height, density, new SeededRandom(seed)).walls).toEqual(map.walls);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('SeededRandom', () => {
  it('stays in range and repeats for a seed', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    for (let i = 0; i < 1000; i++) {
      const v = a.next();
      expect(v).toBe(b.next());
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      expect(a.int(5)).toBe(b.int(5));
    }
  });
});
