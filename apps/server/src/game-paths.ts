import { dirname, resolve } from 'node:path';
import type { LoadedConfig } from './config-load.js';
import type { ServerConfig } from './config-schema.js';

/**
 * The configuration with every game module path made absolute: a mode's `game` (which only the config file can
 * give) and the `game` setting from the file are relative to the file's folder; the `game` setting from --game or
 * PROJ_GAME is relative to `cwd`.
 */
export function resolveGamePaths(loaded: LoadedConfig, cwd: string = process.cwd()): ServerConfig {
  const { config, sources, configFile } = loaded;
  const fileDir = configFile === undefined ? cwd : dirname(configFile);
  const baseOf = (source: LoadedConfig['sources'][keyof ServerConfig]): string =>
    source.kind === 'file' ? fileDir : cwd;
  return {
    ...config,
    game: config.game === undefined ? undefined : resolve(baseOf(sources.game), config.game),
    modes: config.modes.map((m) => (m.game === undefined ? m : { ...m, game: resolve(baseOf(sources.modes), m.game) })),
  };
}

/**
 * The game module of each mode that has one (its own `game`, else the `game` setting), made absolute against `cwd`
 * if still relative; modes without one run the arena.
 */
export function gameModulesOf(config: ServerConfig, cwd: string = process.cwd()): Map<string, string> {
  const modules = new Map<string, string>();
  for (const mode of config.modes) {
    const path = mode.game ?? config.game;
    if (path !== undefined) modules.set(mode.name, resolve(cwd, path));
  }
  return modules;
}
