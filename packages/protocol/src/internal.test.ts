import { describe, expect, it } from 'vitest';
import * as internal from './internal.js';

describe('@proj/protocol/internal', () => {
  it('exports the shared runtime names and nothing else', () => {
    expect(Object.keys(internal).sort()).toEqual(['nodeCrypto', 'silentLogger']);
  });

  it('silentLogger discards everything and cannot be changed', () => {
    for (const level of ['debug', 'info', 'warn', 'error'] as const)
      expect(internal.silentLogger[level]('message', { a: 1 })).toBeUndefined();
    expect(Object.isFrozen(internal.silentLogger)).toBe(true);
  });
});
