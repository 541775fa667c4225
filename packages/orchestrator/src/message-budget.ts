import { type RateLimit, TokenBucket } from './token-bucket.js';

/** The rate limits of one client connection's incoming frames; an undefined one is not enforced. */
export interface MessageLimits {
  /** Every frame, in every state. */
  readonly messages: RateLimit | undefined;
  /** Ping frames. */
  readonly pings: RateLimit | undefined;
  /** Every frame sent before hello (the hello included), on top of `messages`: the tighter budget. */
  readonly beforeHello: RateLimit | undefined;
}

/** Which of the {@link MessageLimits} a frame went over. */
export type ExceededLimit = keyof MessageLimits;

/**
 * The message budget of one connection: a {@link TokenBucket} per enforced limit, all full when the connection
 * is accepted. O(1) per frame, three buckets of two numbers at most.
 */
export class MessageBudget {
  readonly #messages: TokenBucket | undefined;
  readonly #pings: TokenBucket | undefined;
  readonly #beforeHello: TokenBucket | undefined;

  /** A full budget at time `now` (ms, monotonic). */
  constructor(limits: MessageLimits, now: number) {
    this.#messages = limits.messages && new TokenBucket(limits.messages, now);
    this.#pings = limits.pings && new TokenBucket(limits.pings, now);
    this.#beforeHello = limits.beforeHello && new TokenBucket(limits.beforeHello, now);
  }

  /**
   * Spends one frame at time `now`: returns the limit it went over (the first that did, tighter first), or
   * undefined when every enforced limit had room. A frame over a limit is not to be handled: the connection is
   * to be closed, so whatever the other buckets hold afterwards does not matter.
   */
  spend(isPing: boolean, beforeHello: boolean, now: number): ExceededLimit | undefined {
    if (beforeHello && this.#beforeHello !== undefined && !this.#beforeHello.take(now)) return 'beforeHello';
    if (isPing && this.#pings !== undefined && !this.#pings.take(now)) return 'pings';
    if (this.#messages !== undefined && !this.#messages.take(now)) return 'messages';
    return undefined;
  }
}

/** A one-line account of `limit` being exceeded, for the error frame: `pings over 2/s (burst 10)`. */
export function describeExceeded(exceeded: ExceededLimit, limits: MessageLimits): string {
  const limit = limits[exceeded];
  const what = exceeded === 'pings' ? 'pings' : exceeded === 'beforeHello' ? 'frames before hello' : 'frames';
  return limit === undefined ? what : `${what} over ${limit.perSecond}/s (burst ${limit.burst})`;
}
