// Games in their own module: a file exporting `createGame(assignment)`, loaded by path (the server checks it at
// start; each child loads it for the games of the modes that name it).
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GameAssignment } from '@proj/protocol';
import { GameChildError } from './errors.js';
import type { Game } from './game.js';

/** What a game module exports: `createGame`, called once per game with its assignment (mode, seats, options). */
export type GameFactory = (assignment: GameAssignment) => Game;

/** The methods every {@link Game} has (`playerRenamed` is optional). */
const GAME_METHODS = [
  'setup',
  'start',
  'playerConnected',
  'playerDisconnected',
  'input',
  'tick',
  'snapshotFor',
  'result',
  'stop',
] as const;

const loaded = new Map<string, Promise<GameFactory>>();

function moduleError(path: string, why: string, cause?: unknown): GameChildError<'E_GAME_MODULE'> {
  return new GameChildError('E_GAME_MODULE', `game module ${path}: ${why}`, cause === undefined ? {} : { cause });
}

/**
 * Imports the ES module at `path` (an absolute file path; `.js` or `.mjs`, or anything this Node can import) and
 * returns its `createGame` export. Loaded once per process: later calls for the same path share the first import.
 * @throws GameChildError `E_GAME_MODULE` (rejects) when the path is not absolute, the file does not exist, the
 *   import fails (a syntax error, a missing dependency: `cause`), or the module exports no `createGame` function.
 */
export function loadGameModule(path: string): Promise<GameFactory> {
  let factory = loaded.get(path);
  if (factory === undefined) {
    factory = importFactory(path);
    loaded.set(path, factory);
    // A failure is not cached: the file may be fixed (or appear) before the next try.
    factory.catch(() => loaded.delete(path));
  }
  return factory;
}

async function importFactory(path: string): Promise<GameFactory> {
  if (!isAbsolute(path)) throw moduleError(path, 'the path must be absolute');
  if (!existsSync(path)) throw moduleError(path, 'no such file');
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw moduleError(path, `cannot be imported (${(error as Error)?.message ?? String(error)})`, error);
  }
  const createGame = exports['createGame'];
  if (typeof createGame !== 'function') {
    const names = Object.keys(exports);
    throw moduleError(
      path,
      `exports no createGame function (its exports: ${names.length === 0 ? 'none' : names.join(', ')}); ` +
        'write `export function createGame(assignment) { return game; }`',
    );
  }
  return createGame as GameFactory;
}

/**
 * Calls a game module's factory for `assignment` and checks that what it returned has every method of a
 * {@link Game}. `path` only names the module in messages.
 * @throws GameChildError `E_GAME_MODULE` when the factory throws (`cause`) or returns something else than a Game
 *   (the message names the missing methods).
 */
export function createGameFromModule(factory: GameFactory, assignment: GameAssignment, path: string): Game {
  let game: unknown;
  try {
    game = factory(assignment);
  } catch (error) {
    throw moduleError(path, `createGame threw (${(error as Error)?.message ?? String(error)})`, error);
  }
  if (typeof game !== 'object' || game === null) {
    throw moduleError(path, `createGame returned ${game === null ? 'null' : typeof game}, not a Game`);
  }
  if (typeof (game as { then?: unknown }).then === 'function') {
    throw moduleError(path, 'createGame returned a Promise; it must return the Game itself (synchronously)');
  }
  const missing = GAME_METHODS.filter((m) => typeof (game as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    throw moduleError(path, `createGame returned an object that is not a Game (missing: ${missing.join(', ')})`);
  }
  return game as Game;
}
