import { CHALLENGE_COOKIE_BYTES } from '@proj/protocol';
import { describe, expect, it } from 'vitest';
import { ChallengeTable, sameCookie } from './challenges.js';

const token = Uint8Array.of(1, 2, 3);

describe('ChallengeTable', () => {
  it('issues an unpredictable cookie per seat and address, the same one again for a resend', () => {
    const t = new ChallengeTable();
    const a = t.issue(0, 'a', token);
    expect(a).toHaveLength(CHALLENGE_COOKIE_BYTES);
    expect(t.issue(0, 'a', token)).toBe(a);
    const b = t.issue(1, 'b', token);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(false);
    expect(t.size).toBe(2);
    expect(t.has('a') && t.has('b')).toBe(true);
  });

  it('passes only the cookie sent to that address, and changes nothing when checking', () => {
    const t = new ChallengeTable();
    const cookie = t.issue(0, 'a', token);
    expect(t.check('b', cookie)).toEqual({ kind: 'none' });
    const wrong = cookie.slice();
    wrong[0]! ^= 1;
    expect(t.check('a', wrong)).toEqual({ kind: 'mismatch' });
    expect(t.check('a', new Uint8Array(3))).toEqual({ kind: 'mismatch' });
    const passed = t.check('a', cookie.slice());
    expect(passed).toMatchObject({ kind: 'passed', pending: { slot: 0, key: 'a', token } });
    expect(t.has('a')).toBe(true);
    t.clearKey('a');
    expect(t.check('a', cookie)).toEqual({ kind: 'none' });
    expect(t.size).toBe(0);
  });

  it('keeps one challenge per seat and one per address: a newer request replaces the older', () => {
    const t = new ChallengeTable();
    const first = t.issue(0, 'a', token);
    const moved = t.issue(0, 'b', token); // same seat, another address
    expect(t.has('a')).toBe(false);
    expect(t.check('b', moved).kind).toBe('passed');
    expect(t.check('b', first).kind).toBe('mismatch');
    t.issue(1, 'b', token); // same address, another seat
    expect(t.size).toBe(1);
    t.clearSlot(1);
    expect(t.has('b')).toBe(false);
  });

  it('keeps its own copy of the token', () => {
    const t = new ChallengeTable();
    const bytes = Uint8Array.of(9, 9);
    const cookie = t.issue(0, 'a', bytes);
    bytes[0] = 0;
    const check = t.check('a', cookie);
    expect(check.kind === 'passed' && check.pending.token[0]).toBe(9);
  });

  it('sameCookie compares whole cookies only', () => {
    const c = new Uint8Array(CHALLENGE_COOKIE_BYTES).fill(4);
    expect(sameCookie(c, c.slice())).toBe(true);
    expect(sameCookie(undefined, c)).toBe(false);
    expect(sameCookie(c.subarray(1), c.subarray(1))).toBe(false);
  });
});
