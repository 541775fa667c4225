import { MAX_TIMER_MS, integerOption } from './option-values.js';
import { type WarmPoolPolicy, parseWarmPoolBuffer } from './warm-pool-policy.js';

/** The warm pool's options, part of `OrchestratorOptions`. */
export interface WarmPoolOptions {
  /**
   * Child processes kept started ahead, idle, holding no port (never beyond the cap). Alone: a fixed pool of this
   * size. With `warmPoolBuffer`: the floor of a pool that follows demand. Default 0.
   */
  readonly warmPoolSize?: number;
  /**
   * Makes the pool follow demand, like a fleet buffer: the idle children wanted, as a count (`4`) or a percentage
   * of the games with a child (`'25%'`: a quarter of the starting and running games, rounded up), plus one for
   * each group of players formed and waiting for a launch; clamped to `warmPoolSize`..`warmPoolMax`. Default 0
   * (a fixed pool of `warmPoolSize`).
   */
  readonly warmPoolBuffer?: number | string;
  /** The ceiling of the pool (`warmPoolSize`..the cap). Default: the cap on concurrent games. */
  readonly warmPoolMax?: number;
  /**
   * At most this many warm starts per second (one every 1000/rate ms), besides the start bound they share with
   * cold starts (`maxConcurrentStarts`: warm children booting plus cold starts in flight). 0: no rate limit.
   * Default 0: the start bound and the host check (no refill while games tick late) pace refills; a fixed rate below
   * the demand sends games to cold starts.
   */
  readonly warmPoolRefillRate?: number;
  /**
   * The pool stops its surplus idle children (oldest first) only after holding more than its target for this long,
   * so that it does not shrink between the waves of a burst. Default 30000 (an idle child costs memory, about
   * 8 MiB USS, and no CPU; stopping and restarting one costs a start).
   */
  readonly warmPoolShrinkDelayMs?: number;
}

/** Default values of the warm pool's options (`warmPoolMax` defaults to the cap). */
export const WARM_POOL_DEFAULTS = {
  warmPoolSize: 0,
  warmPoolBuffer: 0,
  warmPoolRefillRate: 0,
  warmPoolShrinkDelayMs: 30_000,
} as const;

/**
 * Validates the warm pool's options against the cap `maxGames` and applies the defaults. Returns the reason (naming
 * the option) as a string when an option is invalid: the caller wraps it in its own error.
 */
export function resolveWarmPoolPolicy(o: WarmPoolOptions, maxGames: number): WarmPoolPolicy | string {
  const d = WARM_POOL_DEFAULTS;
  const min = integerOption(o.warmPoolSize, 'warmPoolSize', d.warmPoolSize, 0, maxGames);
  if (typeof min === 'string') return min;
  const max = integerOption(o.warmPoolMax, 'warmPoolMax', maxGames, 0, maxGames);
  if (typeof max === 'string') return max;
  if (max < min) return `warmPoolMax (${max}) must not be below warmPoolSize (${min})`;
  const buffer = parseWarmPoolBuffer(o.warmPoolBuffer ?? d.warmPoolBuffer);
  if (typeof buffer === 'string') return `warmPoolBuffer ${buffer}`;
  const rate = o.warmPoolRefillRate ?? d.warmPoolRefillRate;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 10_000)
    return `warmPoolRefillRate must be a number of starts per second in 0..10000, got ${String(o.warmPoolRefillRate)}`;
  const shrinkDelayMs = integerOption(
    o.warmPoolShrinkDelayMs,
    'warmPoolShrinkDelayMs',
    d.warmPoolShrinkDelayMs,
    0,
    MAX_TIMER_MS,
  );
  if (typeof shrinkDelayMs === 'string') return shrinkDelayMs;
  return { min, max, buffer, refillRate: rate, shrinkDelayMs };
}
