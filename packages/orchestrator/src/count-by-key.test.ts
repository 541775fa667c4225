import { describe, expect, it } from 'vitest';
import { CountByKey } from './count-by-key.js';

describe('CountByKey', () => {
  it('counts up and down, never below 0, and forgets keys at 0', () => {
    const counts = new CountByKey();
    counts.add('a');
    counts.add('a');
    counts.add('b');
    expect([counts.get('a'), counts.get('b'), counts.get('c'), counts.size]).toEqual([2, 1, 0, 2]);
    counts.remove('a');
    counts.remove('b');
    counts.remove('c');
    expect([counts.get('a'), counts.get('b'), counts.get('c'), counts.size]).toEqual([1, 0, 0, 1]);
  });
});
