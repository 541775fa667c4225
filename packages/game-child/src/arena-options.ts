import { ARENA_MAX_CELLS, ARENA_MAX_SIDE } from '@proj/protocol';
import { GameChildError } from './errors.js';

/** Rules of an arena game. Every field is optional; see {@link resolveArenaOptions} for defaults and bounds. */
export interface ArenaOptions {
  /** Points that win the game, 1..65535 (default 20). */
  readonly scoreToWin?: number;
  /** Game length in ms, 1,000..3,600,000 (default 120,000). */
  readonly timeLimitMs?: number;
  /** Ms per cell of walking, 20..2,000 (default 150, about 6.7 cells a second). */
  readonly moveIntervalMs?: number;
  /** Grid width, 8..100 (default: grows with the player count, 40 for up to 33 players). */
  readonly width?: number;
  /** Grid height, 8..64 (default: about half the width); width*height at most 6,400. */
  readonly height?: number;
  /** Items on the grid at any time, 1..64 (default max(3, ceil(players / 2)), at most 64). */
  readonly itemCount?: number;
  /** Seed of the map, spawns and item placement (default: random). Same seed + same inputs = same game. */
  readonly seed?: number;
  /** Ms between two dashes of a player, 0..60,000 (default 3,000). */
  readonly dashCooldownMs?: number;
  /** Cells a dash covers, 1..8 (default 3). */
  readonly dashLength?: number;
  /** Ms a bumped player cannot move, 0..10,000 (default 1,000). */
  readonly stunMs?: number;
  /** Probability that a new item is a star (3 points) rather than a gem (1 point), 0..1 (default 0.1). */
  readonly starChance?: number;
  /** Fraction of interior cells turned into wall segments, 0..0.3 (default 0.06); ignored with `map`. */
  readonly wallDensity?: number;
  /**
   * A hand-made map instead of a generated one: equal-length rows of '#' (wall), '.' (floor), 'P' (a spawn
   * point, handed to players in slot order; players beyond them spawn at random), 'g' (a gem at start) and
   * '*' (a star at start). Outside the map counts as wall. Sets width and height; if it places items, their
   * number is the default `itemCount`.
   */
  readonly map?: readonly string[];
}

/** Arena options with every default filled in. */
export type ResolvedArenaOptions = {
  readonly [K in Exclude<keyof ArenaOptions, 'map'>]-?: NonNullable<ArenaOptions[K]>;
} & {
  readonly map: ParsedArenaMap | undefined;
};

/** A validated hand-made map. */
export interface ParsedArenaMap {
  readonly width: number;
  readonly height: number;
  /** 1 for a wall, row-major. */
  readonly walls: Uint8Array;
  /** Cell indices of the spawn points, in reading order. */
  readonly spawns: readonly number[];
  /** Initial items: cell index and whether it is a star. */
  readonly items: readonly { readonly cell: number; readonly star: boolean }[];
}

function parseMap(raw: unknown): ParsedArenaMap | undefined {
  if (raw === undefined) return undefined;
  const bad = (why: string): never => {
    throw new GameChildError('E_INVALID_ARGUMENT', `arena option map: ${why}`);
  };
  if (!Array.isArray(raw) || raw.length < 3 || raw.length > 64) bad('must be 3..64 rows');
  const rows = raw as unknown[];
  const width = typeof rows[0] === 'string' ? rows[0].length : 0;
  if (width < 3 || width > 100 || width * rows.length > ARENA_MAX_CELLS)
    bad('rows must be 3..100 characters, 6,400 cells at most');
  const walls = new Uint8Array(width * rows.length);
  const spawns: number[] = [];
  const items: { cell: number; star: boolean }[] = [];
  rows.forEach((row, y) => {
    if (typeof row !== 'string' || row.length !== width) bad('rows must be strings of equal length');
    for (let x = 0; x < width; x++) {
      const c = y * width + x;
      switch ((row as string)[x]) {
        case '#':
          walls[c] = 1;
          break;
        case '.':
          break;
        case 'P':
          spawns.push(c);
          break;
        case 'g':
          items.push({ cell: c, star: false });
          break;
        case '*':
          items.push({ cell: c, star: true });
          break;
        default:
          bad(`unknown character ${JSON.stringify((row as string)[x])}`);
      }
    }
  });
  return { width, height: rows.length, walls, spawns, items };
}

