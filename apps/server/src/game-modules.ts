import { createGameFromModule, loadGameModule, resolveArenaOptions } from '@proj/game-child';
import type { ServerConfig } from './config-schema.js';
import { ServerConfigError } from './errors.js';
import { gameModulesOf } from './game-paths.js';

/** A throwaway secret for the sample assignment the factories are tried with (never used to sign anything). */
const SAMPLE_SECRET = Buffer.alloc(32).toString('base64');

/**
 * Checks every mode's game module (see gameModulesOf) the way a child will use it: imports it, and calls its
 * `createGame` with a sample assignment of the mode (its seats, its game options; port 1, nobody's secret), which
 * must return an object with every method of a Game. Nothing else of the game runs. With `builtInArena` (the children
 * run `@proj/game-child/main`), a mode without a module has its game options checked by the arena's own parser.
 * Resolves with the modules.
 * @throws ServerConfigError `E_INVALID_CONFIG` (rejects) for the first mode whose module is missing, does not import,
 *   has no `createGame` function, or whose factory throws or returns something else than a Game; the one-line message
 *   names the mode and the absolute path: `invalid config: mode 'clicker': game module /srv/clicker.js: no such file`,
 *   or the arena option: `invalid config: mode 'duel': arena option scoreToWin must be an integer in [1, 65535]...`.
 */
export async function checkGameModules(
  config: ServerConfig,
  options: { readonly builtInArena?: boolean } = {},
): Promise<Map<string, string>> {
  const modules = gameModulesOf(config);
  for (const mode of config.modes) {
    const path = modules.get(mode.name);
    if (path === undefined && options.builtInArena !== true) continue;
    try {
      // The built-in arena reads the mode's game options as its children will: a value out of range would otherwise
      // fail every launch of the mode, and its players would wait for ever.
      if (path === undefined) resolveArenaOptions(mode.gameOptions ?? {}, mode.playersPerGame);
      else createGameFromModule(await loadGameModule(path), sampleAssignment(mode, path), path);
    } catch (error) {
      const setting = mode.game !== undefined ? 'modes' : 'game';
      throw new ServerConfigError(
        'E_INVALID_CONFIG',
        `invalid config: mode '${mode.name}': ${(error as Error).message}`,
        { cause: error, setting },
      );
    }
  }
  return modules;
}

function sampleAssignment(
  mode: ServerConfig['modes'][number],
  gameModule: string,
): Parameters<typeof createGameFromModule>[1] {
  return {
    gameId: 'check',
    mode: mode.name,
    bindHost: '127.0.0.1',
    port: 1,
    players: Array.from({ length: mode.playersPerGame }, (_, slot) => ({ slot, name: `player${slot}` })),
    secretBase64: SAMPLE_SECRET,
    tokenExpiresAt: 0,
    ...(mode.gameOptions !== undefined ? { options: mode.gameOptions } : {}),
    gameModule,
  };
}
