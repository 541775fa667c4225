import { ArenaDirection } from '@proj/client-sdk';
import { describe, expect, it } from 'vitest';
import { parseKeys } from './keys.js';

describe('parseKeys', () => {
  it('maps arrows (CSI and SS3), WASD in either case, space, x and the quit keys', () => {
    expect(parseKeys('\x1b[A\x1b[B\x1b[C\x1b[D')).toEqual([
      { kind: 'move', direction: ArenaDirection.UP },
      { kind: 'move', direction: ArenaDirection.DOWN },
      { kind: 'move', direction: ArenaDirection.RIGHT },
      { kind: 'move', direction: ArenaDirection.LEFT },
    ]);
    expect(parseKeys('\x1bOA')).toEqual([{ kind: 'move', direction: ArenaDirection.UP }]);
    expect(parseKeys('wAsD').map((a) => (a.kind === 'move' ? a.direction : a.kind))).toEqual([1, 3, 2, 4]);
    expect(parseKeys(' x').map((a) => a.kind)).toEqual(['dash', 'stop']);
    for (const quit of ['q', 'Q', '\x03', '\x04', '\x1b']) expect(parseKeys(quit)).toEqual([{ kind: 'quit' }]);
  });

  it('skips unknown keys and escape sequences without losing the keys around them', () => {
    expect(parseKeys('z\x1b[15~w').map((a) => a.kind)).toEqual(['other', 'other', 'move']);
  });
});
