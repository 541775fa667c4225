import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_BIN, runProcess } from '@proj/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';

// The built bin refuses a game module it cannot use before it starts anything: exit 2, one line naming the mode
// and the absolute path. (The example game played by bots through the built server: examples/clicker/test.)

const dir = mkdtempSync(join(tmpdir(), 'proj-server-game-'));
beforeAll(() => ensureBuilt(), 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runBin = (args: readonly string[]) =>
  runProcess([process.execPath, SERVER_BIN, '--port', '0', '--admin-port', '0', ...args], {
    cwd: dir,
    what: 'proj-server',
  });

describe('a game module that cannot be used stops the server with exit code 2', () => {
  it('a missing file given by --game', async () => {
    const { code, stdout, stderr } = await runBin(['--game', './nope.js']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`invalid config: mode 'arena': game module ${join(dir, 'nope.js')}: no such file\n`);
  });

  it("a mode's game without a createGame export, and one whose factory returns no Game (config file)", async () => {
    writeFileSync(join(dir, 'default-export.mjs'), 'export default function createGame() {}');
    writeFileSync(join(dir, 'null.mjs'), 'export function createGame() { return null; }');
    const config = (modes: object): string => {
      const path = join(dir, `server-${Object.keys(modes).join('-')}.json`);
      writeFileSync(path, JSON.stringify({ modes }));
      return path;
    };
    const noFactory = await runBin([
      '--config',
      config({ clicker: { playersPerGame: 2, game: 'default-export.mjs' } }),
    ]);
    expect(noFactory.code).toBe(2);
    expect(noFactory.stderr).toBe(
      `invalid config: mode 'clicker': game module ${join(dir, 'default-export.mjs')}: exports no createGame function (its exports: default); write \`export function createGame(assignment) { return game; }\`\n`,
    );
    const notAGame = await runBin(['--config', config({ arena: 4, race: { playersPerGame: 2, game: './null.mjs' } })]);
    expect(notAGame.code).toBe(2);
    expect(notAGame.stderr).toBe(
      `invalid config: mode 'race': game module ${join(dir, 'null.mjs')}: createGame returned null, not a Game\n`,
    );
  });
});
