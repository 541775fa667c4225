/**
 * How big the warm pool should be: a floor, a buffer that follows demand (a count, or a percentage of the games
 * with a child), a ceiling, and how fast it may refill and shrink. Pure functions: the pool and the launcher call
 * them with the counts of the moment.
 */

/** The warm pool's buffer: idle children wanted, as a count or as a percentage of the games with a child. */
export type WarmPoolBuffer =
  { readonly kind: 'count'; readonly count: number } | { readonly kind: 'percent'; readonly percent: number };

/** The warm pool's settings, validated (see {@link resolveWarmPoolPolicy}). */
export interface WarmPoolPolicy {
  /** The floor: warm children kept whatever the demand (`warmPoolSize`). */
  readonly min: number;
  /** The ceiling on the warm pool (the cap on processes bounds it further). */
  readonly max: number;
  /** What the pool follows; a count of 0 makes it a fixed pool of `min`. */
  readonly buffer: WarmPoolBuffer;
  /** Most warm starts per second (one every 1000/rate ms); 0: no rate limit (the start bound still holds). */
  readonly refillRate: number;
  /** How long the pool must hold more children than its target before the surplus is stopped, ms. */
  readonly shrinkDelayMs: number;
}

/** The counts the target is computed from. */
export interface WarmPoolDemand {
  /** Games with a child: starting or running. */
  readonly activeGames: number;
  /** Groups of players formed in the queues but not launched yet (held by admission, ports or the cap). */
  readonly waitingGroups: number;
  /** Processes that may still exist beside the busy ones: the cap minus the processes that hold a game. */
  readonly room: number;
}

/**
 * The pool's target size: `clamp(buffer + waitingGroups, min, max)`, never above `room` (the cap on processes).
 * The buffer is `count`, or `ceil(percent / 100 * activeGames)`. O(1), never throws.
 */
export function warmPoolTarget(policy: WarmPoolPolicy, demand: WarmPoolDemand): number {
  const buffer =
    policy.buffer.kind === 'count'
      ? policy.buffer.count
      : Math.ceil((policy.buffer.percent * demand.activeGames) / 100 - 1e-9);
  const wanted = Math.min(policy.max, Math.max(policy.min, buffer + demand.waitingGroups));
  return Math.max(0, Math.min(wanted, demand.room));
}

/**
 * Reads a buffer: a non-negative integer count (`4`, `'4'`) or a percentage (`'25%'`, 0..1000 with up to 2
 * decimals). Returns the reason as a string when the value is not one.
 */
export function parseWarmPoolBuffer(value: unknown): WarmPoolBuffer | string {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? { kind: 'count', count: value } : 'must be a count >= 0';
  }
  if (typeof value !== 'string') return 'must be a count (4) or a percentage of the running games ("25%")';
  const s = value.trim();
  if (/^\d+$/.test(s)) return parseWarmPoolBuffer(Number(s));
  const m = /^(\d+(?:\.\d{1,2})?)\s*%$/.exec(s);
  if (m === null) return `'${value}' is not a count (4) nor a percentage of the running games ("25%")`;
  const percent = Number(m[1]);
  return percent <= 1_000 ? { kind: 'percent', percent } : 'a percentage must be in 0..1000%';
}

/** Formats a buffer the way {@link parseWarmPoolBuffer} reads it back (`4`, `'25%'`). */
export function formatWarmPoolBuffer(buffer: WarmPoolBuffer): number | string {
  return buffer.kind === 'count' ? buffer.count : `${buffer.percent}%`;
}
