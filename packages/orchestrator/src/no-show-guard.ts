import type { NoShowPolicy } from './no-show-options.js';

/** What a refused hello is refused for: its address or its name, how many no-shows, and for how long still. */
export interface NoShowRefusal {
  readonly kind: 'address' | 'name';
  /** No-shows of that address or name within the window. */
  readonly noShows: number;
  /** How long the refusal lasts from now, ms (> 0). */
  readonly retryAfterMs: number;
}

/** An address or name that was just refused for a while (see {@link NoShowGuard.seat}). */
export interface NoShowBackoff {
  readonly kind: 'address' | 'name';
  readonly key: string;
  readonly noShows: number;
  readonly backoffMs: number;
}

/** The record of one address or name. */
interface Record {
  /** Times (of the clock) of its no-shows and its joins within the window, oldest first, at most MAX_EVENTS each. */
  readonly noShows: number[];
  readonly joins: number[];
  /** Offences within the window (each doubles the next refusal). */
  strikes: number;
  /** Refused until this time (0: not refused). */
  blockedUntil: number;
}

/** Most times kept per record and kind: bounds the memory of one record whatever it does. */
const MAX_EVENTS = 256;
/** Most addresses and names tracked at once; beyond, the least recently updated are forgotten. */
const MAX_RECORDS = 100_000;

/**
 * Counts no-shows (seats of a match nobody ever joined) and joins per address and per player name, and refuses the
 * hellos of an address or name that keeps not showing up. The rule, per address and per name: at least `limit`
 * no-shows within the window **and** more no-shows than joins in it: refused for `backoffMs`, doubled at each further
 * offence within the window (at most the window). So a player who never joins is refused after its first games, while
 * honest players behind one NAT (whose joins outnumber the odd no-show) never are. Memory is bounded: at most
 * {@link MAX_RECORDS} records of at most {@link MAX_EVENTS} times each. Names are compared case-insensitively.
 */
export class NoShowGuard {
  readonly #policy: NoShowPolicy;
  readonly #now: () => number;
  readonly #records = new Map<string, Record>();

  /** `now`: a monotonic clock in ms (default `performance.now`). */
  constructor(policy: NoShowPolicy, now: () => number = () => performance.now()) {
    this.#policy = policy;
    this.#now = now;
  }

  /** Addresses and names tracked now (for tests and metrics). */
  get size(): number {
    return this.#records.size;
  }

  /**
   * Records the outcome of one seat of a match: its player (`address`, `name`) joined the game or never did. Returns
   * the address and name that this no-show got refused for a while (empty for a join, below the limit, or for one
   * refused already: an offence is counted once, however many of its seats are reported while it is refused).
   */
  seat(address: string, name: string, joined: boolean): NoShowBackoff[] {
    if (this.#policy.limit === 0) return [];
    const now = this.#now();
    const backoffs: NoShowBackoff[] = [];
    for (const [kind, key] of keysOf(address, name)) {
      const record = this.#touch(key, now);
      push(joined ? record.joins : record.noShows, now);
      // Refused already: the no-shows of matches it was given before go into the next offence's count.
      if (joined || record.blockedUntil > now) continue;
      if (record.noShows.length < this.#policy.limit || record.noShows.length <= record.joins.length) continue;
      record.strikes++;
      const backoffMs = Math.min(this.#policy.backoffMs * 2 ** (record.strikes - 1), this.#policy.windowMs);
      record.blockedUntil = now + backoffMs;
      backoffs.push({ kind, key: key.slice(2), noShows: record.noShows.length, backoffMs });
    }
    return backoffs;
  }

  /** Why a hello of `name` from `address` must be refused now, or undefined. */
  refusal(address: string, name: string): NoShowRefusal | undefined {
    if (this.#policy.limit === 0) return undefined;
    const now = this.#now();
    for (const [kind, key] of keysOf(address, name)) {
      const record = this.#records.get(key);
      if (record === undefined || record.blockedUntil <= now) continue;
      return { kind, noShows: record.noShows.length, retryAfterMs: Math.ceil(record.blockedUntil - now) };
    }
    return undefined;
  }

  /** The record of `key` with its times pruned to the window, moved to the most recently updated end. */
  #touch(key: string, now: number): Record {
    let record = this.#records.get(key);
    if (record === undefined) {
      record = { noShows: [], joins: [], strikes: 0, blockedUntil: 0 };
      if (this.#records.size >= MAX_RECORDS) this.#records.delete(this.#records.keys().next().value!);
    } else {
      this.#records.delete(key);
      const since = now - this.#policy.windowMs;
      prune(record.noShows, since);
      prune(record.joins, since);
      // A clean window forgives past offences.
      if (record.noShows.length === 0) record.strikes = 0;
    }
    this.#records.set(key, record);
    return record;
  }
}

function keysOf(address: string, name: string): [NoShowRefusal['kind'], string][] {
  return [
    ['address', `a:${address}`],
    ['name', `n:${name.toLowerCase()}`],
  ];
}

function push(times: number[], now: number): void {
  times.push(now);
  if (times.length > MAX_EVENTS) times.shift();
}

function prune(times: number[], since: number): void {
  let drop = 0;
  while (drop < times.length && times[drop]! <= since) drop++;
  if (drop > 0) times.splice(0, drop);
}
