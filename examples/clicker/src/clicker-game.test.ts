import type { GameContext } from '@proj/game-child';
import { describe, expect, it } from 'vitest';
import {
  ClickerCodecError,
  NO_WINNER,
  clickerRules,
  createClickerGame,
  decodeInput,
  decodeOutcome,
  decodeState,
  decodeWelcome,
  encodeInput,
  encodeOutcome,
  encodeState,
  encodeWelcome,
} from './index.js';

const context: GameContext = { sendReliable() {}, logger: { debug() {}, info() {}, warn() {}, error() {} } };

describe('clicker codec', () => {
  it('round-trips every message and refuses wrong lengths', () => {
    expect(decodeInput(encodeInput(4_000_000_000))).toBe(4_000_000_000);
    expect(decodeWelcome(encodeWelcome(7, { pressesToWin: 50, timeLimitMs: 90_000 }))).toEqual({
      slot: 7,
      rules: { pressesToWin: 50, timeLimitMs: 90_000 },
    });
    const scores = [
      { slot: 0, score: 3 },
      { slot: 254, score: 65_535 },
    ];
    expect(decodeState(encodeState({ remainingMs: 1234, scores }))).toEqual({ remainingMs: 1234, scores });
    expect(decodeOutcome(encodeOutcome({ winner: NO_WINNER, standings: scores }))).toEqual({
      winner: NO_WINNER,
      standings: scores,
    });
    expect(() => decodeInput(new Uint8Array(3))).toThrow(ClickerCodecError);
    expect(() => decodeState(encodeState({ remainingMs: 1, scores }).subarray(0, 9))).toThrow(ClickerCodecError);
    expect(() => decodeOutcome(new Uint8Array(0))).toThrow(ClickerCodecError);
  });
});

describe('clicker rules', () => {
  it('counts one press per tick, only once play began; the first to the target wins, its result names it', () => {
    const game = createClickerGame({ pressesToWin: 2, timeLimitMs: 10_000 });
    game.setup(
      [
        { slot: 0, name: 'a' },
        { slot: 1, name: 'b' },
      ],
      context,
    );
    expect(game.input(0, encodeInput(5))).toBe(true); // before start: not counted
    game.start();
    game.input(0, encodeInput(1));
    game.input(1, encodeInput(1));
    game.tick(50);
    expect(decodeState(game.snapshotFor(0)).scores).toEqual([
      { slot: 0, score: 1 },
      { slot: 1, score: 1 },
    ]);
    game.input(0, encodeInput(9)); // a jump of the counter still counts once
    game.input(1, encodeInput(1)); // nothing new
    game.tick(50);
    const result = game.result()!;
    expect(result.reason).toBe('won');
    expect(decodeOutcome(result.data!)).toEqual({
      winner: 0,
      standings: [
        { slot: 0, score: 2 },
        { slot: 1, score: 1 },
      ],
    });
  });

  it('at the time limit the best wins, a tie has no winner; a stop gives the standings so far', () => {
    const timed = createClickerGame({ pressesToWin: 100, timeLimitMs: 1000 });
    timed.setup(
      [
        { slot: 0, name: 'a' },
        { slot: 1, name: 'b' },
      ],
      context,
    );
    timed.start();
    timed.tick(1000);
    expect(timed.result()!.reason).toBe('timeUp');
    expect(decodeOutcome(timed.result()!.data!).winner).toBe(NO_WINNER);
    const stopped = createClickerGame();
    stopped.setup([{ slot: 3, name: 'c' }], context);
    stopped.start();
    stopped.input(3, encodeInput(1));
    stopped.tick(50);
    expect(decodeOutcome(stopped.stop('shutdown').data!)).toEqual({ winner: 3, standings: [{ slot: 3, score: 1 }] });
  });

  it('reads its rules from the mode options and refuses bad ones', () => {
    expect(clickerRules({ pressesToWin: 5, other: 'ignored' })).toEqual({ pressesToWin: 5, timeLimitMs: 60_000 });
    expect(() => clickerRules({ pressesToWin: 0 })).toThrow(
      'clicker option pressesToWin must be an integer in 1..65535, got 0',
    );
    expect(() => clickerRules({ timeLimitMs: '1s' })).toThrow(RangeError);
  });
});
