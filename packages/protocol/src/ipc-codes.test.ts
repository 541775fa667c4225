import { describe, expect, it } from 'vitest';
import { GameExitCode, describeGameExitCode } from './ipc-codes.js';

describe('IPC contract', () => {
  it('names exit codes', () => {
    expect(describeGameExitCode(GameExitCode.NO_PLAYERS)).toBe('NO_PLAYERS');
    expect(describeGameExitCode(GameExitCode.GAME_OVER)).toBe('GAME_OVER');
    expect(describeGameExitCode(77)).toBe('EXIT_77');
  });
});
