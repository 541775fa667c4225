import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { type ServerStats, ServerMetrics } from './metrics.js';

function fakeSource(initial: Partial<ServerStats> = {}): { stats: ServerStats; source: { stats(): ServerStats } } {
  const holder = {
    stats: {
      queued: { arena: 0, duel: 0 },
      clients: 0,
      gamesStarting: 0,
      gamesRunning: 0,
      maxGames: 16,
      portsFree: 16,
      portsQuarantined: 0,
      portsTotal: 16,
      warmChildren: 2,
      warmBooting: 0,
      warmTarget: 2,
      childProcesses: 2,
      draining: false,
      ...initial,
    },
    source: { stats: () => holder.stats },
  };
  return holder;
}

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('ServerMetrics', () => {
  it('reads the admission gauges, with a NaN host CPU until it is known and no held reason while open', async () => {
    const fake = fakeSource();
    const metrics = new ServerMetrics(fake.source, { processMetrics: false });
    let text = await metrics.text();
    // A source that knows nothing of admission: zeros, no CPU value, no reason.
    expect(sample(text, 'proj_admission_open')).toBe(0);
    expect(sample(text, 'proj_admission_host_cpu_ratio')).toBeNaN();
    expect(text).not.toContain('proj_admission_held{');
    fake.stats = {
      ...fake.stats,
      admission: { open: true, reason: 'open', hostCpu: undefined, startsInFlight: 0, worstTickLateMs: 0 },
    };
    text = await metrics.text();
    expect(sample(text, 'proj_admission_open')).toBe(1);
    expect(sample(text, 'proj_admission_host_cpu_ratio')).toBeNaN();
    expect(text).not.toContain('proj_admission_held{');
    fake.stats = {
      ...fake.stats,
      admission: { open: false, reason: 'hostCpu', hostCpu: 0.95, startsInFlight: 2, worstTickLateMs: 12.5 },
    };
    text = await metrics.text();
    expect(sample(text, 'proj_admission_open')).toBe(0);
    expect(sample(text, 'proj_admission_held{reason="hostCpu"}')).toBe(1);
    expect(sample(text, 'proj_admission_host_cpu_ratio')).toBe(0.95);
    expect(sample(text, 'proj_admission_starts_in_flight')).toBe(2);
    expect(sample(text, 'proj_game_tick_late_p99_worst_seconds')).toBe(0.0125);
  });

  it('reads every gauge from the source at each scrape', async () => {
    const fake = fakeSource();
    const metrics = new ServerMetrics(fake.source, { processMetrics: false });
    let text = await metrics.text();
    expect(sample(text, 'proj_queue_length{mode="arena"}')).toBe(0);
    expect(sample(text, 'proj_queue_length{mode="duel"}')).toBe(0);
    expect(sample(text, 'proj_ports_free')).toBe(16);
    expect(sample(text, 'proj_warm_children')).toBe(2);
    expect(sample(text, 'proj_warm_children_booting')).toBe(0);
    expect(sample(text, 'proj_warm_pool_target')).toBe(2);
    expect(sample(text, 'proj_draining')).toBe(0);

    fake.stats = {
      ...fake.stats,
      queued: { arena: 3, duel: 1 },
      clients: 5,
      gamesStarting: 1,
      gamesRunning: 2,
      portsFree: 13,
      portsQuarantined: 1,
      warmChildren: 0,
      warmBooting: 3,
      warmTarget: 5,
      childProcesses: 3,
      draining: true,
    };
    text = await metrics.text();
    expect(sample(text, 'proj_queue_length{mode="arena"}')).toBe(3);
    expect(sample(text, 'proj_queue_length{mode="duel"}')).toBe(1);
    expect(sample(text, 'proj_clients_connected')).toBe(5);
    expect(sample(text, 'proj_games_starting')).toBe(1);
    expect(sample(text, 'proj_games_running')).toBe(2);
    expect(sample(text, 'proj_games_max')).toBe(16);
    expect(sample(text, 'proj_ports_free')).toBe(13);
    expect(sample(text, 'proj_ports_quarantined')).toBe(1);
    expect(sample(text, 'proj_ports_total')).toBe(16);
    expect(sample(text, 'proj_warm_children')).toBe(0);
    expect(sample(text, 'proj_warm_children_booting')).toBe(3);
    expect(sample(text, 'proj_warm_pool_target')).toBe(5);
    expect(sample(text, 'proj_child_processes')).toBe(3);
    expect(sample(text, 'proj_draining')).toBe(1);
  });

  it('a mode that disappears from the source disappears from the queue gauge', async () => {
    const fake = fakeSource({ queued: { a: 1, b: 2 } });
    const metrics = new ServerMetrics(fake.source, { processMetrics: false });
    expect(sample(await metrics.text(), 'proj_queue_length{mode="b"}')).toBe(2);
    fake.stats = { ...fake.stats, queued: { a: 1 } };
    expect(sample(await metrics.text(), 'proj_queue_length{mode="b"}')).toBeUndefined();
  });

  it('counters and histograms move with the record methods', async () => {
    const metrics = new ServerMetrics(fakeSource().source, { processMetrics: false });
    metrics.recordSpawn(30, false);
    metrics.recordSpawn(2, true);
    metrics.recordGameStarted('arena', 4);
    metrics.recordGameStarted('arena', 400);
    metrics.recordGameEnded('arena', 65_000);
    metrics.recordLaunchFailure('bindFailed');
    metrics.recordChildExit('GAME_OVER');
    metrics.recordChildExit('GAME_OVER');
    metrics.recordChildExit('SIGNAL_SIGKILL');
    metrics.recordPlayerQueued('duel');
    metrics.recordPlayerLeft('disconnected');
    metrics.recordConnection();
    metrics.recordConnectionRejected('SERVER_FULL');
    metrics.recordFrameRejected('MALFORMED_FRAME');
    metrics.recordPacketsRejected('malformed', 7);
    metrics.recordPacketsRejected('malformed', 0);
    metrics.recordPortQuarantined();
    const text = await metrics.text();
    expect(sample(text, 'proj_spawn_seconds_count{warm="false"}')).toBe(1);
    expect(sample(text, 'proj_spawn_seconds_sum{warm="false"}')).toBeCloseTo(0.03);
    expect(sample(text, 'proj_spawn_seconds_bucket{le="0.005",warm="true"}')).toBe(1);
    expect(sample(text, 'proj_time_to_match_seconds_count{mode="arena"}')).toBe(2);
    expect(sample(text, 'proj_time_to_match_seconds_bucket{le="0.005",mode="arena"}')).toBe(1);
    expect(sample(text, 'proj_game_duration_seconds_bucket{le="60",mode="arena"}')).toBe(0);
    expect(sample(text, 'proj_game_duration_seconds_bucket{le="120",mode="arena"}')).toBe(1);
    expect(sample(text, 'proj_games_started_total{mode="arena"}')).toBe(2);
    expect(sample(text, 'proj_game_launch_failures_total{reason="bindFailed"}')).toBe(1);
    expect(sample(text, 'proj_child_exits_total{reason="GAME_OVER"}')).toBe(2);
    expect(sample(text, 'proj_child_exits_total{reason="SIGNAL_SIGKILL"}')).toBe(1);
    expect(sample(text, 'proj_players_queued_total{mode="duel"}')).toBe(1);
    expect(sample(text, 'proj_players_left_total{reason="disconnected"}')).toBe(1);
    expect(sample(text, 'proj_connections_total')).toBe(1);
    expect(sample(text, 'proj_connections_rejected_total{reason="SERVER_FULL"}')).toBe(1);
    expect(sample(text, 'proj_frames_rejected_total{reason="MALFORMED_FRAME"}')).toBe(1);
    expect(sample(text, 'proj_packets_rejected_total{reason="malformed"}')).toBe(7);
    expect(sample(text, 'proj_ports_quarantined_total')).toBe(1);
  });

  it('event loop utilization: the busy share of the loop between two scrapes', async () => {
    let times = { idle: 100, active: 50 };
    const metrics = new ServerMetrics(fakeSource().source, { processMetrics: false, eventLoopTimes: () => times });
    times = { idle: 130, active: 60 };
    expect(sample(await metrics.text(), 'proj_event_loop_utilization')).toBeCloseTo(10 / 40);
    times = { idle: 130, active: 100 };
    expect(sample(await metrics.text(), 'proj_event_loop_utilization')).toBe(1);
    // No time passed between two scrapes: 0, not NaN.
    expect(sample(await metrics.text(), 'proj_event_loop_utilization')).toBe(0);
  });

  it("event loop utilization by default is the process's own: a busy loop between scrapes shows", async () => {
    const metrics = new ServerMetrics(fakeSource().source, { processMetrics: false });
    await metrics.text();
    const until = performance.now() + 60;
    while (performance.now() < until) {
      // Keep the loop busy.
    }
    const busy = sample(await metrics.text(), 'proj_event_loop_utilization');
    expect(busy).toBeGreaterThan(0.5);
    expect(busy).toBeLessThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sample(await metrics.text(), 'proj_event_loop_utilization')).toBeLessThan(busy!);
  });

  it('uses its own registry (two instances coexist), a custom prefix, and Node process metrics by default', async () => {
    const a = new ServerMetrics(fakeSource().source);
    const b = new ServerMetrics(fakeSource().source, { prefix: 'game_' });
    expect(await a.text()).toContain('proj_process_cpu_user_seconds_total');
    const textB = await b.text();
    expect(textB).toContain('game_ports_free 16');
    expect(textB).not.toContain('proj_');
    expect(a.registry.contentType).toContain('text/plain');
  });

  it('documents every metric with HELP and TYPE', async () => {
    const text = await new ServerMetrics(fakeSource().source, { processMetrics: false }).text();
    const names = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThanOrEqual(24);
    for (const name of names) expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
  });
});
