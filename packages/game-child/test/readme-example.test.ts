// The README's "Writing your own Game" example, run for real: the README still holds the exact code of
// test/fixtures/clicker.ts, the game plays to its end over UDP in-process, and the README's custom process
// entry (test/fixtures/clicker-entry.ts) runs it as a forked child that reports and exits like the arena's.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GameExitCode, GameOverReason, ShutdownReason } from '@proj/protocol';
import { describe, expect, it } from 'vitest';
import { startGame } from '../src/index.js';
import { createClicker } from './fixtures/clicker.js';
import { freeUdpPort } from '@proj/test-utils';
import { closedAfterEach, ForkedChild, TestClient, testGame, WAIT_MS } from './helpers.js';

const { closeLater } = closedAfterEach();

const scoreOf = (snapshot: Uint8Array, seat: number): number =>
  ((snapshot[seat * 2] ?? 0) << 8) | (snapshot[seat * 2 + 1] ?? 0);

/** Presses `times` times, each once the previous press shows in a snapshot (newest input wins: never two per tick). */
async function press(c: TestClient, seat: number, times: number): Promise<void> {
  for (let i = 1; i <= times; i++) {
    const since = c.received.length;
    c.input(Uint8Array.of(1));
    await c.waitFor('snapshot', (p) => scoreOf(p.data, seat) >= i, WAIT_MS, since);
  }
}

describe('the README Game example', () => {
  it('is the code the README shows', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const fixture = readFileSync(new URL('./fixtures/clicker.ts', import.meta.url), 'utf8');
    const body = fixture.slice(fixture.indexOf('/** First to press'));
    expect(body.length).toBeGreaterThan(500);
    expect(readme).toContain(body);
  });

  it('plays to its end in-process: welcome events, scores in snapshots, bad input counted, the winner first', async () => {
    const g = testGame(2);
    const server = await startGame({ assignment: g.assignment, game: createClicker(3), lingerMs: 2000 });
    closeLater(server);
    const a = await TestClient.open(server.port);
    const b = await TestClient.open(server.port);
    closeLater(a, b);
    expect(await a.connect(g.token(0))).toMatchObject({ type: 'accepted', slot: 0 });
    expect(await b.connect(g.token(1))).toMatchObject({ type: 'accepted', slot: 1 });
    expect([...(await a.waitFor('reliableEvent')).data]).toEqual([1, 0]);
    expect([...(await b.waitFor('reliableEvent')).data]).toEqual([1, 1]);
    await a.waitFor('snapshot', (p) => p.data.length === 4); // playing: one u16 per seat
    b.input(Uint8Array.of(7)); // not a press
    await expect.poll(() => server.stats().dropped.badInput, { timeout: WAIT_MS }).toBe(1);
    await press(b, 1, 1);
    await press(a, 0, 2);
    a.input(Uint8Array.of(1)); // the third press wins
    for (const c of [a, b]) {
      const over = await c.waitFor('gameOver');
      expect(over.reason).toBe(GameOverReason.COMPLETED);
      expect([...over.data]).toEqual([0]); // the winner's slot: the result data every player gets
    }
    const end = await server.closed;
    expect(end).toMatchObject({ reason: 'gameOver', exitCode: GameExitCode.GAME_OVER, result: { reason: 'won' } });
    expect(end.results).toEqual([
      { slot: 0, name: 'player0', score: 3, connected: true },
      { slot: 1, name: 'player1', score: 1, connected: true },
    ]);
  });

  it('runs as a forked child through the README custom entry, reporting the game and exiting GAME_OVER', async () => {
    const child = new ForkedChild(fileURLToPath(new URL('./fixtures/clicker-entry.ts', import.meta.url)));
    closeLater({ close: () => child.kill() });
    await child.next('idle');
    const g = testGame(1, { port: await freeUdpPort() });
    child.start(g.assignment);
    const c = await TestClient.open((await child.next('ready')).port);
    closeLater(c);
    expect(await c.connect(g.token(0))).toMatchObject({ type: 'accepted' });
    await c.waitFor('snapshot', (p) => p.data.length === 2);
    await press(c, 0, 2);
    c.input(Uint8Array.of(1));
    expect(await child.next('gameOver')).toEqual({
      type: 'gameOver',
      gameId: g.assignment.gameId,
      reason: 'won',
      results: [{ slot: 0, name: 'player0', score: 3, connected: true }],
    });
    expect((await child.exited).code).toBe(GameExitCode.GAME_OVER);
  });

  it('a custom entry ignores Ctrl-C (SIGINT) and SIGHUP: the game goes on until the parent stops it', async () => {
    const child = new ForkedChild(fileURLToPath(new URL('./fixtures/clicker-entry.ts', import.meta.url)));
    closeLater({ close: () => child.kill() });
    await child.next('idle');
    const g = testGame(1, { port: await freeUdpPort() });
    child.start(g.assignment);
    const c = await TestClient.open((await child.next('ready')).port);
    closeLater(c);
    expect(await c.connect(g.token(0))).toMatchObject({ type: 'accepted' });
    child.process.kill('SIGINT');
    child.process.kill('SIGHUP');
    await press(c, 0, 1); // still playing after both signals
    child.process.send({ type: 'shutdown', reason: ShutdownReason.ORCHESTRATOR_STOPPING, graceMs: 1000 });
    expect((await c.waitFor('gameOver')).reason).toBe(GameOverReason.SERVER_SHUTDOWN);
    expect(await child.next('gameOver')).toMatchObject({ reason: 'shutdown' });
    expect(await child.exited).toEqual({ code: GameExitCode.SHUTDOWN, signal: null });
  });

  it('the default entry plays the game module its assignment names (createGame with the assignment)', async () => {
    const child = new ForkedChild();
    closeLater({ close: () => child.kill() });
    await child.next('idle');
    const gameModule = fileURLToPath(new URL('./fixtures/clicker-module.ts', import.meta.url));
    const g = testGame(1, { port: await freeUdpPort(), mode: 'clicker', gameModule, options: { pressesToWin: 2 } });
    child.start(g.assignment);
    const c = await TestClient.open((await child.next('ready')).port);
    closeLater(c);
    expect(await c.connect(g.token(0))).toMatchObject({ type: 'accepted' });
    await c.waitFor('snapshot', (p) => p.data.length === 2); // the clicker's snapshot, not the arena's
    await press(c, 0, 1);
    c.input(Uint8Array.of(1));
    expect(await child.next('gameOver')).toMatchObject({ reason: 'won', results: [{ slot: 0, score: 2 }] });
    expect((await child.exited).code).toBe(GameExitCode.GAME_OVER);
  });

  it('the default entry refuses a start whose game module cannot be used (exit BAD_START)', async () => {
    const child = new ForkedChild();
    closeLater({ close: () => child.kill() });
    await child.next('idle');
    const gameModule = fileURLToPath(new URL('./fixtures/no-such-game.js', import.meta.url));
    child.start(testGame(1, { port: await freeUdpPort(), gameModule }).assignment);
    expect((await child.exited).code).toBe(GameExitCode.BAD_START);
    expect(child.messages.map((m) => m.type)).toEqual(['idle']);
  });
});
