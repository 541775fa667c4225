import { PortRing } from '@proj/port-ring';
import { describe, expect, it, vi } from 'vitest';
import { FakeSpawner } from '../test/helpers/fake-spawner.js';
import type { OrchestratorEvents } from './events.js';
import { GameLauncher } from './game-launcher.js';
import type { LaunchOutcome, LaunchedGame } from './launched-game.js';
import { silentLogger } from './logger.js';

type Recorded = { [E in keyof OrchestratorEvents]: [E, OrchestratorEvents[E]] }[keyof OrchestratorEvents];

function setup(
  opts: {
    ports?: number;
    maxGames?: number;
    warm?: number;
    readyTimeoutMs?: number;
    maxGameDurationMs?: number;
    maxStarts?: number;
    maxTickLate?: number;
  } = {},
) {
  const spawner = new FakeSpawner();
  const ring = PortRing.fromRange(41000, 41000 + (opts.ports ?? 2) - 1, { quarantineMs: 60_000 });
  const events: Recorded[] = [];
  let capacityCalls = 0;
  const launcher = new GameLauncher({
    spawner,
    ring,
    maxGames: opts.maxGames ?? ring.capacity,
    warmPool: {
      min: opts.warm ?? 0,
      max: opts.warm ?? 0,
      buffer: { kind: 'count', count: 0 },
      refillRate: 0,
      shrinkDelayMs: 5_000,
    },
    waitingGroups: () => 0,
    bindHost: '127.0.0.1',
    readyTimeoutMs: opts.readyTimeoutMs ?? 10_000,
    shutdownGraceMs: 1_000,
    maxGameDurationMs: opts.maxGameDurationMs ?? 0,
    tokenTtlMs: 30_000,
    logger: silentLogger,
    emit: (event, payload) => events.push([event, payload] as Recorded),
    onCapacity: () => capacityCalls++,
    // Admission off unless a test sets it (no CPU sampling: the host's load must not change these tests).
    admission: {
      maxConcurrentStarts: opts.maxStarts ?? 1_000,
      cpuThreshold: 0,
      maxTickLateTicks: opts.maxTickLate ?? 0,
      sampleIntervalMs: 500,
    },
  });
  const launch = () =>
    new Promise<{ game: LaunchedGame; outcome: LaunchOutcome }>((resolve) => {
      launcher.launch(
        'duel',
        [
          { slot: 0, name: 'ann' },
          { slot: 1, name: 'bob' },
        ],
        undefined,
        (game, outcome) => resolve({ game, outcome }),
      );
    });
  const names = () => events.map(([e]) => e);
  return { spawner, ring, launcher, events, names, launch, capacity: () => capacityCalls };
}

