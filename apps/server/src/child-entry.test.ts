import { describe, expect, it } from 'vitest';
import { resolveChildEntry } from './child-entry.js';
import { ServerError } from './errors.js';
import { botsCommand, joinCommand } from './join-hint.js';

describe('resolveChildEntry', () => {
  const resolve = (s: string): string =>
    s === 'tsx' ? 'file:///repo/node_modules/tsx/dist/loader.mjs' : 'file:///repo/packages/game-child/dist/main.js';

  it('forks the built guard entry plainly when the server runs from its build', () => {
    expect(resolveChildEntry({ resolve, selfUrl: 'file:///repo/apps/server/dist/chunk-ABC.js' })).toEqual({
      path: '/repo/apps/server/dist/game-child-entry.cjs',
      execArgv: [],
    });
  });

  it('forks the source guard entry with tsx and the @proj/source condition when the server runs from source', () => {
    expect(resolveChildEntry({ resolve, selfUrl: 'file:///repo/apps/server/src/child-entry.ts' })).toEqual({
      path: '/repo/apps/server/src/game-child-entry.ts',
      execArgv: ['--import', 'file:///repo/node_modules/tsx/dist/loader.mjs', '--conditions=@proj/source'],
    });
  });

  it('throws E_START_FAILED when @proj/game-child/main cannot be resolved', () => {
    const fail = (): string => {
      throw new Error('Cannot find package');
    };
    expect(() => resolveChildEntry({ resolve: fail, selfUrl: 'file:///x/dist/a.js' })).toThrow(ServerError);
  });

  it('the default resolver finds the guard entry beside this module', () => {
    expect(resolveChildEntry().path).toMatch(/apps\/server\/src\/game-child-entry\.ts$/);
  });
});

describe('joinCommand', () => {
  it('is the cli-client play command, with 127.0.0.1 for a wildcard host', () => {
    expect(joinCommand({ host: '127.0.0.1' }, 7700)).toBe(
      'pnpm --filter @proj/cli-client start play --host 127.0.0.1 --port 7700',
    );
    expect(joinCommand({ host: '0.0.0.0' }, 9000, 'duel')).toBe(
      'pnpm --filter @proj/cli-client start play --host 127.0.0.1 --port 9000 --mode duel',
    );
    // With the modes, the players per game of the mode joined: the queue screen then says how many are missing.
    const modes = [
      { name: 'arena', playersPerGame: 4 },
      { name: 'duel', playersPerGame: 2 },
    ];
    expect(joinCommand({ host: '127.0.0.1', modes, defaultMode: 'arena' }, 7700)).toBe(
      'pnpm --filter @proj/cli-client start play --host 127.0.0.1 --port 7700 --per-game 4',
    );
    expect(joinCommand({ host: '127.0.0.1', modes, defaultMode: 'arena' }, 7700, 'duel')).toBe(
      'pnpm --filter @proj/cli-client start play --host 127.0.0.1 --port 7700 --mode duel --per-game 2',
    );
  });
});

describe('botsCommand', () => {
  it('fills the rest of a game of the default mode with bots; none for a one-player mode', () => {
    const modes = [
      { name: 'arena', playersPerGame: 4 },
      { name: 'solo', playersPerGame: 1 },
    ];
    expect(botsCommand({ host: '127.0.0.1', modes, defaultMode: 'arena' }, 7700)).toBe(
      'pnpm --filter @proj/cli-client start bots --host 127.0.0.1 --port 7700 --count 3',
    );
    expect(botsCommand({ host: '::', modes, defaultMode: 'arena' }, 9000)).toBe(
      'pnpm --filter @proj/cli-client start bots --host 127.0.0.1 --port 9000 --count 3',
    );
    expect(botsCommand({ host: '127.0.0.1', modes, defaultMode: 'solo' }, 7700)).toBeUndefined();
  });
});
