import type { SeededRandom } from './random.js';

/** A generated arena grid: `walls[y * width + x]` is 1 for a wall, 0 for floor. */
export interface ArenaMap {
  readonly width: number;
  readonly height: number;
  readonly walls: Uint8Array;
  /** Number of floor cells (all reachable from each other). */
  readonly floorCells: number;
}

/**
 * Builds a map: a wall border, short random wall segments covering about `density` of the interior, and
 * every floor cell cut off from the largest open area turned into wall, so any floor cell can reach any other.
 * Deterministic for a given generator state.
 */
export function generateArenaMap(width: number, height: number, density: number, random: SeededRandom): ArenaMap {
  const walls = new Uint8Array(width * height);
  for (let x = 0; x < width; x++) {
    walls[x] = 1;
    walls[(height - 1) * width + x] = 1;
  }
  for (let y = 0; y < height; y++) {
    walls[y * width] = 1;
    walls[y * width + width - 1] = 1;
  }
  const interior = (width - 2) * (height - 2);
  let toPlace = Math.floor(interior * density);
  for (let attempts = 0; toPlace > 0 && attempts < interior; attempts++) {
    const length = 2 + random.int(4);
    const horizontal = random.next() < 0.5;
    let x = 2 + random.int(Math.max(1, width - 4));
    let y = 2 + random.int(Math.max(1, height - 4));
    for (let i = 0; i < length && toPlace > 0; i++) {
      if (x <= 1 || y <= 1 || x >= width - 2 || y >= height - 2) break; // keep a free ring inside the border
      const c = y * width + x;
      if (walls[c] === 0) {
        walls[c] = 1;
        toPlace--;
      }
      if (horizontal) x++;
      else y++;
    }
  }
  const floorCells = keepLargestRegion(walls, width);
  return { width, height, walls, floorCells };
}

/**
 * Walls off every floor region but the largest; returns the floor cells left. Flood fill with an explicit stack of
 * cell indices and no per-cell allocation: it runs once per game, in the child's start before `ready`.
 */
function keepLargestRegion(walls: Uint8Array, width: number): number {
  const region = new Int32Array(walls.length).fill(-1);
  const stack = new Int32Array(walls.length);
  let best = -1;
  let bestSize = 0;
  let regions = 0;
  for (let start = 0; start < walls.length; start++) {
    if (walls[start] !== 0 || region[start] !== -1) continue;
    const id = regions++;
    let size = 0;
    let top = 0;
    region[start] = id;
    stack[top++] = start;
    while (top > 0) {
      const c = stack[--top]!;
      size++;
      const x = c % width;
      // Each floor cell is pushed once (marked as it is pushed), so the stack never holds more than walls.length.
      if (x > 0 && walls[c - 1] === 0 && region[c - 1] === -1) {
        region[c - 1] = id;
        stack[top++] = c - 1;
      }
      if (x < width - 1 && walls[c + 1] === 0 && region[c + 1] === -1) {
        region[c + 1] = id;
        stack[top++] = c + 1;
      }
      if (c >= width && walls[c - width] === 0 && region[c - width] === -1) {
        region[c - width] = id;
        stack[top++] = c - width;
      }
      if (c < walls.length - width && walls[c + width] === 0 && region[c + width] === -1) {
        region[c + width] = id;
        stack[top++] = c + width;
      }
    }
    if (size > bestSize) {
      bestSize = size;
      best = id;
    }
  }
  for (let c = 0; c < walls.length; c++) if (walls[c] === 0 && region[c] !== best) walls[c] = 1;
  return bestSize;
}
