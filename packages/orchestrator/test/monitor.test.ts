import { type Socket, createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { ShutdownReason } from '@proj/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type GameInfo, isOrchestratorError } from '../src/index.js';
import { childGraceMs } from '../src/managed-child.js';
import { cleanup, startHarness } from './helpers/harness.js';
import { MemoryQueueBackend, MemoryQueueStore } from './helpers/memory-queue.js';

// What the live monitor reads and does (issue 18): ports(), queues(), endGame(), the seats' connected flags in
// games(), queueHosts(). Real orchestrators, real fixture children, real TCP clients.

const held: Socket[] = [];
afterEach(async () => {
  for (const socket of held.splice(0)) socket.close();
  await cleanup();
});

function holdUdpPort(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => {
      held.push(socket);
      resolve();
    });
  });
}

/** A valid tick health for a fixture's `stats`. */
const HEALTH = {
  tickRateHz: 30,
  intervalMs: 1000,
  ticks: 30,
  lateP50Ms: 0.1,
  lateP99Ms: 0.5,
  lateMaxMs: 1,
  skippedTicks: 0,
  cpuMs: 20,
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isOrchestratorError(error) ? error.code : `not an OrchestratorError: ${String(error)}`;
  }
  return undefined;
}

describe('Orchestrator.ports', () => {
  it('lists every port ascending with its state and the game holding it', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 3, quarantineMs: 60_000 });
    const [first, second, third] = [h.ports.first, h.ports.first + 1, h.ports.last];
    expect(h.orchestrator.ports()).toEqual([
      { port: first, state: 'free', gameId: undefined },
      { port: second, state: 'free', gameId: undefined },
      { port: third, state: 'free', gameId: undefined },
    ]);
    // The first port is held elsewhere: the child cannot bind it (quarantined); the game runs on the second.
    await holdUdpPort(first);
    const a = await h.queued('a');
    const match = await a.next('matchFound');
    expect(match.port).toBe(second);
    expect(h.orchestrator.ports()).toEqual([
      { port: first, state: 'quarantined', gameId: undefined },
      { port: second, state: 'in-use', gameId: match.gameId },
      { port: third, state: 'free', gameId: undefined },
    ]);
    const counts = h.orchestrator.stats().ports;
    expect(counts).toEqual({ total: 3, free: 1, inUse: 1, quarantined: 1 });
  });
});

describe('Orchestrator.queues', () => {
  it('local queue: per configured mode, in order, the waiting players and the oldest wait', async () => {
    const h = await startHarness({ modes: { trio: { playersPerGame: 3 }, duel: { playersPerGame: 2 } } });
    expect(h.orchestrator.queues()).toEqual([
      { mode: 'trio', playersPerGame: 3, waiting: 0, oldestWaitMs: undefined, sharedWaiting: undefined },
      { mode: 'duel', playersPerGame: 2, waiting: 0, oldestWaitMs: undefined, sharedWaiting: undefined },
    ]);
    const beforeAnn = performance.now();
    const ann = await h.queued('ann', 'trio');
    const afterAnn = performance.now();
    await h.queued('bob', 'trio');
    const afterBob = performance.now();
    await h.queued('cyd', 'duel');
    let t1 = performance.now();
    const [trio, duel] = h.orchestrator.queues();
    let t2 = performance.now();
    expect(trio).toMatchObject({ mode: 'trio', waiting: 2, sharedWaiting: undefined });
    expect(duel).toMatchObject({ mode: 'duel', waiting: 1, sharedWaiting: undefined });
    // Trio's longest wait is ann's (queued between beforeAnn and afterAnn); cyd queued last.
    expect(trio!.oldestWaitMs).toBeGreaterThanOrEqual(t1 - afterAnn);
    expect(trio!.oldestWaitMs).toBeLessThanOrEqual(t2 - beforeAnn);
    expect(trio!.oldestWaitMs).toBeGreaterThanOrEqual(duel!.oldestWaitMs!);
    ann.destroy();
    await h.waitFor('playerLeft', (e) => e.name === 'ann');
    // Bob (queued after ann) is trio's longest waiting now.
    t1 = performance.now();
    const [trioAfter] = h.orchestrator.queues();
    t2 = performance.now();
    expect(trioAfter).toMatchObject({ waiting: 1 });
    expect(trioAfter!.oldestWaitMs).toBeGreaterThanOrEqual(t1 - afterBob);
    expect(trioAfter!.oldestWaitMs).toBeLessThanOrEqual(t2 - afterAnn);
  });
});