function num(
  options: Readonly<Record<string, unknown>>,
  key: string,
  min: number,
  max: number,
  fallback: number,
  integer = true,
): number {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    throw new GameChildError(
      'E_INVALID_ARGUMENT',
      `arena option ${key} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${String(v)}`,
    );
  }
  return v;
}

/**
 * Validates arena options (typed, or untyped such as `GameAssignment.options`, whose unknown keys are ignored)
 * and fills in defaults for `playerCount` players. Throws GameChildError 'E_INVALID_ARGUMENT' naming the first
 * bad field, or when the grid is larger than 6,400 cells or too small for the players and items.
 */
export function resolveArenaOptions(
  options: ArenaOptions | Readonly<Record<string, unknown>>,
  playerCount: number,
): ResolvedArenaOptions {
  const o = options as Readonly<Record<string, unknown>>;
  const map = parseMap(o['map']);
  if (map !== undefined) {
    const itemCount = num(o, 'itemCount', 1, 64, map.items.length > 0 ? Math.min(64, map.items.length) : 3);
    const floor = map.walls.reduce((n, w) => n + (w === 0 ? 1 : 0), 0);
    if (floor < playerCount + itemCount + 1)
      throw new GameChildError('E_INVALID_ARGUMENT', 'arena option map: too few floor cells');
    return { ...common(o), width: map.width, height: map.height, itemCount, wallDensity: 0, map };
  }
  const autoArea = Math.max(800, playerCount * 24);
  const autoWidth = Math.min(100, Math.max(40, Math.ceil(Math.sqrt(autoArea * 2))));
  const width = num(o, 'width', 8, Math.min(100, ARENA_MAX_SIDE), autoWidth);
  const autoHeight = Math.min(64, Math.max(8, Math.ceil(autoArea / width)), Math.floor(ARENA_MAX_CELLS / width));
  const height = num(o, 'height', 8, 64, autoHeight);
  if (width * height > ARENA_MAX_CELLS) {
    throw new GameChildError('E_INVALID_ARGUMENT', `arena grid ${width}x${height} exceeds ${ARENA_MAX_CELLS} cells`);
  }
  const itemCount = num(o, 'itemCount', 1, 64, Math.min(64, Math.max(3, Math.ceil(playerCount / 2))));
  const wallDensity = num(o, 'wallDensity', 0, 0.3, 0.06, false);
  const interior = (width - 2) * (height - 2);
  if (interior * (1 - wallDensity) < (playerCount + itemCount) * 2) {
    throw new GameChildError(
      'E_INVALID_ARGUMENT',
      `arena grid ${width}x${height} is too small for ${playerCount} players and ${itemCount} items`,
    );
  }
  return { ...common(o), width, height, itemCount, wallDensity, map: undefined };
}

function common(
  o: Readonly<Record<string, unknown>>,
): Omit<ResolvedArenaOptions, 'width' | 'height' | 'itemCount' | 'wallDensity' | 'map'> {
  return {
    scoreToWin: num(o, 'scoreToWin', 1, 0xffff, 20),
    timeLimitMs: num(o, 'timeLimitMs', 1000, 3_600_000, 120_000),
    moveIntervalMs: num(o, 'moveIntervalMs', 20, 2000, 150),
    seed: num(o, 'seed', 0, 0xffff_ffff, Math.floor(Math.random() * 0x1_0000_0000)),
    dashCooldownMs: num(o, 'dashCooldownMs', 0, 60_000, 3000),
    dashLength: num(o, 'dashLength', 1, 8, 3),
    stunMs: num(o, 'stunMs', 0, 10_000, 1000),
    starChance: num(o, 'starChance', 0, 1, 0.1, false),
  };
}
