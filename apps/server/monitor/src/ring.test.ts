import { describe, expect, it } from 'vitest';
import { ringCellModel, samePorts } from './ring.js';

describe('ringCellModel', () => {
  it('labels an in-use cell with its port and game', () => {
    expect(ringCellModel({ port: 7003, state: 'in-use', gameId: 'abc-123' })).toEqual({
      port: 7003,
      state: 'in-use',
      label: 'Port 7003: in use by game abc-123',
      gameId: 'abc-123',
    });
  });

  it('labels free and quarantined cells, without a game', () => {
    expect(ringCellModel({ port: 7000, state: 'free' }).label).toBe('Port 7000: free');
    const quarantined = ringCellModel({ port: 7001, state: 'quarantined', gameId: 'stale' });
    expect(quarantined.label).toMatch(/^Port 7001: quarantined/);
    expect(quarantined.gameId).toBeUndefined();
  });

  it('says an in-use cell without a game id is in use', () => {
    expect(ringCellModel({ port: 7002, state: 'in-use' }).label).toBe('Port 7002: in use');
  });
});

describe('samePorts', () => {
  it('compares the ports, not their states', () => {
    expect(
      samePorts(
        [1, 2],
        [
          { port: 1, state: 'free' },
          { port: 2, state: 'in-use' },
        ],
      ),
    ).toBe(true);
    expect(samePorts([1, 2], [{ port: 1, state: 'free' }])).toBe(false);
    expect(
      samePorts(
        [1, 3],
        [
          { port: 1, state: 'free' },
          { port: 2, state: 'free' },
        ],
      ),
    ).toBe(false);
  });
});