describe('Orchestrator.endGame', () => {
  it('ends a running game: its child told endedByOperator, the game ending until it exits, gameEnded says why', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, shutdownGraceMs: 4_000 });
    const a = await h.queued('a');
    const match = await a.next('matchFound');
    const started = await h.waitFor('gameStarted');
    expect(h.orchestrator.games()[0]!.ending).toBe(false);
    const ended = h.orchestrator.endGame(match.gameId, { reason: 'reported for cheating: ünïcode ok' });
    expect(ended).toEqual({ gameId: match.gameId, mode: 'solo', port: match.port, pid: started.pid });
    expect(h.orchestrator.games()).toMatchObject([{ gameId: match.gameId, ending: true }]);
    // Idempotent: the same answer, nothing sent or emitted again.
    expect(h.orchestrator.endGame(match.gameId, { reason: 'again', graceMs: 0 })).toEqual(ended);
    expect(h.all('gameEndRequested')).toEqual([{ ...ended, reason: 'reported for cheating: ünïcode ok' }]);
    expect(h.spawner.sent.filter((m) => m.type === 'shutdown')).toEqual([
      { type: 'shutdown', reason: ShutdownReason.ENDED_BY_OPERATOR, graceMs: childGraceMs(4_000) },
    ]);
    const gameEnded = await h.waitFor('gameEnded');
    expect(gameEnded).toMatchObject({
      gameId: match.gameId,
      reason: 'SHUTDOWN',
      endRequest: 'reported for cheating: ünïcode ok',
    });
    expect(h.orchestrator.games()).toEqual([]);
    // Gone: not found any more.
    expect(codeOf(() => h.orchestrator.endGame(match.gameId, { reason: 'late' }))).toBe('E_GAME_NOT_FOUND');
    expect(h.portProblems()).toEqual([]);
  });

  it('SIGKILLs a child that does not stop within graceMs', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, shutdownGraceMs: 60_000 });
    h.spawner.script.push({ ignoreShutdown: true });
    const a = await h.queued('a');
    const match = await a.next('matchFound');
    await h.waitFor('gameStarted');
    const t0 = performance.now();
    h.orchestrator.endGame(match.gameId, { reason: 'stuck', graceMs: 300 });
    expect(h.spawner.sent.filter((m) => m.type === 'shutdown')).toEqual([
      { type: 'shutdown', reason: 'endedByOperator', graceMs: childGraceMs(300) },
    ]);
    const ended = await h.waitFor('gameEnded');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(ended).toMatchObject({ gameId: match.gameId, reason: 'SIGNAL_SIGKILL', endRequest: 'stuck' });
  });

  it('refuses unknown games, games still starting, and bad arguments, changing nothing', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } } });
    expect(codeOf(() => h.orchestrator.endGame('no-such-game', { reason: 'x' }))).toBe('E_GAME_NOT_FOUND');
    h.spawner.script.push({ readyDelayMs: 1_500 });
    const a = await h.queued('a');
    const starting = await h.waitFor('gameStarting');
    expect(codeOf(() => h.orchestrator.endGame(starting.gameId, { reason: 'too soon' }))).toBe('E_GAME_NOT_RUNNING');
    const id = starting.gameId;
    const bad: unknown[] = [
      undefined,
      null,
      'reason',
      {},
      { reason: '' },
      { reason: 'x'.repeat(201) },
      { reason: 'two\nlines' },
      { reason: 'bell\u0007' },
      { reason: 42 },
      { reason: 'ok', graceMs: -1 },
      { reason: 'ok', graceMs: 1.5 },
      { reason: 'ok', graceMs: Number.NaN },
      { reason: 'ok', graceMs: '100' },
      { reason: 'ok', graceMs: 2 ** 31 },
    ];
    const endGame = h.orchestrator.endGame.bind(h.orchestrator) as (id: unknown, options: unknown) => unknown;
    for (const options of bad)
      expect(
        codeOf(() => endGame(id, options)),
        JSON.stringify(options),
      ).toBe('E_INVALID_ARGUMENT');
    expect(codeOf(() => endGame(42, { reason: 'ok' }))).toBe('E_INVALID_ARGUMENT');
    // At the limits: 200 characters (emoji count as one), and graceMs 0 are fine, once the game runs.
    await a.next('matchFound');
    await h.waitFor('gameStarted');
    expect(h.all('gameEndRequested')).toEqual([]);
    const reason = '🙂'.repeat(200);
    expect(h.orchestrator.endGame(id, { reason, graceMs: 0 })).toMatchObject({ gameId: id });
    expect((await h.waitFor('gameEnded')).endRequest).toBe(reason);
  });
});

