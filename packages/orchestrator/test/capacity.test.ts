import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '@proj/test-utils';
import { cleanup, startHarness } from './helpers/harness.js';
import type { TestClient } from './helpers/test-client.js';

afterEach(cleanup);

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('the cap: N ports, N concurrent games', () => {
  it('with N ports and N+1 ready groups the last waits, keeps its position, and starts when a game ends', async () => {
    const h = await startHarness({ modes: { duel: { playersPerGame: 2 } }, portCount: 2 });
    const clients: TestClient[] = [];
    for (let i = 0; i < 6; i++) clients.push(await h.queued(`p${i}`));
    await Promise.all(clients.slice(0, 4).map((c) => c.next('matchFound')));
    const started = await h.waitForCount('gameStarted', 2);
    await turns(5);
    const [p4, p5] = [clients[4]!, clients[5]!];
    expect(p4.received.some((m) => m.type === 'matchFound')).toBe(false);
    expect(p5.received.some((m) => m.type === 'matchFound')).toBe(false);
    // Positions moved as the first groups left the queue.
    await p4.waitForPosition(1);
    await p5.waitForPosition(2);
    expect(h.orchestrator.stats()).toMatchObject({
      queued: 2,
      gamesRunning: 2,
      gamesStarting: 0,
      ports: { free: 0, inUse: 2 },
    });
    // No third launch was even attempted while both ports were taken.
    expect(h.all('gameStarting')).toHaveLength(2);
    expect(h.all('gameLaunchFailed')).toHaveLength(0);

    // A game ends (its child exits): the waiting group starts on the freed port.
    const ended = started[0]!;
    process.kill(ended.pid!, 'SIGTERM');
    const [m4, m5] = await Promise.all([p4.next('matchFound'), p5.next('matchFound')]);
    expect(m4.port).toBe(ended.port);
    expect(m5.port).toBe(ended.port);
    expect([m4.slot, m5.slot]).toEqual([0, 1]);
    // The port changed hands only after the ended game's child gave it back.
    const order = h.events
      .map((e) => (e.name === 'portReleased' || e.name === 'portAcquired' ? `${e.name}:${e.payload.port}` : ''))
      .filter(Boolean);
    expect(order.slice(-2)).toEqual([`portReleased:${ended.port}`, `portAcquired:${ended.port}`]);
    expect(await h.waitFor('gameEnded', (e) => e.gameId === ended.gameId)).toMatchObject({
      reason: 'SHUTDOWN',
      exitCode: 16,
    });
  });

  it('a killed child returns its port, exactly once', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 2 });
    const a = await h.queued('a');
    await a.next('matchFound');
    const started = await h.waitFor('gameStarted');
    expect(h.orchestrator.stats().ports.inUse).toBe(1);
    process.kill(started.pid!, 'SIGKILL');
    const ended = await h.waitFor('gameEnded');
    expect(ended).toMatchObject({
      gameId: started.gameId,
      reason: 'SIGNAL_SIGKILL',
      signal: 'SIGKILL',
      exitCode: null,
    });
    expect(h.all('portReleased').filter((e) => e.port === started.port)).toHaveLength(1);
    expect(h.portProblems()).toEqual([]);
    expect(h.orchestrator.stats()).toMatchObject({
      gamesRunning: 0,
      processes: 0,
      ports: { free: 2, inUse: 0, quarantined: 0 },
    });
    expect(isAlive(started.pid)).toBe(false);
  });

  it('maxConcurrentGames caps games below the number of ports', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 4, maxConcurrentGames: 1 });
    const a = await h.queued('a');
    await a.next('matchFound');
    const b = await h.queued('b');
    await turns(5);
    expect(b.received.some((m) => m.type === 'matchFound')).toBe(false);
    expect(h.orchestrator.stats()).toMatchObject({ maxGames: 1, gamesRunning: 1, queued: 1 });
    const started = await h.waitFor('gameStarted');
    process.kill(started.pid!, 'SIGTERM');
    await b.next('matchFound');
  });

  it('a game that ends by itself gives its port back and reports its results', async () => {
    const h = await startHarness({
      modes: { solo: { playersPerGame: 1, gameOptions: { fake: { lingerMs: 50 } } } },
      portCount: 1,
    });
    const a = await h.queued('a');
    await a.next('matchFound');
    const ended = await h.waitFor('gameEnded');
    expect(ended).toMatchObject({
      reason: 'GAME_OVER',
      exitCode: 0,
      results: [{ slot: 0, name: 'a', score: 0, connected: false }],
    });
    expect(h.orchestrator.stats().ports.free).toBe(1);
    expect(h.portProblems()).toEqual([]);
  });

  it('stops a game at its maximum duration, and kills a child that ignores it', async () => {
    const h = await startHarness({
      modes: { solo: { playersPerGame: 1 } },
      portCount: 2,
      maxGameDurationMs: 300,
      shutdownGraceMs: 300,
    });
    h.spawner.script.push({}, { ignoreShutdown: true });
    const a = await h.queued('a');
    await a.next('matchFound');
    const b = await h.queued('b');
    await b.next('matchFound');
    const [first, second] = await h.waitForCount('gameStarted', 2);
    const endedA = await h.waitFor('gameEnded', (e) => e.gameId === first!.gameId);
    expect(endedA.reason).toBe('MAX_DURATION');
    const endedB = await h.waitFor('gameEnded', (e) => e.gameId === second!.gameId);
    expect(endedB.reason).toBe('SIGNAL_SIGKILL');
    expect(h.orchestrator.stats().ports.free).toBe(2);
    expect(h.portProblems()).toEqual([]);
  });
});
