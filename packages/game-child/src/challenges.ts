import { CHALLENGE_COOKIE_BYTES } from '@proj/protocol';
import { nodeCrypto } from '@proj/protocol/internal';

/**
 * A return-routability challenge sent to `key` for the seat `slot`: a valid token for the seat came from
 * that address, which is not trusted until a packet from it echoes `cookie`. @internal
 */
export interface PendingChallenge {
  readonly slot: number;
  /** `address|port` the challenge was sent to. */
  readonly key: string;
  readonly cookie: Uint8Array;
  /** A copy of the token, checked again in full (and claimed) when the cookie comes back. */
  readonly token: Uint8Array;
}

/** The outcome of {@link ChallengeTable.check}. @internal */
export type ChallengeCheck =
  | { readonly kind: 'passed'; readonly pending: PendingChallenge }
  /** The address has an outstanding challenge, but this is not its cookie. */
  | { readonly kind: 'mismatch' }
  /** No outstanding challenge for this address. */
  | { readonly kind: 'none' };

/** True when `a` and `b` are both cookies with the same bytes (constant time in the contents). @internal */
export function sameCookie(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return (
    a !== undefined &&
    a.length === CHALLENGE_COOKIE_BYTES &&
    b.length === CHALLENGE_COOKIE_BYTES &&
    nodeCrypto().timingSafeEqual(a, b)
  );
}

/**
 * The outstanding challenges of a game: at most one per seat and one per address, so the table never holds
 * more entries than the game has seats (only a valid token creates one). A newer request for a seat, or from
 * an address, replaces the older challenge; a resent request from the same address for the same seat gets the
 * same cookie, so a lost challenge or a reordered resend costs nothing. Cookies are random bytes from
 * node:crypto, unpredictable to anyone who does not receive at the address. @internal
 */
export class ChallengeTable {
  readonly #bySlot = new Map<number, PendingChallenge>();
  readonly #byKey = new Map<string, PendingChallenge>();

  /** Outstanding challenges. */
  get size(): number {
    return this.#bySlot.size;
  }

  /** True when `key` was sent a challenge it has not answered. */
  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  /**
   * The cookie to send `key` for `slot`: the outstanding one if there is one for this seat and address, else a fresh
   * one.
   */
  issue(slot: number, key: string, token: Uint8Array): Uint8Array {
    const current = this.#bySlot.get(slot);
    if (current !== undefined && current.key === key) return current.cookie;
    this.clearSlot(slot);
    this.clearKey(key);
    const pending: PendingChallenge = {
      slot,
      key,
      cookie: new Uint8Array(nodeCrypto().randomBytes(CHALLENGE_COOKIE_BYTES)),
      token: token.slice(),
    };
    this.#bySlot.set(slot, pending);
    this.#byKey.set(key, pending);
    return pending.cookie;
  }

  /** Checks a cookie echoed from `key`; changes nothing (the caller clears the challenge once it acted on it). */
  check(key: string, cookie: Uint8Array): ChallengeCheck {
    const pending = this.#byKey.get(key);
    if (pending === undefined) return { kind: 'none' };
    return sameCookie(pending.cookie, cookie) ? { kind: 'passed', pending } : { kind: 'mismatch' };
  }

  /** Forgets the challenge of seat `slot`, if any. */
  clearSlot(slot: number): void {
    const pending = this.#bySlot.get(slot);
    if (pending === undefined) return;
    this.#bySlot.delete(slot);
    this.#byKey.delete(pending.key);
  }

  /** Forgets the challenge sent to `key`, if any. */
  clearKey(key: string): void {
    const pending = this.#byKey.get(key);
    if (pending === undefined) return;
    this.#byKey.delete(key);
    this.#bySlot.delete(pending.slot);
  }
}
