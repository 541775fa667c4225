import { ArenaEndReason, ArenaEventType, encodeArenaEvent } from '@proj/client-sdk';
import { describe, expect, it } from 'vitest';
import { ArenaState } from './arena-state.js';
import { snapshot, welcome } from './arena-test-data.js';

describe('ArenaState', () => {
  it('learns the grid, names, happenings and snapshots', () => {
    const state = new ArenaState(0);
    state.applyEvent(welcome(0));
    state.applyEvent(
      encodeArenaEvent({
        type: ArenaEventType.ROSTER,
        players: [
          { slot: 0, name: 'ada' },
          { slot: 1, name: 'bob' },
        ],
      }),
    );
    state.applyEvent(encodeArenaEvent({ type: ArenaEventType.ITEM_COLLECTED, slot: 1, kind: 1, x: 1, y: 1, score: 4 }));
    state.applySnapshot(snapshot());
    expect(state.rules).toMatchObject({ width: 6, height: 4, scoreToWin: 5 });
    expect(state.isWall(2, 1)).toBe(true);
    expect(state.isWall(1, 1)).toBe(false);
    expect(state.isWall(-1, 0)).toBe(true);
    expect(state.nameOf(1)).toBe('bob');
    expect(state.nameOf(7)).toBe('P7');
    expect(state.me()).toMatchObject({ x: 0, y: 1, score: 2 });
    expect(state.log).toEqual(['bob took a star (4)']);
  });

  it('decodes the game over results, and counts bytes it cannot decode', () => {
    const state = new ArenaState(1);
    state.applyEvent(Uint8Array.of(99));
    state.applySnapshot(Uint8Array.of(1, 2));
    expect(state.malformed).toBe(2);
    const data = encodeArenaEvent({
      type: ArenaEventType.GAME_OVER,
      reason: ArenaEndReason.SCORE_REACHED,
      standings: [
        { slot: 1, score: 5, connected: true },
        { slot: 0, score: 3, connected: true },
      ],
    });
    state.applyGameOver({ reason: 1, reasonName: 'COMPLETED', data });
    expect(state.result).toEqual({
      reasonName: 'COMPLETED',
      arenaReason: ArenaEndReason.SCORE_REACHED,
      standings: [
        { slot: 1, score: 5, connected: true },
        { slot: 0, score: 3, connected: true },
      ],
    });
  });
});
