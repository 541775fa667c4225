import { MAX_TIMER_MS, integerOption } from './option-values.js';

/**
 * The options that make no-shows cost the no-show, part of `OrchestratorOptions`: a player told its match who never
 * joins its game holds a port (and three other players) for nothing. See {@link NoShowGuard} for the rule.
 */
export interface NoShowOptions {
  /**
   * Most players one IP address may hold at once between hello and joining their game: queued, matched, and told
   * their match but not yet seen in their game by its child. More hellos are refused with TOO_MANY_QUEUED_FROM_IP.
   * Separate from `maxConnectionsPerIp`: honest players leave this count within milliseconds of their match-found,
   * players who never join hold it until their game gives up on them. Default 16.
   */
  readonly maxQueuedPerIp?: number;
  /**
   * An address or a player name with at least this many no-shows (seats of its matches nobody joined) within
   * `noShowWindowMs`, and more no-shows than joins in that window, has its hellos refused (NO_SHOW_BACKOFF) for
   * `noShowBackoffMs`, twice as long at each further offence within the window. Honest players behind one NAT who
   * join their games outnumber their no-shows and are never refused. 0 disables the check. Default 3.
   */
  readonly noShowLimit?: number;
  /** How far back no-shows and joins are counted, ms. Default 600000 (10 minutes). */
  readonly noShowWindowMs?: number;
  /** The first refusal's length, ms; it doubles at each offence within the window, up to the window. Default 30000. */
  readonly noShowBackoffMs?: number;
}

/** Default values of the no-show options. */
export const NO_SHOW_DEFAULTS = {
  maxQueuedPerIp: 16,
  noShowLimit: 3,
  noShowWindowMs: 600_000,
  noShowBackoffMs: 30_000,
} as const;

/** The no-show options, validated, with their defaults. */
export interface NoShowPolicy {
  readonly maxQueuedPerIp: number;
  /** 0: no-shows are not counted. */
  readonly limit: number;
  readonly windowMs: number;
  readonly backoffMs: number;
}

/**
 * Validates the no-show options and applies the defaults. Returns the reason (naming the option) as a string when an
 * option is invalid: the caller wraps it in its own error.
 */
export function resolveNoShowPolicy(o: NoShowOptions): NoShowPolicy | string {
  const d = NO_SHOW_DEFAULTS;
  const maxQueuedPerIp = integerOption(o.maxQueuedPerIp, 'maxQueuedPerIp', d.maxQueuedPerIp, 1, 1 << 24);
  if (typeof maxQueuedPerIp === 'string') return maxQueuedPerIp;
  const limit = integerOption(o.noShowLimit, 'noShowLimit', d.noShowLimit, 0, 1_000);
  if (typeof limit === 'string') return limit;
  const windowMs = integerOption(o.noShowWindowMs, 'noShowWindowMs', d.noShowWindowMs, 1, MAX_TIMER_MS);
  if (typeof windowMs === 'string') return windowMs;
  const backoffMs = integerOption(o.noShowBackoffMs, 'noShowBackoffMs', d.noShowBackoffMs, 1, MAX_TIMER_MS);
  if (typeof backoffMs === 'string') return backoffMs;
  return { maxQueuedPerIp, limit, windowMs, backoffMs };
}
