import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NoShowGuard } from './no-show-guard.js';
import { NO_SHOW_DEFAULTS, resolveNoShowPolicy, type NoShowPolicy } from './no-show-options.js';

const policy: NoShowPolicy = { maxQueuedPerIp: 16, limit: 3, windowMs: 60_000, backoffMs: 10_000 };

function guard(p: NoShowPolicy = policy): { guard: NoShowGuard; clock: { now: number } } {
  const clock = { now: 1_000 };
  return { guard: new NoShowGuard(p, () => clock.now), clock };
}

describe('NoShowGuard', () => {
  it('refuses an address that never joins after `limit` no-shows, for the backoff, then lets it in again', () => {
    const { guard: g, clock } = guard();
    expect(g.seat('10.0.0.1', 'mallory', false)).toEqual([]);
    expect(g.seat('10.0.0.1', 'mallory2', false)).toEqual([]);
    expect(g.refusal('10.0.0.1', 'eve')).toBeUndefined();
    expect(g.seat('10.0.0.1', 'mallory3', false)).toEqual([
      { kind: 'address', key: '10.0.0.1', noShows: 3, backoffMs: 10_000 },
    ]);
    expect(g.refusal('10.0.0.1', 'eve')).toEqual({ kind: 'address', noShows: 3, retryAfterMs: 10_000 });
    expect(g.refusal('10.0.0.2', 'eve')).toBeUndefined();
    clock.now += 9_999;
    expect(g.refusal('10.0.0.1', 'eve')?.retryAfterMs).toBe(1);
    clock.now += 1;
    expect(g.refusal('10.0.0.1', 'eve')).toBeUndefined();
  });

  it('counts one offence however many no-shows are reported while refused', () => {
    const { guard: g, clock } = guard();
    const trips = Array.from({ length: 16 }, (_, i) => g.seat('10.0.0.1', `s${i}`, false)).flat();
    expect(trips.filter((b) => b.kind === 'address')).toEqual([
      { kind: 'address', key: '10.0.0.1', noShows: 3, backoffMs: 10_000 },
    ]);
    clock.now += 10_000;
    expect(g.seat('10.0.0.1', 'again', false)).toContainEqual({
      kind: 'address',
      key: '10.0.0.1',
      noShows: 17,
      backoffMs: 20_000,
    });
  });

  it('doubles the refusal at each further offence within the window, up to the window', () => {
    const { guard: g, clock } = guard({ ...policy, windowMs: 100_000 });
    const lengths: number[] = [];
    for (let offence = 0; offence < 5; offence++) {
      // Three more matches never joined, once the previous refusal is over.
      const trips = ['x', 'y', 'z'].flatMap((n) => g.seat('10.0.0.1', `${n}${offence}`, false));
      lengths.push(trips.find((b) => b.kind === 'address')?.backoffMs ?? 0);
      clock.now += lengths.at(-1)!;
    }
    expect(lengths).toEqual([10_000, 20_000, 40_000, 80_000, 100_000]);
  });

  it('forgives once the window holds no no-show', () => {
    const { guard: g, clock } = guard();
    for (const n of ['a', 'b', 'c']) g.seat('10.0.0.1', n, false);
    clock.now += 61_000;
    expect(g.refusal('10.0.0.1', 'z')).toBeUndefined();
    g.seat('10.0.0.1', 'd', false);
    g.seat('10.0.0.1', 'e', false);
    expect(g.seat('10.0.0.1', 'f', false)[0]?.backoffMs).toBe(10_000);
  });

  it('never refuses an address whose joins outnumber its no-shows (honest players behind one NAT)', () => {
    const { guard: g, clock } = guard();
    for (let i = 0; i < 200; i++) {
      clock.now += 100;
      expect(g.seat('203.0.113.7', `p${i}`, i % 3 !== 0)).toEqual([]); // a third never show up
      expect(g.refusal('203.0.113.7', 'newcomer')).toBeUndefined();
    }
  });

  it('refuses a name that keeps not showing up from changing addresses, case-insensitively', () => {
    const { guard: g } = guard();
    g.seat('10.0.0.1', 'Mallory', false);
    g.seat('10.0.0.2', 'mallory', false);
    expect(g.seat('10.0.0.3', 'MALLORY', false)).toEqual([
      { kind: 'name', key: 'mallory', noShows: 3, backoffMs: 10_000 },
    ]);
    expect(g.refusal('10.0.0.9', 'mallory')).toMatchObject({ kind: 'name', noShows: 3 });
    expect(g.refusal('10.0.0.9', 'alice')).toBeUndefined();
  });

  it('does nothing with a limit of 0', () => {
    const { guard: g } = guard({ ...policy, limit: 0 });
    for (let i = 0; i < 10; i++) expect(g.seat('10.0.0.1', 'm', false)).toEqual([]);
    expect(g.refusal('10.0.0.1', 'm')).toBeUndefined();
    expect(g.size).toBe(0);
  });

  it('keeps its memory bounded whatever addresses and names it sees', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.ipV4(), fc.string({ maxLength: 4 }), fc.boolean()), { maxLength: 300 }),
        (seats) => {
          const { guard: g, clock } = guard();
          for (const [address, name, joined] of seats) {
            clock.now += 10;
            g.seat(address, name, joined);
            const refusal = g.refusal(address, name);
            if (refusal !== undefined) expect(refusal.retryAfterMs).toBeGreaterThan(0);
          }
          expect(g.size).toBeLessThanOrEqual(2 * seats.length);
        },
      ),
    );
  });
});

describe('resolveNoShowPolicy', () => {
  it('applies the defaults and names a bad option', () => {
    expect(resolveNoShowPolicy({})).toEqual({
      maxQueuedPerIp: NO_SHOW_DEFAULTS.maxQueuedPerIp,
      limit: 3,
      windowMs: 600_000,
      backoffMs: 30_000,
    });
    expect(resolveNoShowPolicy({ maxQueuedPerIp: 0 })).toMatch(/^maxQueuedPerIp must be/);
    expect(resolveNoShowPolicy({ noShowLimit: -1 })).toMatch(/^noShowLimit must be/);
    expect(resolveNoShowPolicy({ noShowWindowMs: 1.5 })).toMatch(/^noShowWindowMs must be/);
    expect(resolveNoShowPolicy({ noShowBackoffMs: 0 })).toMatch(/^noShowBackoffMs must be/);
  });
});
