import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GameAssignment } from '@proj/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { type GameChildError, createGameFromModule, isGameChildError, loadGameModule } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'game-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an ES module into the temporary folder; returns its absolute path. */
function moduleFile(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

const GAME = `{ setup() {}, start() {}, playerConnected() {}, playerDisconnected() {}, input: () => true, tick() {},
  snapshotFor: () => new Uint8Array(0), result: () => undefined, stop: () => ({ reason: 'shutdown', standings: [] }) }`;

const assignment: GameAssignment = {
  gameId: 'g',
  mode: 'clicker',
  bindHost: '127.0.0.1',
  port: 1,
  players: [{ slot: 0, name: 'ada' }],
  secretBase64: Buffer.alloc(32).toString('base64'),
  tokenExpiresAt: 0,
  options: { pressesToWin: 5 },
};

async function loadError(path: string): Promise<GameChildError> {
  const error: unknown = await loadGameModule(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isGameChildError(error, 'E_GAME_MODULE')).toBe(true);
  return error as GameChildError;
}

async function createError(path: string): Promise<GameChildError> {
  const factory = await loadGameModule(path);
  try {
    createGameFromModule(factory, assignment, path);
  } catch (error) {
    expect(isGameChildError(error, 'E_GAME_MODULE')).toBe(true);
    return error as GameChildError;
  }
  throw new Error('no error');
}

describe('loadGameModule / createGameFromModule', () => {
  it('loads createGame once per path and calls it with the assignment', async () => {
    const path = moduleFile(
      'good.mjs',
      `export let calls = 0;\nexport function createGame(a) { calls++; return { ...${GAME}, mode: a.mode, presses: a.options.pressesToWin }; }`,
    );
    const factory = await loadGameModule(path);
    expect(await loadGameModule(path)).toBe(factory);
    const game = createGameFromModule(factory, assignment, path) as unknown as Record<string, unknown>;
    expect(game).toMatchObject({ mode: 'clicker', presses: 5 });
  });

  it('refuses a relative path, a missing file, a module that does not import', async () => {
    expect((await loadError('games/clicker.js')).message).toBe(
      'game module games/clicker.js: the path must be absolute',
    );
    const missing = join(dir, 'nope.mjs');
    expect((await loadError(missing)).message).toBe(`game module ${missing}: no such file`);
    const broken = moduleFile('broken.mjs', 'export function createGame( {');
    const error = await loadError(broken);
    expect(error.message).toMatch(new RegExp(`^game module ${broken}: cannot be imported \\(.+\\)$`));
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('refuses a module without a createGame function, naming what it exports', async () => {
    const path = moduleFile('no-factory.mjs', `export const createGames = () => (${GAME});\nexport default 1;`);
    expect((await loadError(path)).message).toContain(
      'exports no createGame function (its exports: createGames, default)',
    );
    const empty = moduleFile('empty.mjs', '');
    expect((await loadError(empty)).message).toContain('(its exports: none)');
  });

  it('refuses a factory that throws, returns no object, a Promise, or an object missing Game methods', async () => {
    const throws = moduleFile('throws.mjs', `export function createGame() { throw new Error('no seats'); }`);
    expect((await createError(throws)).message).toBe(`game module ${throws}: createGame threw (no seats)`);
    const nothing = moduleFile('nothing.mjs', `export function createGame() {}`);
    expect((await createError(nothing)).message).toBe(
      `game module ${nothing}: createGame returned undefined, not a Game`,
    );
    const later = moduleFile('later.mjs', `export async function createGame() { return ${GAME}; }`);
    expect((await createError(later)).message).toContain('createGame returned a Promise');
    const partial = moduleFile('partial.mjs', `export function createGame() { return { setup() {}, start() {} }; }`);
    expect((await createError(partial)).message).toBe(
      `game module ${partial}: createGame returned an object that is not a Game (missing: playerConnected, playerDisconnected, input, tick, snapshotFor, result, stop)`,
    );
  });

  it('tries again after a failure (the file may appear)', async () => {
    const path = join(dir, 'later-file.mjs');
    await loadError(path);
    moduleFile('later-file.mjs', `export function createGame() { return ${GAME}; }`);
    expect(typeof (await loadGameModule(path))).toBe('function');
  });
});
