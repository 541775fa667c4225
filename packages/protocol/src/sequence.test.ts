import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextSequence, sequenceDiff, sequenceGreaterThan, sequenceLessThan } from './sequence.js';

const seq = fc.integer({ min: 0, max: 0xffff });

describe('16-bit sequence arithmetic', () => {
  it('handles wraparound', () => {
    expect(sequenceGreaterThan(0, 65535)).toBe(true);
    expect(sequenceGreaterThan(65535, 0)).toBe(false);
    expect(sequenceGreaterThan(5, 65530)).toBe(true);
    expect(sequenceGreaterThan(1, 0)).toBe(true);
    expect(sequenceGreaterThan(0, 0)).toBe(false);
    expect(sequenceGreaterThan(32768, 0)).toBe(true);
    expect(sequenceGreaterThan(32769, 0)).toBe(false);
    expect(sequenceLessThan(65535, 0)).toBe(true);
    expect(sequenceDiff(0, 65535)).toBe(1);
    expect(sequenceDiff(65535, 0)).toBe(-1);
    expect(sequenceDiff(10, 10)).toBe(0);
    // Half the circle apart: the same tie-break as sequenceGreaterThan (found by the property below).
    expect(sequenceDiff(32768, 0)).toBe(32768);
    expect(sequenceDiff(0, 32768)).toBe(-32768);
    expect(sequenceGreaterThan(0, 32768)).toBe(false);
    expect(nextSequence(65535)).toBe(0);
    expect(nextSequence(7)).toBe(8);
  });

  it('property: exactly one of a > b, b > a, a == b holds', () => {
    fc.assert(
      fc.property(seq, seq, (a, b) => {
        const truths = [sequenceGreaterThan(a, b), sequenceGreaterThan(b, a), a === b].filter(Boolean);
        expect(truths).toHaveLength(1);
        expect(sequenceLessThan(a, b)).toBe(sequenceGreaterThan(b, a));
      }),
    );
  });

  it('property: diff agrees with greaterThan and undoes addition', () => {
    fc.assert(
      fc.property(seq, fc.integer({ min: -32768, max: 32768 }), (b, k) => {
        const a = (b + k + 0x10000) & 0xffff;
        const d = sequenceDiff(a, b);
        // Half the circle apart (|k| = 32768) both signs name the same sequence: the tie-break decides.
        if (Math.abs(k) === 32768) expect(Math.abs(d)).toBe(32768);
        else expect(d).toBe(k);
        expect(sequenceGreaterThan(a, b)).toBe(d > 0);
        expect(sequenceDiff(b, a)).toBe(a === b ? 0 : -d);
      }),
    );
  });

  it('property: nextSequence is always newer', () => {
    fc.assert(
      fc.property(seq, (s) => {
        expect(sequenceGreaterThan(nextSequence(s), s)).toBe(true);
      }),
    );
  });
});
