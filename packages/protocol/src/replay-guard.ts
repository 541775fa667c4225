import type { ConnectTokenClaims } from './connect-token.js';
import { fail } from './errors.js';

/** Options of a {@link TokenReplayGuard}. */
export interface TokenReplayGuardOptions {
  /** Most nonces remembered at once (default 4096, at least 1). */
  readonly maxEntries?: number;
}

/** Options of {@link TokenReplayGuard.claim}. */
export interface ClaimOptions {
  /** Current time in epoch ms, for evicting expired entries (default Date.now()). */
  readonly now?: number;
  /**
   * Let a token already claimed be claimed again for the same slot: the game child's choice, to
   * let a player whose address changed (NAT rebinding, reconnect) come back with the same token
   * before it expires. Default false: strictly single use.
   */
  readonly allowRebind?: boolean;
}

/** Outcome of a successful claim: the first use of the token, or a permitted rebind. */
export type ClaimResult = 'claimed' | 'rebound';

interface Entry {
  readonly slot: number;
  readonly expiresAt: number;
}

/**
 * Remembers the nonces of claimed connect tokens so each is used once. Entries are forgotten once
 * their token expires (verifyConnectToken refuses it from then on anyway), so memory stays bounded
 * by the tokens live at once; `maxEntries` caps it outright, and when that many unexpired tokens
 * are held the guard fails closed (E_REPLAY_GUARD_FULL) rather than forget one that could be replayed.
 * Only claims of verified tokens should be passed in: the guard does not check signatures.
 */
export class TokenReplayGuard {
  /** The cap given at construction. */
  readonly maxEntries: number;
  readonly #entries = new Map<string, Entry>();

  /** Throws ProtocolError E_INVALID_ARGUMENT for a bad maxEntries. */
  constructor(options: TokenReplayGuardOptions = {}) {
    const max = options.maxEntries ?? 4096;
    if (!Number.isSafeInteger(max) || max < 1) fail('E_INVALID_ARGUMENT', 'maxEntries must be a positive integer');
    this.maxEntries = max;
  }

  /** Nonces currently remembered (expired ones included until the next prune). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Claims the token's nonce for its slot. Returns 'claimed' on first use; 'rebound' when the nonce
   * was claimed before for the same slot and `allowRebind` is set. Throws ProtocolError
   * E_TOKEN_REUSED when it was claimed before otherwise, E_TOKEN_EXPIRED when `now` is past the
   * claims' expiry, E_REPLAY_GUARD_FULL when maxEntries unexpired nonces are held,
   * E_INVALID_ARGUMENT for a nonce that is not a Uint8Array.
   */
  claim(claims: Pick<ConnectTokenClaims, 'nonce' | 'slot' | 'expiresAt'>, options: ClaimOptions = {}): ClaimResult {
    const now = options.now ?? Date.now();
    const key = nonceKey(claims.nonce);
    if (now > claims.expiresAt) fail('E_TOKEN_EXPIRED', 'the token expired');
    const seen = this.#entries.get(key);
    if (seen !== undefined && seen.expiresAt >= now) {
      if (options.allowRebind === true && seen.slot === claims.slot) return 'rebound';
      fail('E_TOKEN_REUSED', 'the token was already used');
    }
    if (seen === undefined && this.#entries.size >= this.maxEntries) {
      this.prune(now);
      if (this.#entries.size >= this.maxEntries)
        fail('E_REPLAY_GUARD_FULL', `${this.maxEntries} unexpired tokens are held`);
    }
    this.#entries.set(key, { slot: claims.slot, expiresAt: claims.expiresAt });
    return 'claimed';
  }

  /** True when `nonce` was claimed and its token has not expired at `now` (default Date.now()). Never throws. */
  has(nonce: Uint8Array, now: number = Date.now()): boolean {
    if (!(nonce instanceof Uint8Array)) return false;
    const seen = this.#entries.get(nonceKey(nonce));
    return seen !== undefined && seen.expiresAt >= now;
  }

  /** Forgets the nonces of tokens expired at `now` (default Date.now()); returns how many. Never throws. */
  prune(now: number = Date.now()): number {
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt < now) {
        this.#entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Forgets every nonce. */
  clear(): void {
    this.#entries.clear();
  }
}

function nonceKey(nonce: Uint8Array): string {
  if (!(nonce instanceof Uint8Array)) fail('E_INVALID_ARGUMENT', 'nonce must be a Uint8Array');
  return Buffer.from(nonce.buffer, nonce.byteOffset, nonce.byteLength).toString('base64');
}
