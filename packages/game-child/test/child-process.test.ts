import { fork, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import {
  ArenaDirection,
  encodeArenaInput,
  GameExitCode,
  GameOverReason,
  IPC_VERSION,
  ShutdownReason,
} from '@proj/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, SOURCE_ARGS, freeUdpPort } from '@proj/test-utils';
import { ForkedChild, TestClient, testGame } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function child(): ForkedChild {
  const c = new ForkedChild();
  cleanups.push(() => c.kill());
  return c;
}
async function client(port: number): Promise<TestClient> {
  const c = await TestClient.open(port);
  cleanups.push(() => c.close());
  return c;
}

const winMap = { map: ['######', '#Pg.P#', '######'], scoreToWin: 1, itemCount: 1, moveIntervalMs: 50 };

describe('game child process', () => {
  it('idles, starts on request, plays to game over, reports results and exits GAME_OVER (0)', async () => {
    const c = child();
    await c.next('idle');
    const g = testGame(2, { port: await freeUdpPort(), options: { ...winMap, joinTimeoutMs: 300 } });
    c.start(g.assignment);
    const ready = await c.next('ready');
    expect(ready).toEqual({ type: 'ready', gameId: g.assignment.gameId, port: g.assignment.port });
    const player = await client(ready.port);
    expect(await player.connect(g.token(0))).toMatchObject({ type: 'accepted', slot: 0 });
    await player.waitFor('snapshot');
    player.input(encodeArenaInput({ direction: ArenaDirection.RIGHT, dashCounter: 0 }));
    const over = await c.next('gameOver');
    expect(over).toEqual({
      type: 'gameOver',
      gameId: g.assignment.gameId,
      reason: 'scoreReached',
      results: [
        { slot: 0, name: 'player0', score: 1, connected: true },
        { slot: 1, name: 'player1', score: 0, connected: false },
      ],
    });
    expect((await player.waitFor('gameOver')).reason).toBe(GameOverReason.COMPLETED);
    expect((await c.exited).code).toBe(GameExitCode.GAME_OVER);
    // Play began at the join deadline with one of two players: the other seat is a no-show, reported once.
    expect(c.messages.filter((m) => m.type === 'joinReport')).toEqual([
      { type: 'joinReport', gameId: g.assignment.gameId, joined: [0], missing: [1] },
    ]);
  });

  it('reports bindFailed and exits BIND_FAILED (13) when the port is taken', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const c = child();
    await c.next('idle');
    const g = testGame(1, { port: holder.address().port });
    c.start(g.assignment);
    expect(await c.next('bindFailed')).toMatchObject({
      gameId: g.assignment.gameId,
      port: g.assignment.port,
      errorCode: 'EADDRINUSE',
    });
    expect((await c.exited).code).toBe(GameExitCode.BIND_FAILED);
  });

  it('exits BAD_START (14) on an invalid start message or invalid game options', async () => {
    const a = child();
    await a.next('idle');
    a.process.send({ type: 'start', ipcVersion: IPC_VERSION, game: { gameId: 'x' } });
    expect((await a.exited).code).toBe(GameExitCode.BAD_START);
    const b = child();
    await b.next('idle');
    b.start(testGame(1, { port: await freeUdpPort(), options: { scoreToWin: 'lots' } }).assignment);
    expect((await b.exited).code).toBe(GameExitCode.BAD_START);
  });

  it("takes a seat's new name from a `seat` message sent with the start (a backfill): the results carry it", async () => {
    const c = child();
    await c.next('idle');
    const g = testGame(2, { port: await freeUdpPort(), options: { joinTimeoutMs: 200 } });
    c.start(g.assignment);
    c.process.send({ type: 'seat', slot: 1, name: 'grace' });
    await c.next('ready');
    c.process.send({ type: 'seat', slot: 0, name: 'hopper' });
    const over = await c.next('gameOver');
    expect(over).toMatchObject({ reason: 'noPlayers' });
    expect(over.type === 'gameOver' && over.results.map((r) => r.name)).toEqual(['hopper', 'grace']);
  });

  it('exits NO_PLAYERS (10) when nobody joins, after reporting gameOver', async () => {
    const c = child();
    await c.next('idle');
    const g = testGame(2, { port: await freeUdpPort(), options: { joinTimeoutMs: 200 } });
    c.start(g.assignment);
    await c.next('ready');
    expect(await c.next('gameOver')).toMatchObject({ reason: 'noPlayers' });
    expect((await c.exited).code).toBe(GameExitCode.NO_PLAYERS);
    // Both seats are no-shows, reported before the gameOver.
    const types = c.messages.map((m) => m.type).filter((t) => t === 'joinReport' || t === 'gameOver');
    expect(types).toEqual(['joinReport', 'gameOver']);
    expect(c.messages.find((m) => m.type === 'joinReport')).toEqual({
      type: 'joinReport',
      gameId: g.assignment.gameId,
      joined: [],
      missing: [0, 1],
    });
  });

  it('ends a game nobody joined at the empty-game timeout, long before the join timeout', async () => {
    const c = child();
    await c.next('idle');
    const options = { joinTimeoutMs: 60_000, emptyGameTimeoutMs: 300 };
    c.start(testGame(2, { port: await freeUdpPort(), options }).assignment);
    await c.next('ready');
    // next() gives up after its own timeout (well under the 60 s join timeout).
    expect(await c.next('gameOver')).toMatchObject({ reason: 'noPlayers' });
    expect((await c.exited).code).toBe(GameExitCode.NO_PLAYERS);
  });

  it('reports every seat joined when all players came', async () => {
    const c = child();
    await c.next('idle');
    const g = testGame(1, { port: await freeUdpPort(), options: { ...winMap, joinTimeoutMs: 60_000 } });
    c.start(g.assignment);
    const ready = await c.next('ready');
    const player = await client(ready.port);
    await player.connect(g.token(0));
    expect(await c.next('joinReport')).toEqual({
      type: 'joinReport',
      gameId: g.assignment.gameId,
      joined: [0],
      missing: [],
    });
  });

  it('exits ALL_LEFT (11) when the only player goes silent', async () => {
    const c = child();
    await c.next('idle');
    const g = testGame(1, { port: await freeUdpPort(), options: { disconnectTimeoutMs: 200 } });
    c.start(g.assignment);
    const player = await client((await c.next('ready')).port);
    await player.connect(g.token(0));
    expect(await c.next('gameOver')).toMatchObject({ reason: 'allLeft' });
    expect((await c.exited).code).toBe(GameExitCode.ALL_LEFT);
  });

  it('exits MAX_DURATION (15) at the assignment limit', async () => {
    const c = child();
    await c.next('idle');
    const g = testGame(1, { port: await freeUdpPort(), maxDurationMs: 400 });
    c.start(g.assignment);
    const player = await client((await c.next('ready')).port);
    await player.connect(g.token(0));
    expect((await player.waitFor('gameOver')).reason).toBe(GameOverReason.TIME_LIMIT);
    expect((await c.exited).code).toBe(GameExitCode.MAX_DURATION);
  });

  it("exits SHUTDOWN (16) on shutdown (an operator's end too), while idle or playing; MAX_DURATION for that reason", async () => {
    const idle = child();
    await idle.next('idle');
    idle.process.send({ type: 'shutdown', reason: ShutdownReason.POOL_SHRINK, graceMs: 0 });
    expect((await idle.exited).code).toBe(GameExitCode.SHUTDOWN);

    const c = child();
    await c.next('idle');
    const g = testGame(1, { port: await freeUdpPort() });
    c.start(g.assignment);
    const player = await client((await c.next('ready')).port);
    await player.connect(g.token(0));
    c.process.send({ type: 'shutdown', reason: ShutdownReason.ORCHESTRATOR_STOPPING, graceMs: 1000 });
    expect((await player.waitFor('gameOver')).reason).toBe(GameOverReason.SERVER_SHUTDOWN);
    expect(await c.next('gameOver')).toMatchObject({ reason: 'shutdown' });
    expect((await c.exited).code).toBe(GameExitCode.SHUTDOWN);

    // An operator's end is a shutdown like the others: the players' "server stopped the game", their results.
    const o = child();
    await o.next('idle');
    const og = testGame(1, { port: await freeUdpPort() });
    o.start(og.assignment);
    const operated = await client((await o.next('ready')).port);
    await operated.connect(og.token(0));
    o.process.send({ type: 'shutdown', reason: ShutdownReason.ENDED_BY_OPERATOR, graceMs: 1000 });
    expect((await operated.waitFor('gameOver')).reason).toBe(GameOverReason.SERVER_SHUTDOWN);
    expect(await o.next('gameOver')).toMatchObject({
      reason: 'shutdown',
      results: [{ slot: 0, name: 'player0', score: 0, connected: true }],
    });
    expect((await o.exited).code).toBe(GameExitCode.SHUTDOWN);

    const m = child();
    await m.next('idle');
    m.start(testGame(1, { port: await freeUdpPort() }).assignment);
    await m.next('ready');
    m.process.send({ type: 'shutdown', reason: ShutdownReason.MAX_DURATION, graceMs: 0 });
    expect((await m.exited).code).toBe(GameExitCode.MAX_DURATION);
  });

  it('with no grace at all, a stop still gives players a gameOver with the reason and the parent the results', async () => {
    const c = child();
    await c.next('idle');
    const g = testGame(2, { port: await freeUdpPort() });
    c.start(g.assignment);
    const port = (await c.next('ready')).port;
    const a = await client(port);
    const b = await client(port);
    expect(await a.connect(g.token(0))).toMatchObject({ type: 'accepted' });
    expect(await b.connect(g.token(1))).toMatchObject({ type: 'accepted' });
    await a.waitFor('snapshot');
    c.process.send({ type: 'shutdown', reason: ShutdownReason.MAX_DURATION, graceMs: 0 });
    expect((await a.waitFor('gameOver')).reason).toBe(GameOverReason.TIME_LIMIT);
    expect((await b.waitFor('gameOver')).reason).toBe(GameOverReason.TIME_LIMIT);
    const exit = await c.exited;
    expect(exit.code).toBe(GameExitCode.MAX_DURATION);
    // Reported before the exit, not lost with it.
    expect(c.messages.find((m) => m.type === 'gameOver')).toMatchObject({
      type: 'gameOver',
      gameId: g.assignment.gameId,
      reason: 'maxDuration',
      results: [
        { slot: 0, connected: true },
        { slot: 1, connected: true },
      ],
    });
  });
});

