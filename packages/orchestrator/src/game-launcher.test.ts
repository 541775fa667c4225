import { PortRing } from '@proj/port-ring';
import { describe, expect, it, vi } from 'vitest';
import { FakeSpawner } from '../test/helpers/fake-spawner.js';
import type { OrchestratorEvents } from './events.js';
import type { WatchdogClock } from './child-watchdog.js';
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
    silenceMs?: number;
  } = {},
) {
  const watchdog = manualClock();
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
    childSilenceTimeoutMs: opts.silenceMs ?? 0,
    watchdogClock: watchdog.clock,
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
  return { spawner, ring, launcher, events, names, launch, capacity: () => capacityCalls, watchdog };
}

/** A watchdog clock the test moves by hand: `advance(ms)` runs the interval callbacks due meanwhile. */
function manualClock() {
  let now = 0;
  const intervals = new Map<number, { callback: () => void; ms: number; next: number }>();
  let nextId = 1;
  const clock: WatchdogClock = {
    now: () => now,
    setInterval: (callback, ms) => {
      const id = nextId++;
      intervals.set(id, { callback, ms, next: now + ms });
      return id;
    },
    clearInterval: (handle) => void intervals.delete(handle as number),
  };
  const advance = (ms: number, step = 10): void => {
    const end = now + ms;
    while (now < end) {
      now = Math.min(end, now + step);
      for (const [id, t] of [...intervals]) {
        if (intervals.has(id) && t.next <= now) {
          t.next += t.ms;
          t.callback();
        }
      }
    }
  };
  return { clock, advance, armed: () => intervals.size, now: () => now };
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

  describe('child liveness (childSilenceTimeoutMs)', () => {
    it('SIGKILLs a running child silent past the bound; its port goes back once; the game ends', async () => {
      const { spawner, ring, launcher, launch, events, watchdog } = setup({ silenceMs: 5_000 });
      const { game } = await launch();
      const handle = spawner.handles[0]!;
      expect(launcher.liveness(game)).toEqual({ lastHeardMs: 0, late: false });
      // Heartbeats every second keep it alive however long it runs.
      for (let i = 0; i < 20; i++) {
        watchdog.advance(1_000);
        handle.message({ type: 'heartbeat', gameId: game.gameId });
      }
      expect(handle.signals).toEqual([]);
      // Then it freezes: late after 2 s, killed after 5 s (within one check period).
      watchdog.advance(2_000);
      expect(launcher.liveness(game)).toEqual({ lastHeardMs: 2_000, late: false });
      watchdog.advance(10);
      expect(launcher.liveness(game).late).toBe(true);
      expect(handle.signals).toEqual([]);
      watchdog.advance(2_980);
      expect(handle.signals).toEqual([]);
      watchdog.advance(510);
      expect(handle.signals).toEqual(['SIGKILL']);
      const silent = events.filter(([e]) => e === 'childUnresponsive').map(([, p]) => p);
      expect(silent).toHaveLength(1);
      expect(silent[0]).toMatchObject({ gameId: game.gameId, port: game.port, pid: handle.pid, state: 'running' });
      const silentMs = (silent[0] as OrchestratorEvents['childUnresponsive']).silentMs;
      expect(silentMs).toBeGreaterThan(5_000);
      expect(silentMs).toBeLessThanOrEqual(5_000 + 500);
      await vi.waitFor(() => expect(handle.exited).toBe(true));
      expect(events.find(([e]) => e === 'gameEnded')?.[1]).toMatchObject({ reason: 'SIGNAL_SIGKILL' });
      // The port tells the game's players it is over for a moment (real timers: port-tombstone.test.ts), then is back.
      await vi.waitFor(() => expect(ring.available).toBe(2), { timeout: 5_000 });
      expect(events.filter(([e]) => e === 'portReleased')).toHaveLength(1);
      // Nothing left to watch: the timer stops.
      watchdog.advance(1_000);
      expect(watchdog.armed()).toBe(0);
    });

    it('reports a child once even when its SIGKILL takes a while to end it', async () => {
      const { spawner, launch, events, watchdog } = setup({ silenceMs: 1_000 });
      await launch();
      spawner.handles[0]!.dieOnKill = false;
      watchdog.advance(5_000);
      expect(spawner.handles[0]!.signals).toEqual(['SIGKILL']);
      expect(events.filter(([e]) => e === 'childUnresponsive')).toHaveLength(1);
    });

    it('a starting warm child that goes silent is a failed launch (unresponsive) and gives its port back', async () => {
      const { spawner, ring, launcher, launch, events, watchdog } = setup({ silenceMs: 3_000, warm: 1 });
      launcher.start();
      await vi.waitFor(() => expect(launcher.pool.idleCount).toBe(1));
      spawner.behaviour = { ready: false };
      spawner.handles[0]!.onSend = undefined; // the warm child takes its start and never answers
      const launched = launch();
      watchdog.advance(3_500);
      const { game, outcome } = await launched;
      expect(game.warm).toBe(true);
      expect(outcome).toEqual({ ok: false, reason: 'unresponsive' });
      expect(events.find(([e]) => e === 'childUnresponsive')?.[1]).toMatchObject({ state: 'starting' });
      await vi.waitFor(() => expect(events.filter(([e]) => e === 'portReleased')).toHaveLength(1));
      expect(ring.inUse).toBe(0);
      launcher.close();
    });

    it('leaves a cold child that has said nothing yet to the ready deadline, and a disabled check never arms', async () => {
      const { spawner, launcher, launch, events, watchdog } = setup({ silenceMs: 1_000 });
      spawner.behaviour = { idle: false, ready: false };
      void launch();
      watchdog.advance(5_000);
      expect(spawner.handles[0]!.signals).toEqual([]);
      expect(launcher.liveness(launcher.games()[0]!)).toEqual({ lastHeardMs: undefined, late: false });
      // Its first message starts the count.
      spawner.handles[0]!.message({ type: 'heartbeat', gameId: launcher.games()[0]!.gameId });
      watchdog.advance(1_500);
      expect(spawner.handles[0]!.signals).toEqual(['SIGKILL']);
      expect(events.filter(([e]) => e === 'childUnresponsive')).toHaveLength(1);

      const off = setup({ silenceMs: 0 });
      await off.launch();
      expect(off.watchdog.armed()).toBe(0);
      off.watchdog.advance(60_000);
      expect(off.spawner.handles[0]!.signals).toEqual([]);
      // Late is still shown with the check off.
      expect(off.launcher.liveness(off.launcher.games()[0]!)).toMatchObject({ late: true });
    });
  });
});
