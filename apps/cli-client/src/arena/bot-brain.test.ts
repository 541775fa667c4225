import { ArenaDirection } from '@proj/client-sdk';
import { describe, expect, it } from 'vitest';
import { ArenaState } from './arena-state.js';
import { snapshot, welcome } from './arena-test-data.js';
import { BotBrain } from './bot-brain.js';

describe('BotBrain', () => {
  it('waits until it knows the grid and its position', () => {
    expect(new BotBrain().decide(new ArenaState(0))).toBeUndefined();
  });

  it('walks around the wall toward the nearest item, and dashes on a long straight', () => {
    const state = new ArenaState(0);
    state.applyEvent(welcome(0));
    // Me at (0,1), item at (4,1), wall at (2,1)/(2,2): the shortest path starts up (via row 0) or down (row 3).
    state.applySnapshot(snapshot());
    const input = new BotBrain(() => 0.5).decide(state)!;
    expect([ArenaDirection.UP, ArenaDirection.DOWN]).toContain(input.direction);
    // Me at (0,0), item at (5,0): a straight run; dash ready -> the dash counter moves.
    state.applySnapshot(
      snapshot({
        players: [{ slot: 0, x: 0, y: 0, direction: 0, connected: true, stunned: false, dashReady: true, score: 0 }],
        items: [{ x: 5, y: 0, kind: 0 }],
      }),
    );
    const brain = new BotBrain(() => 0.5);
    expect(brain.decide(state)).toEqual({ direction: ArenaDirection.RIGHT, dashCounter: 1 });
  });

  it('wanders through open cells when no item is reachable', () => {
    const state = new ArenaState(0);
    state.applyEvent(welcome(0));
    state.applySnapshot(snapshot({ items: [] }));
    const input = new BotBrain(() => 0).decide(state)!;
    expect(input.direction).not.toBe(ArenaDirection.NONE);
  });
});