/** Forks test/fixtures/parent.ts, which forks a game child sharing its stdout pipe. */
function forkParent(): {
  parent: ChildProcess;
  messages: unknown[];
  next: (match: (m: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
  bothGone: Promise<void>;
} {
  const parent = fork(fileURLToPath(new URL('./fixtures/parent.ts', import.meta.url)), [], {
    cwd: REPO_ROOT,
    execArgv: [...SOURCE_ARGS],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const messages: unknown[] = [];
  const waiters: { match: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] =
    [];
  parent.on('message', (m) => {
    messages.push(m);
    for (const w of [...waiters]) {
      if (w.match(m as Record<string, unknown>)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m as Record<string, unknown>);
      }
    }
  });
  parent.stdout!.resume();
  // The pipe closes when every process holding it (the parent and the game child) has exited.
  const bothGone = new Promise<void>((resolve) => parent.stdout!.once('close', () => resolve()));
  cleanups.push(async () => {
    const childPid = (
      messages.find((m) => (m as { childPid?: number }).childPid !== undefined) as { childPid?: number } | undefined
    )?.childPid;
    if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
    if (childPid !== undefined) {
      try {
        process.kill(childPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await bothGone;
  });
  const next = (match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
    const seen = messages.find((m) => match(m as Record<string, unknown>));
    if (seen !== undefined) return Promise.resolve(seen as Record<string, unknown>);
    return new Promise((resolve) => waiters.push({ match, resolve }));
  };
  return { parent, messages, next, bothGone };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]);
}

describe('parent death', () => {
  it('a warm (idle) child exits when its parent is killed -9', async () => {
    const { parent, next, bothGone } = forkParent();
    await next((m) => m['from'] === 'child' && (m['message'] as { type?: string }).type === 'idle');
    parent.kill('SIGKILL');
    await within(bothGone, 10_000, 'the idle child exiting');
  });

  it('a playing child ends the game, tells its players and exits when its parent is killed -9', async () => {
    const { parent, next, bothGone } = forkParent();
    await next((m) => m['from'] === 'child' && (m['message'] as { type?: string }).type === 'idle');
    const g = testGame(2, { port: await freeUdpPort() });
    parent.send({ type: 'start', ipcVersion: IPC_VERSION, game: g.assignment });
    await next((m) => m['from'] === 'child' && (m['message'] as { type?: string }).type === 'ready');
    const player = await client(g.assignment.port);
    expect(await player.connect(g.token(0))).toMatchObject({ type: 'accepted' });
    await player.waitFor('snapshot');
    parent.kill('SIGKILL');
    expect((await player.waitFor('gameOver')).reason).toBe(GameOverReason.SERVER_SHUTDOWN);
    await within(bothGone, 10_000, 'the playing child exiting');
  });
});
