import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A point-in-time view of the server, read on every scrape of /metrics. The server builds it from the orchestrator;
 * tests give a fake.
 */
export interface ServerStats {
  /** Players waiting in each mode's queue: every configured mode, 0 included. */
  readonly queued: Readonly<Record<string, number>>;
  /** TCP clients connected to the orchestrator (saying hello, queued, or being matched). */
  readonly clients: number;
  /** Games whose child is starting (port taken, waiting for the child's ready). */
  readonly gamesStarting: number;
  /** Games being played. */
  readonly gamesRunning: number;
  /** The cap on concurrent games. */
  readonly maxGames: number;
  /** UDP ports free in the ring. */
  readonly portsFree: number;
  /** UDP ports set aside after a failed bind. */
  readonly portsQuarantined: number;
  /** UDP ports in the ring (N). */
  readonly portsTotal: number;
  /** Child processes started ahead, idle, waiting for a game. */
  readonly warmChildren: number;
  /** Warm children still starting (not idle yet). */
  readonly warmBooting: number;
  /** The warm pool's target size now (fixed, or following demand). */
  readonly warmTarget: number;
  /** Child processes alive (warm, starting, playing or stopping). */
  readonly childProcesses: number;
  /** True once a shutdown began. */
  readonly draining: boolean;
  /** Admission by capacity (absent: not known, its gauges read 0). */
  readonly admission?: AdmissionStats;
}

/** The orchestrator's admission controller, as the metrics read it. */
export interface AdmissionStats {
  /** True when a game may be started now as far as host capacity goes. */
  readonly open: boolean;
  /** Why not: 'open', 'startsInFlight', 'hostCpu' or 'tickLate'. */
  readonly reason: string;
  /** Smoothed host CPU utilisation 0..1; undefined before two samples or with the check off. */
  readonly hostCpu: number | undefined;
  /** Games starting on a fresh child process. */
  readonly startsInFlight: number;
  /** The worst recent tick lateness p99 among running games, ms (0: none reported). */
  readonly worstTickLateMs: number;
}

/** Where the gauges take their values from. */
export interface StatsSource {
  stats(): ServerStats;
}

/** Options of {@link ServerMetrics}. */
export interface ServerMetricsOptions {
  /** Prefix of every metric name. Default 'proj_'. */
  readonly prefix?: string;
  /** Also export Node's process metrics (CPU, memory, event loop lag, GC), with the same prefix. Default true. */
  readonly processMetrics?: boolean;
  /**
   * Cumulative ms the event loop spent idle and active so far (default: `performance.eventLoopUtilization()`); tests
   * pass a fake.
   */
  readonly eventLoopTimes?: () => { readonly idle: number; readonly active: number };
}

/** Bucket bounds in seconds. */
const SPAWN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const MATCH_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const GAME_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];
const TICK_LATE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.033, 0.05, 0.1, 0.25, 0.5, 1];

/**
 * The server's Prometheus metrics in their own registry (never prom-client's global one, so several servers can live
 * in one process, as in tests). Gauges are read from a {@link StatsSource} at each scrape; counters and histograms
 * move through the `record*` methods, which the server calls on orchestrator events.
 *
 * Metric names (with the default prefix): `proj_queue_length{mode}`, `proj_clients_connected`, `proj_games_running`,
 * `proj_games_starting`, `proj_games_max`, `proj_ports_free`, `proj_ports_quarantined`, `proj_ports_total`,
 * `proj_warm_children`, `proj_warm_children_booting`, `proj_warm_pool_target`, `proj_child_processes`,
 * `proj_draining`, `proj_event_loop_utilization`;
 * `proj_spawn_seconds{warm}`, `proj_time_to_match_seconds{mode}`, `proj_game_duration_seconds{mode}`;
 * `proj_games_started_total{mode}`,
 * `proj_game_launch_failures_total{reason}`, `proj_child_exits_total{reason}`, `proj_players_queued_total{mode}`,
 * `proj_players_left_total{reason}`, `proj_connections_total`, `proj_connections_rejected_total{reason}`,
 * `proj_frames_rejected_total{reason}`, `proj_packets_rejected_total{reason}`, `proj_ports_quarantined_total`,
 * `proj_seats_backfilled_total{mode}`, `proj_player_no_shows_total{mode}`, `proj_no_show_backoffs_total{kind}`,
 * `proj_log_lines_folded_total{reason}`,
 * `proj_children_unresponsive_total{state}`.
 * Admission by capacity: `proj_admission_open`, `proj_admission_held{reason}`, `proj_admission_host_cpu_ratio`,
 * `proj_admission_starts_in_flight`, `proj_game_tick_late_p99_worst_seconds`, `proj_game_tick_late_p99_seconds{mode}`.
 */