describe('GameLauncher', () => {
  it('launches a game: port, child, start with a fresh secret, ready', async () => {
    const { spawner, ring, launcher, launch, names } = setup();
    expect(launcher.canLaunch()).toBe(true);
    const { game, outcome } = await launch();
    expect(outcome.ok).toBe(true);
    expect(game.state).toBe('running');
    expect(ring.inUse).toBe(1);
    const start = spawner.handles[0]!.sent[0]!;
    expect(start.type).toBe('start');
    if (start.type !== 'start') return;
    expect(start.game.port).toBe(game.port);
    expect(new Uint8Array(Buffer.from(start.game.secretBase64, 'base64'))).toEqual(game.secret);
    expect(game.secret).toHaveLength(32);
    expect(names()).toEqual(['portAcquired', 'childSpawned', 'gameStarting']);
    expect(launcher.games()).toEqual([game]);
  });

  it('returns the port exactly once when the child exits, and reports the game end', async () => {
    const { spawner, ring, launcher, launch, events, capacity } = setup();
    const { game } = await launch();
    spawner.handles[0]!.exit({ code: 0, signal: null });
    spawner.handles[0]!.exit({ code: 0, signal: null });
    expect(ring.available).toBe(2);
    expect(events.filter(([e]) => e === 'portReleased')).toHaveLength(1);
    const ended = events.find(([e]) => e === 'gameEnded')?.[1] as OrchestratorEvents['gameEnded'];
    expect(ended).toMatchObject({ gameId: game.gameId, port: game.port, reason: 'GAME_OVER', exitCode: 0 });
    expect(capacity()).toBe(1);
    expect(launcher.processes).toBe(0);
    expect(launcher.games()).toEqual([]);
  });

  it('names a signal exit', async () => {
    const { spawner, launch, events } = setup();
    await launch();
    spawner.handles[0]!.exit({ code: null, signal: 'SIGKILL' });
    expect(events.find(([e]) => e === 'gameEnded')?.[1]).toMatchObject({ reason: 'SIGNAL_SIGKILL', signal: 'SIGKILL' });
  });

  it('caps busy processes at maxGames, below the number of ports', async () => {
    const { launcher, launch } = setup({ ports: 5, maxGames: 2 });
    await launch();
    await launch();
    expect(launcher.canLaunch()).toBe(false);
    expect(launcher.busyProcesses).toBe(2);
  });

  it('without a free port, waits and calls onCapacity when one comes back (also from quarantine)', async () => {
    const { spawner, ring, launcher, launch, capacity } = setup({ ports: 1, maxGames: 5 });
    await launch();
    expect(launcher.canLaunch()).toBe(false);
    expect(ring.waiting).toBe(1);
    expect(launcher.canLaunch()).toBe(false);
    expect(ring.waiting).toBe(1);
    spawner.handles[0]!.exit({ code: 0, signal: null });
    await vi.waitFor(() => expect(capacity()).toBe(2));
    expect(ring.available).toBe(1);
    expect(launcher.canLaunch()).toBe(true);
  });

  it('admission: bounds the cold starts in flight and calls onCapacity when one settles', async () => {
    const { spawner, launcher, launch, capacity } = setup({ ports: 4, maxStarts: 1 });
    spawner.behaviour = { ready: false };
    const first = launch();
    expect(launcher.canLaunch()).toBe(false);
    expect(launcher.admission).toMatchObject({ open: false, reason: 'startsInFlight', startsInFlight: 1 });
    spawner.handles[0]!.message({
      type: 'ready',
      gameId: launcher.games()[0]!.gameId,
      port: launcher.games()[0]!.port,
    });
    await first;
    expect(capacity()).toBe(1);
    expect(launcher.canLaunch()).toBe(true);
  });

  it('admission: holds while a running game reports late ticks, keeps its latest health, and resumes when it recovers', async () => {
    const { spawner, launcher, launch, capacity, events } = setup({ ports: 4, maxTickLate: 1 });
    const { game } = await launch();
    const health = (lateP99Ms: number) => ({
      tickRateHz: 30,
      intervalMs: 1_000,
      ticks: 30,
      lateP50Ms: 1,
      lateP99Ms,
      lateMaxMs: lateP99Ms,
      skippedTicks: 0,
      cpuMs: 30,
    });
    // The first report (the game's start-up second) is kept as its health but holds nothing; the next ones do.
    spawner.handles[0]!.message({ type: 'stats', gameId: game.gameId, dropped: {}, health: health(90) });
    expect(game.tickHealth).toEqual(health(90));
    expect(launcher.canLaunch()).toBe(true);
    spawner.handles[0]!.message({ type: 'stats', gameId: game.gameId, dropped: {}, health: health(50) });
    expect(game.tickHealth).toEqual(health(50));
    expect(launcher.canLaunch()).toBe(false);
    expect(launcher.admission).toMatchObject({ reason: 'tickLate', worstTickLateMs: 50 });
    spawner.handles[0]!.message({ type: 'stats', gameId: game.gameId, dropped: {}, health: health(20) });
    expect(capacity()).toBe(1);
    expect(launcher.canLaunch()).toBe(true);
    // Health reports are childTickStats; with nothing dropped they are no childPacketStats.
    expect(events.filter(([e]) => e === 'childTickStats')).toHaveLength(3);
    expect(events.filter(([e]) => e === 'childPacketStats')).toHaveLength(0);
  });

  it('quarantines the port of a child whose bind failed', async () => {
    const { spawner, ring, launch, events } = setup();
    spawner.behaviour = { bindFails: true };
    const { game, outcome } = await launch();
    expect(outcome).toMatchObject({ ok: false, reason: 'bindFailed', errorCode: 'EADDRINUSE' });
    await vi.waitFor(() => expect(spawner.handles[0]!.exited).toBe(true));
    expect(ring.stateOf(game.port)).toBe('quarantined');
    expect(ring.inUse).toBe(0);
    expect(events.filter(([e]) => e === 'portReleased')).toHaveLength(0);
    expect(events.find(([e]) => e === 'portQuarantined')?.[1]).toEqual({
      port: game.port,
      gameId: game.gameId,
      errorCode: 'EADDRINUSE',
    });
    expect(events.some(([e]) => e === 'gameEnded')).toBe(false);
  });

  it('kills a child not ready in time; its port comes back on the exit', async () => {
    const { spawner, ring, launch } = setup({ readyTimeoutMs: 5 });
    spawner.behaviour = { ready: false };
    const { outcome } = await launch();
    expect(outcome).toEqual({ ok: false, reason: 'readyTimeout' });
    expect(spawner.handles[0]!.signals).toEqual(['SIGKILL']);
    await vi.waitFor(() => expect(ring.available).toBe(2));
  });

  it('reports a spawner that throws as spawnFailed and gives the port back at once', async () => {
    const { spawner, ring, launcher, launch } = setup();
    spawner.throwNext = 1;
    const { outcome } = await launch();
    expect(outcome).toEqual({ ok: false, reason: 'spawnFailed' });
    expect(ring.available).toBe(2);
    expect(launcher.processes).toBe(0);
    expect(launcher.startingGames).toBe(0);
  });

  it('pauses launching after repeated failures', async () => {
    const { spawner, launcher, launch, capacity } = setup({ ports: 4 });
    spawner.throwNext = 3;
    await launch();
    await launch();
    expect(launcher.canLaunch()).toBe(true);
    await launch();
    expect(launcher.canLaunch()).toBe(false);
    await vi.waitFor(() => expect(capacity()).toBeGreaterThan(0));
    expect(launcher.canLaunch()).toBe(true);
    expect((await launch()).outcome.ok).toBe(true);
  });

  it('cancel kills a starting child; the port comes back on its exit', async () => {
    const { spawner, ring, launcher } = setup();
    spawner.behaviour = { ready: false };
    const outcome = new Promise<LaunchOutcome>((resolve) => {
      const game = launcher.launch('duel', [{ slot: 0, name: 'a' }], undefined, (_g, o) => resolve(o));
      launcher.cancel(game);
    });
    expect(await outcome).toEqual({ ok: false, reason: 'cancelled' });
    await vi.waitFor(() => expect(ring.available).toBe(2));
  });

  it('uses warm children first and keeps warm + busy within the cap', async () => {
    const { spawner, launcher, launch } = setup({ ports: 3, warm: 2 });
    launcher.start();
    await vi.waitFor(() => expect(launcher.pool.idleCount).toBe(2));
    const { game } = await launch();
    expect(game.warm).toBe(true);
    await vi.waitFor(() => expect(launcher.pool.size).toBe(2));
    expect(launcher.processes).toBe(3);
    await launch();
    await new Promise((resolve) => setImmediate(resolve));
    // 2 busy, cap 3: only one warm child fits.
    expect(launcher.processes).toBe(3);
    expect(launcher.pool.size).toBe(1);
    const third = await launch();
    expect(third.game.warm).toBe(true);
    expect(launcher.canLaunch()).toBe(false);
    expect(spawner.alive()).toHaveLength(3);
  });

  it('refills the warm pool when a busy child exits and frees room under the cap', async () => {
    const { spawner, launcher, launch } = setup({ ports: 2, warm: 2 });
    launcher.start();
    await vi.waitFor(() => expect(launcher.pool.idleCount).toBe(2));
    await launch();
    await launch();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(launcher.pool.size).toBe(0);
    spawner.alive()[0]!.exit({ code: 0, signal: null });
    await vi.waitFor(() => expect(launcher.pool.idleCount).toBe(1));
    expect(launcher.processes).toBe(2);
  });

  it('stops a game at its maximum duration', async () => {
    const { spawner, launch, events } = setup({ maxGameDurationMs: 20 });
    const { game } = await launch();
    const start = spawner.handles[0]!.sent[0]!;
    expect(start.type === 'start' && start.game.maxDurationMs).toBe(20);
    await vi.waitFor(() => expect(events.some(([e]) => e === 'gameEnded')).toBe(true), { timeout: 10_000 });
    expect(spawner.handles[0]!.sent.at(-1)).toMatchObject({ type: 'shutdown', reason: 'maxDuration' });
    expect(events.find(([e]) => e === 'gameEnded')?.[1]).toMatchObject({ gameId: game.gameId, reason: 'SHUTDOWN' });
  });

  it('close stops warm children; stopAll stops games; whenNoProcesses resolves', async () => {
    const { launcher, launch } = setup({ ports: 3, warm: 1 });
    launcher.start();
    await launch();
    launcher.close();
    expect(launcher.canLaunch()).toBe(false);
    launcher.stopAll(1_000);
    await launcher.whenNoProcesses();
    expect(launcher.processes).toBe(0);
  });
});
