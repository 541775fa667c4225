import type { OrchestratorEventName, OrchestratorEvents, OrchestratorStats } from '@proj/orchestrator';
import { ManualClock } from '@proj/test-utils';
import { describe, expect, it } from 'vitest';
import type { PackageLogger } from './logger.js';
import { ServerMetrics } from './metrics.js';
import {
  ChildPids,
  type OrchestratorEventSource,
  observeOrchestrator,
  toAdmissionInfo,
  toGameInfo,
  toServerStats,
} from './observe.js';
import { RefusalLog } from './refusal-log.js';

class FakeOrchestrator implements OrchestratorEventSource {
  readonly listeners = new Map<string, Set<(payload: never) => void>>();
  on<E extends OrchestratorEventName>(event: E, listener: (payload: OrchestratorEvents[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }
  fire<E extends OrchestratorEventName>(event: E, payload: OrchestratorEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: OrchestratorEvents[E]) => void)(payload);
  }
}

function recordingLogger(): PackageLogger & {
  lines: { level: string; message: string; fields?: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const stats: OrchestratorStats = {
  connectedClients: 5,
  awaitingHello: 1,
  queued: 3,
  queuedByMode: { arena: 3 },
  matched: 1,
  gamesStarting: 1,
  gamesRunning: 2,
  maxGames: 8,
  processes: 4,
  warmIdle: 1,
  warmBooting: 0,
  warmTarget: 2,
  warmStarted: 3,
  warmShrunk: 0,
  ports: { total: 8, free: 5, inUse: 3, quarantined: 0 },
  closing: false,
  sharedQueue: undefined,
  admission: { open: false, reason: 'tickLate', hostCpu: 0.71234, startsInFlight: 1, worstTickLateMs: 41.26 },
};

async function sample(metrics: ServerMetrics, series: string): Promise<number | undefined> {
  const line = (await metrics.text()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('toServerStats / toGameInfo', () => {
  it('maps the orchestrator stats, with a queue length for every configured mode', () => {
    expect(toServerStats(stats, ['arena', 'duel'])).toEqual({
      queued: { arena: 3, duel: 0 },
      clients: 5,
      gamesStarting: 1,
      gamesRunning: 2,
      maxGames: 8,
      portsFree: 5,
      portsQuarantined: 0,
      portsTotal: 8,
      warmChildren: 1,
      warmBooting: 0,
      warmTarget: 2,
      childProcesses: 4,
      draining: false,
      admission: stats.admission,
    });
  });

  it('maps the admission state to its /games entry, leaving out an unknown host CPU', () => {
    expect(toAdmissionInfo(stats.admission)).toEqual({
      open: false,
      reason: 'tickLate',
      hostCpu: 0.712,
      startsInFlight: 1,
      worstTickLateMs: 41.3,
    });
    expect(
      toAdmissionInfo({ open: true, reason: 'open', hostCpu: undefined, startsInFlight: 0, worstTickLateMs: 0 }),
    ).toEqual({ open: true, reason: 'open', startsInFlight: 0, worstTickLateMs: 0 });
  });

  it('maps a game to its /games entry', () => {
    const info = toGameInfo(
      {
        gameId: 'g',
        mode: 'duel',
        port: 7701,
        players: ['a', 'b'],
        pid: 9,
        state: 'running',
        warm: true,
        startedAt: 1_000,
        ageMs: 1234.56,
        tickRateHz: undefined,
        tickLateP99Ms: undefined,
        cpuPercent: undefined,
        lastHeardMs: 2_345.6,
        late: true,
        ending: false,
        playersConnected: undefined,
      },
      10_000,
    );
    expect(info).toEqual({
      id: 'g',
      mode: 'duel',
      port: 7701,
      players: ['a', 'b'],
      pid: 9,
      state: 'running',
      launchedAt: new Date(10_000 - 1234.56).toISOString(),
      ageMs: 1235,
      lastHeardMs: 2346,
      late: true,
    });
  });
});

describe('observeOrchestrator', () => {
  it('moves the metrics, logs with structured fields and tracks child pids', async () => {
    const orch = new FakeOrchestrator();
    const metrics = new ServerMetrics({ stats: () => toServerStats(stats, ['duel']) }, { processMetrics: false });
    const logger = recordingLogger();
    const pids = new ChildPids();
    const off = observeOrchestrator(orch, metrics, logger, pids);

    orch.fire('childSpawned', { pid: 101, warm: false });
    orch.fire('childSpawned', { pid: 102, warm: true });
    orch.fire('clientConnected', { clientId: 1, remoteAddress: '127.0.0.1' });
    orch.fire('playerQueued', { clientId: 1, name: 'ann', mode: 'duel', position: 0 });
    orch.fire('seatBackfilled', { gameId: 'g0', mode: 'duel', slot: 1, leftClientId: 3, clientId: 1, name: 'ann' });
    orch.fire('frameRejected', { clientId: 2, remoteAddress: '127.0.0.1', code: 1, reason: 'BAD_FRAME' });
    orch.fire('clientRejected', { remoteAddress: '10.0.0.1', code: 8, reason: 'TOO_MANY_FROM_IP' });
    orch.fire('gameStarted', {
      gameId: 'g1',
      mode: 'duel',
      port: 7701,
      players: ['ann', 'bob'],
      pid: 101,
      warm: false,
      spawnMs: 42.123,
      timeToMatchMs: 3.3,
    });
    orch.fire('gameLaunchFailed', {
      gameId: 'g2',
      mode: 'duel',
      port: 7702,
      reason: 'bindFailed',
      requeued: 2,
      errorCode: 'EADDRINUSE',
    });
    orch.fire('portQuarantined', { port: 7702, gameId: 'g2', errorCode: 'EADDRINUSE' });
    orch.fire('gameEnded', {
      gameId: 'g1',
      mode: 'duel',
      port: 7701,
      pid: 101,
      reason: 'GAME_OVER',
      exitCode: 0,
      signal: null,
      durationMs: 61_000,
    });
    orch.fire('childExited', { pid: 101, state: 'exited', exitCode: 0, signal: null, reason: 'GAME_OVER' });
    orch.fire('playerLeft', { clientId: 3, name: 'cat', mode: 'duel', reason: 'disconnected' });
    orch.fire('childPacketStats', {
      gameId: 'g1',
      mode: 'duel',
      port: 7701,
      pid: 101,
      dropped: { malformed: 3, tokenForged: 1 },
    });
    orch.fire('childPacketStats', {
      gameId: 'g1',
      mode: 'duel',
      port: 7701,
      pid: 101,
      dropped: { malformed: 2, madeUp: 4, alsoMadeUp: 1, stale: 0 },
    });
    const health = { tickRateHz: 30, intervalMs: 1_000, ticks: 30, lateP50Ms: 1, lateMaxMs: 60, skippedTicks: 0 };
    orch.fire('childTickStats', {
      gameId: 'g1',
      mode: 'duel',
      port: 7701,
      pid: 101,
      ...health,
      lateP99Ms: 4,
      cpuMs: 30,
    });
    orch.fire('childTickStats', {
      gameId: 'g1',
      mode: 'duel',
      port: 7701,
      pid: 101,
      ...health,
      lateP99Ms: 40,
      cpuMs: 30,
    });

    expect(pids.list()).toEqual([102]);
    expect(await sample(metrics, 'proj_game_tick_late_p99_seconds_count{mode="duel"}')).toBe(2);
    expect(await sample(metrics, 'proj_game_tick_late_p99_seconds_bucket{le="0.005",mode="duel"}')).toBe(1);
    expect(await sample(metrics, 'proj_game_tick_late_p99_seconds_bucket{le="0.05",mode="duel"}')).toBe(2);
    expect(await sample(metrics, 'proj_admission_open')).toBe(0);
    expect(await sample(metrics, 'proj_admission_held{reason="tickLate"}')).toBe(1);
    expect(await sample(metrics, 'proj_admission_host_cpu_ratio')).toBe(0.71234);
    expect(await sample(metrics, 'proj_admission_starts_in_flight')).toBe(1);
    expect(await sample(metrics, 'proj_game_tick_late_p99_worst_seconds')).toBeCloseTo(0.04126);
    expect(await sample(metrics, 'proj_connections_total')).toBe(1);
    expect(await sample(metrics, 'proj_players_queued_total{mode="duel"}')).toBe(1);
    expect(await sample(metrics, 'proj_frames_rejected_total{reason="BAD_FRAME"}')).toBe(1);
    expect(logger.lines.find((l) => l.fields?.['reason'] === 'BAD_FRAME')).toEqual({
      level: 'info',
      message: 'client closed: BAD_FRAME',
      fields: { clientId: 2, remoteAddress: '127.0.0.1', code: 1, reason: 'BAD_FRAME' },
    });
    expect(logger.lines.find((l) => l.fields?.['reason'] === 'TOO_MANY_FROM_IP')).toEqual({
      level: 'info',
      message: 'connection refused: TOO_MANY_FROM_IP',
      fields: { remoteAddress: '10.0.0.1', code: 8, reason: 'TOO_MANY_FROM_IP' },
    });
    expect(await sample(metrics, 'proj_connections_rejected_total{reason="TOO_MANY_FROM_IP"}')).toBe(1);
    expect(await sample(metrics, 'proj_games_started_total{mode="duel"}')).toBe(1);
    expect(await sample(metrics, 'proj_spawn_seconds_sum{warm="false"}')).toBeCloseTo(0.042123);
    expect(await sample(metrics, 'proj_time_to_match_seconds_count{mode="duel"}')).toBe(1);
    expect(await sample(metrics, 'proj_game_launch_failures_total{reason="bindFailed"}')).toBe(1);
    expect(await sample(metrics, 'proj_ports_quarantined_total')).toBe(1);
    expect(await sample(metrics, 'proj_seats_backfilled_total{mode="duel"}')).toBe(1);
    expect(await sample(metrics, 'proj_game_duration_seconds_count{mode="duel"}')).toBe(1);
    expect(await sample(metrics, 'proj_child_exits_total{reason="GAME_OVER"}')).toBe(1);
    expect(await sample(metrics, 'proj_players_left_total{reason="disconnected"}')).toBe(1);
    expect(await sample(metrics, 'proj_packets_rejected_total{reason="malformed"}')).toBe(5);
    expect(await sample(metrics, 'proj_packets_rejected_total{reason="tokenForged"}')).toBe(1);
    // Reasons this server's game child does not have are pooled, so a hostile child cannot mint series.
    expect(await sample(metrics, 'proj_packets_rejected_total{reason="other"}')).toBe(5);
    expect(await sample(metrics, 'proj_packets_rejected_total{reason="madeUp"}')).toBeUndefined();
    expect(await sample(metrics, 'proj_packets_rejected_total{reason="stale"}')).toBeUndefined();
    expect(logger.lines.find((l) => l.message === 'UDP packets rejected by a game')).toMatchObject({
      level: 'debug',
      fields: { gameId: 'g1', port: 7701, childPid: 101, dropped: { malformed: 3, tokenForged: 1 } },
    });

    const started = logger.lines.find((l) => l.message === 'game started')!;
    expect(started).toEqual({
      level: 'info',
      message: 'game started',
      fields: {
        gameId: 'g1',
        mode: 'duel',
        port: 7701,
        players: [
          { slot: 0, name: 'ann' },
          { slot: 1, name: 'bob' },
        ],
        childPid: 101,
        warm: false,
        spawnMs: 42.1,
        timeToMatchMs: 3.3,
      },
    });
    expect(logger.lines.find((l) => l.message === 'game launch failed')).toMatchObject({
      level: 'warn',
      fields: { reason: 'bindFailed', errorCode: 'EADDRINUSE' },
    });
    expect(logger.lines.find((l) => l.message === 'game ended')).toMatchObject({
      level: 'info',
      fields: { gameId: 'g1', port: 7701, reason: 'GAME_OVER' },
    });

    orch.fire('gameEnded', {
      gameId: 'g3',
      mode: 'duel',
      port: 7703,
      pid: 103,
      reason: 'SIGNAL_SIGKILL',
      exitCode: null,
      signal: 'SIGKILL',
      durationMs: 10,
    });
    expect(logger.lines.at(-1)).toMatchObject({ level: 'warn', message: 'game ended abnormally' });

    off();
    orch.fire('clientConnected', { clientId: 9, remoteAddress: '127.0.0.1' });
    expect(await sample(metrics, 'proj_connections_total')).toBe(1);
  });

  it('counts every refusal by reason, logs hello timeouts as such, and folds repeats into a summary', async () => {
    const orch = new FakeOrchestrator();
    const metrics = new ServerMetrics({ stats: () => toServerStats(stats, ['duel']) }, { processMetrics: false });
    const logger = recordingLogger();
    const clock = new ManualClock();
    const refusals = new RefusalLog({
      logger,
      intervalMs: 10_000,
      timers: clock,
      onFolded: (reason) => metrics.recordLogLineFolded(reason),
    });
    const off = observeOrchestrator(orch, metrics, logger, new ChildPids(), refusals);
    for (let clientId = 1; clientId <= 50; clientId++)
      orch.fire('frameRejected', { clientId, remoteAddress: '10.0.0.7', code: 6, reason: 'HELLO_TIMEOUT' });
    for (let i = 0; i < 30; i++)
      orch.fire('clientRejected', { remoteAddress: '10.0.0.7', code: 8, reason: 'TOO_MANY_FROM_IP' });
    expect(logger.lines.map((l) => l.message)).toEqual([
      'client closed: HELLO_TIMEOUT',
      'connection refused: TOO_MANY_FROM_IP',
    ]);
    clock.advance(10_000);
    expect(logger.lines.slice(2).map((l) => l.message)).toEqual([
      '49 clients closed: HELLO_TIMEOUT in the last 10 s, e.g. from 10.0.0.7',
      '29 connections refused: TOO_MANY_FROM_IP in the last 10 s, e.g. from 10.0.0.7',
    ]);
    expect(logger.lines.some((l) => /bad frame/i.test(l.message))).toBe(false);
    expect(await sample(metrics, 'proj_frames_rejected_total{reason="HELLO_TIMEOUT"}')).toBe(50);
    expect(await sample(metrics, 'proj_connections_rejected_total{reason="TOO_MANY_FROM_IP"}')).toBe(30);
    expect(await sample(metrics, 'proj_log_lines_folded_total{reason="HELLO_TIMEOUT"}')).toBe(49);
    expect(await sample(metrics, 'proj_log_lines_folded_total{reason="TOO_MANY_FROM_IP"}')).toBe(29);

    // Unsubscribing writes what is pending.
    orch.fire('frameRejected', { clientId: 99, remoteAddress: '10.0.0.8', code: 12, reason: 'IDLE_TIMEOUT' });
    orch.fire('frameRejected', { clientId: 98, remoteAddress: '10.0.0.8', code: 12, reason: 'IDLE_TIMEOUT' });
    clock.advance(500);
    off();
    expect(logger.lines.at(-1)!.message).toBe('1 client closed: IDLE_TIMEOUT in the last 500 ms, e.g. from 10.0.0.8');
    expect(refusals.pending).toBe(0);
  });

  it('logs the shutdown phases at info once listening, at debug for a start that failed', () => {
    const phases = (listen: boolean) => {
      const orch = new FakeOrchestrator();
      const metrics = new ServerMetrics({ stats: () => toServerStats(stats, ['duel']) }, { processMetrics: false });
      const logger = recordingLogger();
      observeOrchestrator(orch, metrics, logger, new ChildPids());
      if (listen) orch.fire('listening', { host: '127.0.0.1', port: 7700 });
      for (const phase of ['draining', 'stopping', 'closed'] as const) orch.fire('shutdown', { phase });
      return logger.lines.filter((l) => l.message.startsWith('shutdown:')).map((l) => `${l.level} ${l.message}`);
    };
    expect(phases(true)).toEqual(['info shutdown: draining', 'info shutdown: stopping', 'info shutdown: closed']);
    expect(phases(false)).toEqual(['debug shutdown: draining', 'debug shutdown: stopping', 'debug shutdown: closed']);
  });

  it('ChildPids.killAll never throws for processes already gone', () => {
    const pids = new ChildPids();
    pids.add(2 ** 22 + 12345);
    pids.add(undefined);
    expect(() => pids.killAll()).not.toThrow();
  });
});