export class ServerMetrics {
  /** The registry to serve on /metrics. */
  readonly registry: Registry;
  readonly #spawn: Histogram<'warm'>;
  readonly #timeToMatch: Histogram<'mode'>;
  readonly #gameDuration: Histogram<'mode'>;
  readonly #gamesStarted: Counter<'mode'>;
  readonly #launchFailures: Counter<'reason'>;
  readonly #childExits: Counter<'reason'>;
  readonly #playersQueued: Counter<'mode'>;
  readonly #playersLeft: Counter<'reason'>;
  readonly #connections: Counter;
  readonly #connectionsRejected: Counter<'reason'>;
  readonly #framesRejected: Counter<'reason'>;
  readonly #noShows: Counter<'mode'>;
  readonly #noShowBackoffs: Counter<'kind'>;
  readonly #packetsRejected: Counter<'reason'>;
  readonly #portsQuarantined: Counter;
  readonly #seatsBackfilled: Counter<'mode'>;
  readonly #logLinesFolded: Counter<'reason'>;
  readonly #childrenUnresponsive: Counter<'state'>;
  readonly #tickLateP99: Histogram<'mode'>;
  readonly #source: StatsSource;
  #snapshot: ServerStats | undefined;

  /** Registers every metric; `source` is read at each scrape and must not throw. */
  constructor(source: StatsSource, options: ServerMetricsOptions = {}) {
    const p = options.prefix ?? 'proj_';
    const registry = new Registry();
    this.registry = registry;
    const registers = [registry];

    // text() takes one snapshot per scrape for every gauge; a direct registry.metrics() reads the source each time.
    this.#source = source;
    const stats = (): ServerStats => this.#snapshot ?? source.stats();
    const gauge = (name: string, help: string, read: (s: ServerStats) => number): void => {
      new Gauge({
        name: p + name,
        help,
        registers,
        collect() {
          this.set(read(stats()));
        },
      });
    };
    new Gauge({
      name: `${p}queue_length`,
      help: 'Players waiting in the matchmaking queue, per mode.',
      labelNames: ['mode'],
      registers,
      collect() {
        this.reset();
        for (const [mode, n] of Object.entries(stats().queued)) this.set({ mode }, n);
      },
    });
    gauge('clients_connected', 'TCP clients connected to the orchestrator (before their match).', (s) => s.clients);
    gauge('games_running', 'Games being played.', (s) => s.gamesRunning);
    gauge(
      'games_starting',
      'Games whose child process is starting (port taken, not ready yet).',
      (s) => s.gamesStarting,
    );
    gauge('games_max', 'Cap on concurrent games.', (s) => s.maxGames);
    gauge('ports_free', 'UDP game ports free in the ring.', (s) => s.portsFree);
    gauge('ports_quarantined', 'UDP game ports set aside after a failed bind.', (s) => s.portsQuarantined);
    gauge('ports_total', 'UDP game ports in the ring (N).', (s) => s.portsTotal);
    gauge('warm_children', 'Child processes started ahead, idle, waiting for a game.', (s) => s.warmChildren);
    gauge('warm_children_booting', 'Warm child processes still starting (not idle yet).', (s) => s.warmBooting);
    gauge(
      'warm_pool_target',
      'Target size of the warm pool: fixed, or following demand between its floor and ceiling.',
      (s) => s.warmTarget,
    );
    gauge('child_processes', 'Child game processes alive.', (s) => s.childProcesses);
    gauge('draining', '1 once a shutdown began, else 0.', (s) => (s.draining ? 1 : 0));
    const loopTimes = options.eventLoopTimes ?? (() => performance.eventLoopUtilization());
    let lastLoop = loopTimes();
    new Gauge({
      name: `${p}event_loop_utilization`,
      help: "Share of time (0..1) the server's event loop was busy since the previous scrape (the first: since start).",
      registers,
      collect() {
        const now = loopTimes();
        const active = now.active - lastLoop.active;
        const total = active + now.idle - lastLoop.idle;
        lastLoop = now;
        // Clamped: differences of large float sums can land a hair outside 0..1 (1.0000000000000002 was seen).
        this.set(total > 0 ? Math.min(1, Math.max(0, active / total)) : 0);
      },
    });

    this.#spawn = new Histogram({
      name: `${p}spawn_seconds`,
      help: 'Time from launching a game (fork, or start sent to a warm child) to the child reporting its UDP port bound.',
      labelNames: ['warm'],
      buckets: SPAWN_BUCKETS,
      registers,
    });
    this.#timeToMatch = new Histogram({
      name: `${p}time_to_match_seconds`,
      help: "Time from the hello of a game's last player to match-found sent to every player.",
      labelNames: ['mode'],
      buckets: MATCH_BUCKETS,
      registers,
    });
    this.#gameDuration = new Histogram({
      name: `${p}game_duration_seconds`,
      help: 'Length of games, from ready to the exit of their child.',
      labelNames: ['mode'],
      buckets: GAME_BUCKETS,
      registers,
    });
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
      new Counter<L>({ name: p + name, help, labelNames, registers });
    this.#gamesStarted = counter('games_started_total', 'Games started (every player was sent match-found).', ['mode']);
    this.#launchFailures = counter(
      'game_launch_failures_total',
      'Game launches that failed (players requeued), by reason.',
      ['reason'],
    );
    this.#childExits = counter(
      'child_exits_total',
      'Child process exits, by reason (GAME_OVER, NO_PLAYERS, CRASHED, SIGNAL_SIGKILL...).',
      ['reason'],
    );
    this.#playersQueued = counter('players_queued_total', 'Players who said hello and entered a queue.', ['mode']);
    this.#playersLeft = counter('players_left_total', 'Queued players who left before their match, by reason.', [
      'reason',
    ]);
    this.#connections = counter('connections_total', 'TCP connections accepted.', []);
    this.#connectionsRejected = counter(
      'connections_rejected_total',
      'TCP connections refused at accept time, by reason.',
      ['reason'],
    );
    this.#framesRejected = counter(
      'frames_rejected_total',
      'Clients closed for a malformed, oversized or unexpected TCP frame (or a timeout), by reason.',
      ['reason'],
    );
    this.#noShows = counter(
      'player_no_shows_total',
      'Players told their match who never joined their game (no-shows), by mode.',
      ['mode'],
    );
    this.#noShowBackoffs = counter(
      'no_show_backoffs_total',
      'Times an address or a player name got its hellos refused for a while for its no-shows, by kind.',
      ['kind'],
    );
    this.#packetsRejected = counter(
      'packets_rejected_total',
      'UDP packets rejected by game children (malformed, bad token...), by reason.',
      ['reason'],
    );
    this.#portsQuarantined = counter(
      'ports_quarantined_total',
      'Times a UDP port was set aside after a failed bind.',
      [],
    );
    this.#seatsBackfilled = counter(
      'seats_backfilled_total',
      'Seats of a starting game given to the next queued player after their player left (the child was used).',
      ['mode'],
    );
    this.#logLinesFolded = counter(
      'log_lines_folded_total',
      'Refusals (connections refused, clients closed for a bad frame or a timeout) not logged on their own line but folded into a summary line, by reason.',
      ['reason'],
    );
    this.#childrenUnresponsive = counter(
      'children_unresponsive_total',
      'Game children killed because they sent nothing over IPC for --child-silence-timeout (frozen, stopped), by the state they were in (starting, running).',
      ['state'],
    );

    // Admission by capacity (the orchestrator's limiter) and the games' tick health.
    gauge('admission_open', '1 while a game may be started as far as host capacity goes, else 0.', (s) =>
      s.admission?.open === true ? 1 : 0,
    );
    new Gauge({
      name: `${p}admission_held`,
      help: 'Why game starts are held: 1 for the current reason (startsInFlight, hostCpu, tickLate), none while open.',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        const admission = stats().admission;
        if (admission !== undefined && !admission.open) this.set({ reason: admission.reason }, 1);
      },
    });
    new Gauge({
      name: `${p}admission_host_cpu_ratio`,
      help: 'Host CPU utilisation (0..1, all cores, smoothed) the admission control reads; NaN until known.',
      registers,
      collect() {
        this.set(stats().admission?.hostCpu ?? Number.NaN);
      },
    });
    gauge(
      'admission_starts_in_flight',
      'Games starting on a fresh child process (bounded by maxConcurrentStarts).',
      (s) => s.admission?.startsInFlight ?? 0,
    );
    gauge(
      'game_tick_late_p99_worst_seconds',
      'The worst recent tick lateness p99 among running games (0 when none reported).',
      (s) => (s.admission?.worstTickLateMs ?? 0) / 1000,
    );
    this.#tickLateP99 = new Histogram({
      name: `${p}game_tick_late_p99_seconds`,
      help: 'Tick lateness p99 of a running game over one report (about a second), as its child reported it.',
      labelNames: ['mode'],
      buckets: TICK_LATE_BUCKETS,
      registers,
    });

    if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: p });
  }

  /** A child reported ready `ms` after its launch; `warm`: a warm child took the game. */
  recordSpawn(ms: number, warm: boolean): void {
    this.#spawn.observe({ warm: String(warm) }, ms / 1000);
  }

  /** A game of `mode` started: every player was sent match-found, `timeToMatchMs` after the last hello. */
  recordGameStarted(mode: string, timeToMatchMs: number): void {
    this.#gamesStarted.inc({ mode });
    this.#timeToMatch.observe({ mode }, timeToMatchMs / 1000);
  }

  /** A game launch failed. */
  recordLaunchFailure(reason: string): void {
    this.#launchFailures.inc({ reason });
  }

  /** A started game of `mode` ended after `durationMs`. */
  recordGameEnded(mode: string, durationMs: number): void {
    this.#gameDuration.observe({ mode }, durationMs / 1000);
  }

  /** A child process exited (`reason`: the name of its exit code, or SIGNAL_<name>). */
  recordChildExit(reason: string): void {
    this.#childExits.inc({ reason });
  }

  /** A player entered `mode`'s queue. */
  recordPlayerQueued(mode: string): void {
    this.#playersQueued.inc({ mode });
  }

  /** A queued player left before a match. */
  recordPlayerLeft(reason: string): void {
    this.#playersLeft.inc({ reason });
  }

  /** A TCP connection was accepted. */
  recordConnection(): void {
    this.#connections.inc();
  }

  /** A TCP connection was refused at accept time. */
  recordConnectionRejected(reason: string): void {
    this.#connectionsRejected.inc({ reason });
  }

  /** A client was closed for a bad frame (or a timeout). */
  recordFrameRejected(reason: string): void {
    this.#framesRejected.inc({ reason });
  }

  /** `count` players of a game of `mode` never joined it; `backoffs` addresses or names got refused for it. */
  recordNoShows(mode: string, count: number, backoffs: readonly { readonly kind: string }[]): void {
    if (count > 0) this.#noShows.inc({ mode }, count);
    for (const { kind } of backoffs) this.#noShowBackoffs.inc({ kind });
  }

  /** Game children rejected `count` UDP packets for `reason`. */
  recordPacketsRejected(reason: string, count = 1): void {
    if (count > 0) this.#packetsRejected.inc({ reason }, count);
  }

  /** A game's child was killed for its silence (`state`: starting or running). */
  recordChildUnresponsive(state: string): void {
    this.#childrenUnresponsive.inc({ state });
  }

  /** A seat of a starting game of `mode` went to the next queued player. */
  recordSeatBackfilled(mode: string): void {
    this.#seatsBackfilled.inc({ mode });
  }

  /** A refusal for `reason` was folded into a summary log line instead of getting its own. */
  recordLogLineFolded(reason: string): void {
    this.#logLinesFolded.inc({ reason });
  }

  /** A port was quarantined. */
  recordPortQuarantined(): void {
    this.#portsQuarantined.inc();
  }

  /** A running game of `mode` reported its tick lateness p99 over its last interval. */
  recordTickLateP99(mode: string, lateP99Ms: number): void {
    this.#tickLateP99.observe({ mode }, lateP99Ms / 1000);
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    this.#snapshot = this.#source.stats();
    try {
      return await this.registry.metrics();
    } finally {
      this.#snapshot = undefined;
    }
  }
}
