import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenReplayGuard } from './replay-guard.js';
import { errorCodeOf } from './test-arbitraries.js';

const n = (i: number) => Uint8Array.from({ length: 16 }, (_, k) => (k === 0 ? i : 0));
const t0 = 1_000_000;

describe('TokenReplayGuard', () => {
  it('lets a nonce be claimed once', () => {
    const g = new TokenReplayGuard();
    expect(g.claim({ nonce: n(1), slot: 0, expiresAt: t0 + 10 }, { now: t0 })).toBe('claimed');
    expect(g.has(n(1), t0)).toBe(true);
    expect(errorCodeOf(() => g.claim({ nonce: n(1), slot: 0, expiresAt: t0 + 10 }, { now: t0 + 1 }))).toBe(
      'E_TOKEN_REUSED',
    );
    expect(g.claim({ nonce: n(2), slot: 1, expiresAt: t0 + 10 }, { now: t0 })).toBe('claimed');
    expect(g.size).toBe(2);
  });

  it('lets the child allow a rebind for the same slot, never for another', () => {
    const g = new TokenReplayGuard();
    g.claim({ nonce: n(1), slot: 4, expiresAt: t0 + 10 }, { now: t0 });
    expect(g.claim({ nonce: n(1), slot: 4, expiresAt: t0 + 10 }, { now: t0 + 5, allowRebind: true })).toBe('rebound');
    expect(
      errorCodeOf(() => g.claim({ nonce: n(1), slot: 5, expiresAt: t0 + 10 }, { now: t0 + 5, allowRebind: true })),
    ).toBe('E_TOKEN_REUSED');
  });

  it('refuses an expired claim and forgets expired nonces', () => {
    const g = new TokenReplayGuard();
    expect(errorCodeOf(() => g.claim({ nonce: n(1), slot: 0, expiresAt: t0 }, { now: t0 + 1 }))).toBe(
      'E_TOKEN_EXPIRED',
    );
    g.claim({ nonce: n(1), slot: 0, expiresAt: t0 }, { now: t0 });
    g.claim({ nonce: n(2), slot: 0, expiresAt: t0 + 100 }, { now: t0 });
    expect(g.has(n(1), t0 + 1)).toBe(false);
    expect(g.prune(t0 + 1)).toBe(1);
    expect(g.size).toBe(1);
    g.clear();
    expect(g.size).toBe(0);
  });

  it('stays bounded: evicts expired entries when full, fails closed when all are live', () => {
    const g = new TokenReplayGuard({ maxEntries: 2 });
    g.claim({ nonce: n(1), slot: 0, expiresAt: t0 + 1 }, { now: t0 });
    g.claim({ nonce: n(2), slot: 1, expiresAt: t0 + 100 }, { now: t0 });
    expect(errorCodeOf(() => g.claim({ nonce: n(3), slot: 2, expiresAt: t0 + 100 }, { now: t0 }))).toBe(
      'E_REPLAY_GUARD_FULL',
    );
    expect(g.claim({ nonce: n(3), slot: 2, expiresAt: t0 + 100 }, { now: t0 + 2 })).toBe('claimed');
    expect(g.size).toBe(2);
    // A rebind of a known nonce is not a new entry, so it works even when full.
    expect(g.claim({ nonce: n(2), slot: 1, expiresAt: t0 + 100 }, { now: t0 + 2, allowRebind: true })).toBe('rebound');
  });

  it('refuses bad options and non-bytes nonces', () => {
    expect(errorCodeOf(() => new TokenReplayGuard({ maxEntries: 0 }))).toBe('E_INVALID_ARGUMENT');
    expect(
      errorCodeOf(() =>
        new TokenReplayGuard().claim({ nonce: 'x' as unknown as Uint8Array, slot: 0, expiresAt: t0 }, { now: t0 }),
      ),
    ).toBe('E_INVALID_ARGUMENT');
    expect(new TokenReplayGuard().has('x' as unknown as Uint8Array)).toBe(false);
  });

  it('property: each distinct nonce is claimed exactly once among unexpired claims', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 20 }), { maxLength: 100 }), (ids) => {
        const g = new TokenReplayGuard();
        const seen = new Set<number>();
        for (const id of ids) {
          const code = errorCodeOf(() => g.claim({ nonce: n(id), slot: id, expiresAt: t0 + 1000 }, { now: t0 }));
          expect(code).toBe(seen.has(id) ? 'E_TOKEN_REUSED' : undefined);
          seen.add(id);
        }
        expect(g.size).toBe(seen.size);
      }),
    );
  });
});