describe('GameInfo.playersConnected', () => {
  it('is undefined until the first report, then follows the latest valid connected slots', async () => {
    const h = await startHarness({ modes: { duel: { playersPerGame: 2 } } });
    h.spawner.script.push({
      stats: [
        { dropped: {}, health: HEALTH, connected: [1] },
        { dropped: {}, health: HEALTH, connected: [0, 0] }, // invalid: ignored as a whole
        { dropped: {}, health: HEALTH, connected: [1, 0] },
        { dropped: {}, health: HEALTH, connected: [] },
      ],
    });
    const seen: (GameInfo['playersConnected'] | 'none')[] = [];
    const latest = (): GameInfo['playersConnected'] | 'none' => h.orchestrator.games()[0]?.playersConnected ?? 'none';
    h.orchestrator.on('gameStarted', () => seen.push(latest()));
    h.orchestrator.on('childTickStats', () => seen.push(latest()));
    await h.queued('a', 'duel');
    await h.queued('b', 'duel');
    await h.waitForCount('childTickStats', 3);
    expect(seen).toEqual(['none', [false, true], [true, true], [false, false]]);
    // Reports that carry the connected seats (with or without health) are not packet-drop news.
    expect(h.all('childPacketStats')).toEqual([]);
  });
});

describe('Orchestrator.queueHosts and the shared queue', () => {
  it('lists the hosts of a shared queue; undefined with the local queue or a backend that cannot list them', async () => {
    const local = await startHarness();
    await expect(local.orchestrator.queueHosts()).resolves.toBeUndefined();
    const store = new MemoryQueueStore({ duel: 2 });
    const modes = { duel: { playersPerGame: 2 } };
    const a = await startHarness({ modes, queueBackend: new MemoryQueueBackend(store, 'a') });
    const b = await startHarness({ modes, queueBackend: new MemoryQueueBackend(store, 'b', { listsHosts: false }) });
    await expect(b.orchestrator.queueHosts()).resolves.toBeUndefined();
    await a.queued('ann', 'duel');
    expect(await a.orchestrator.queueHosts()).toEqual([
      { instanceId: 'a', lastHeartbeatAgoMs: 0, tickets: 1, claims: 0 },
      { instanceId: 'b', lastHeartbeatAgoMs: 0, tickets: 0, claims: 0 },
    ]);
    store.setUp(false);
    const error: unknown = await a.orchestrator.queueHosts().catch((e: unknown) => e);
    expect(isOrchestratorError(error, 'E_QUEUE_BACKEND')).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(Error);
    store.setUp(true);
  });

  it('queues(): this host waiting players and oldest wait, every host waiting players as last read', async () => {
    const store = new MemoryQueueStore({ duel: 2, trio: 3 });
    const modes = { duel: { playersPerGame: 2 }, trio: { playersPerGame: 3 } };
    const a = await startHarness({ modes, queueBackend: new MemoryQueueBackend(store, 'a') });
    const b = await startHarness({ modes, queueBackend: new MemoryQueueBackend(store, 'b') });
    const before = performance.now();
    await a.queued('ann', 'trio');
    await b.queued('bob', 'trio');
    await a.queued('cyd', 'duel');
    const expected = (waiting: [number, number], shared: [number, number] | undefined) => [
      { mode: 'duel', playersPerGame: 2, waiting: waiting[0], sharedWaiting: shared?.[0] },
      { mode: 'trio', playersPerGame: 3, waiting: waiting[1], sharedWaiting: shared?.[1] },
    ];
    // The store's sizes are read about every second.
    await vi.waitFor(() => expect(a.orchestrator.queues()).toMatchObject(expected([1, 1], [1, 2])), {
      timeout: 5_000,
      interval: 50,
    });
    await vi.waitFor(() => expect(b.orchestrator.queues()).toMatchObject(expected([0, 1], [1, 2])), {
      timeout: 5_000,
      interval: 50,
    });
    const [duel, trio] = a.orchestrator.queues();
    expect(trio!.oldestWaitMs).toBeGreaterThanOrEqual(duel!.oldestWaitMs!);
    expect(trio!.oldestWaitMs).toBeLessThanOrEqual(performance.now() - before);
    expect(b.orchestrator.queues()[0]!.oldestWaitMs).toBeUndefined();
  });
});
