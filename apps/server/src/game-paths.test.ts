import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config-load.js';
import { ServerConfigError } from './errors.js';
import { checkGameModules } from './game-modules.js';
import { gameModulesOf, resolveGamePaths } from './game-paths.js';

const file = (text: string) => () => text;

describe('the game module settings', () => {
  it('a mode names its game in the file, relative to the file; --game covers the modes that name none', () => {
    const loaded = loadConfig({
      configFlag: 'conf/server.json',
      cwd: '/srv',
      flags: { game: 'games/default.js' },
      readFile: file(
        JSON.stringify({ modes: { clicker: { playersPerGame: 2, game: './games/clicker.js' }, arena: 4 } }),
      ),
    });
    expect(loaded.config.modes[0]).toEqual({ name: 'clicker', playersPerGame: 2, game: './games/clicker.js' });
    const config = resolveGamePaths(loaded, '/work');
    expect(config.game).toBe('/work/games/default.js');
    expect(config.modes[0]!.game).toBe('/srv/conf/games/clicker.js');
    expect([...gameModulesOf(config)]).toEqual([
      ['clicker', '/srv/conf/games/clicker.js'],
      ['arena', '/work/games/default.js'],
    ]);
  });

  it('the "game" key of the file is relative to the file; PROJ_GAME to the working directory; none: the arena', () => {
    const fromFile = loadConfig({ configFlag: '/etc/proj/server.json', readFile: file('{"game": "clicker.js"}') });
    expect(resolveGamePaths(fromFile, '/work').game).toBe('/etc/proj/clicker.js');
    const fromEnv = loadConfig({ env: { PROJ_GAME: 'g/clicker.js' } });
    expect(resolveGamePaths(fromEnv, '/work').game).toBe('/work/g/clicker.js');
    expect(gameModulesOf(resolveGamePaths(loadConfig({}), '/work')).size).toBe(0);
  });

  it.each([
    [
      { clicker: { playersPerGame: 2, game: 3 } },
      "game of mode 'clicker': expected a path to a game module, got number",
    ],
    [{ clicker: { playersPerGame: 2, game: '' } }, "game of mode 'clicker': must be the path of a game module"],
    [
      { clicker: { playersPerGame: 2, gmae: 'x.js' } },
      "mode 'clicker' has unknown key 'gmae' (expected playersPerGame, gameOptions, game)",
    ],
  ])('refuses a bad mode game %j', (modes, message) => {
    expect(() => loadConfig({ configFlag: 's.json', readFile: file(JSON.stringify({ modes })) })).toThrow(message);
  });
});

describe('checkGameModules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'server-game-modules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const module = (name: string, source: string): string => {
    writeFileSync(join(dir, name), source);
    return join(dir, name);
  };
  const configWith = (game: string) =>
    resolveGamePaths(loadConfig({ flags: { game, modes: 'duel:2,solo:1', defaultMode: 'solo' } }), dir);

  it("resolves with each mode's module when every factory returns a Game for that mode", async () => {
    const good = module(
      'good.mjs',
      `const noop = () => {};
       export function createGame(a) {
         if (a.players.length < 1 || a.gameModule === undefined) throw new Error('bad sample');
         return { setup: noop, start: noop, playerConnected: noop, playerDisconnected: noop, input: () => true,
           tick: noop, snapshotFor: () => new Uint8Array(0), result: () => undefined, stop: noop };
       }`,
    );
    expect([...(await checkGameModules(configWith('good.mjs')))]).toEqual([
      ['duel', good],
      ['solo', good],
    ]);
  });

  it('refuses, naming the mode and the absolute path: missing file, no factory, not a Game', async () => {
    const reject = async (game: string): Promise<ServerConfigError> => {
      const error: unknown = await checkGameModules(configWith(game)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ServerConfigError);
      expect((error as ServerConfigError).code).toBe('E_INVALID_CONFIG');
      return error as ServerConfigError;
    };
    expect((await reject('nope.js')).message).toBe(
      `invalid config: mode 'duel': game module ${join(dir, 'nope.js')}: no such file`,
    );
    module('none.mjs', 'export const game = 1;');
    expect((await reject('none.mjs')).message).toContain(
      `invalid config: mode 'duel': game module ${join(dir, 'none.mjs')}: exports no createGame function`,
    );
    module('half.mjs', 'export function createGame() { return { setup() {} }; }');
    expect((await reject('half.mjs')).message).toContain(
      `invalid config: mode 'duel': game module ${join(dir, 'half.mjs')}: createGame returned an object that is not a Game (missing: start,`,
    );
  });

  it('with the built-in arena, checks the game options of the modes without a module, as the arena reads them', async () => {
    const arenaConfig = (gameOptions: Record<string, unknown>) =>
      resolveGamePaths(
        loadConfig({
          configFlag: 'server.json',
          readFile: () => JSON.stringify({ modes: { duel: { playersPerGame: 2, gameOptions } } }),
          cwd: dir,
        }),
        dir,
      );
    const bad = arenaConfig({ scoreToWin: 1_000_000 });
    // Without the built-in arena (a custom child entry), the options are that entry's business.
    expect([...(await checkGameModules(bad))]).toEqual([]);
    const error: unknown = await checkGameModules(bad, { builtInArena: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServerConfigError);
    expect((error as ServerConfigError).message).toBe(
      "invalid config: mode 'duel': arena option scoreToWin must be an integer in [1, 65535], got 1000000",
    );
    expect([...(await checkGameModules(arenaConfig({ scoreToWin: 60_000 }), { builtInArena: true }))]).toEqual([]);
  });
});
