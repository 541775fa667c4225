import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Cumulative CPU time of the host, all cores: how long they were idle, and in total (ms from `os.cpus()`). */
export interface HostCpuTimes {
  readonly idle: number;
  readonly total: number;
}

/** The host's cumulative CPU times from `os.cpus()` (user + nice + sys + irq + idle, summed over the cores). */
export function readHostCpuTimes(): HostCpuTimes {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.irq + times.idle;
  }
  return { idle, total };
}

/** The default of `maxConcurrentStarts`: the host's CPU count (a cold start keeps about one core busy). */
export function defaultMaxConcurrentStarts(): number {
  return Math.max(1, availableParallelism());
}

/** Why the admission controller holds launches; `open` when it does not. */
export type AdmissionReason = 'open' | 'startsInFlight' | 'hostCpu' | 'tickLate';

/** The admission controller's state, as `Orchestrator.stats()` reports it. */
export interface AdmissionState {
  /** True when a game may be launched now (as far as capacity goes: ports and the cap are checked apart). */
  readonly open: boolean;
  readonly reason: AdmissionReason;
  /** Host CPU utilisation 0..1, smoothed; undefined before the second sample. */
  readonly hostCpu: number | undefined;
  /** Cold starts in flight: games launched on a fresh process that has not reported ready yet. */
  readonly startsInFlight: number;
  /** The worst recent tick lateness p99 (ms) among running games; 0 when none reported. */
  readonly worstTickLateMs: number;
}

/** The counts the controller reads from the launcher at each decision. */
export interface AdmissionSource {
  /** Cold starts in flight. */
  startsInFlight(): number;
  /** Games with a child: starting or running. */
  activeGames(): number;
}

/** Settings of an {@link AdmissionController} (validated by the orchestrator's options). */
export interface AdmissionSettings {
  /** At most this many cold starts at once (>= 1). */
  readonly maxConcurrentStarts: number;
  /** Hold launches while the smoothed host CPU utilisation is at or above this (0..1); 0 or 1 disables the check. */
  readonly cpuThreshold: number;
  /** Hold launches while a running game's tick lateness p99 is over this many tick periods; 0 disables the check. */
  readonly maxTickLateTicks: number;
  /** How often the host CPU is sampled, ms. */
  readonly sampleIntervalMs: number;
  /** Reads the host's cumulative CPU times (default: {@link readHostCpuTimes}). */
  readonly readCpuTimes?: () => HostCpuTimes;
  /** Monotonic ms (default `performance.now()`). */
  readonly now?: () => number;
}

/** Weight of the newest CPU sample in the smoothed utilisation (0.5 at a 500 ms period: a ~1 s memory). */
const CPU_SMOOTHING = 0.5;
/** A game's tick report older than this is no longer "recent" (children report every second). */
export const TICK_REPORT_STALE_MS = 5_000;

interface TickReport {
  /** lateP99Ms over the game's tick period. */
  readonly ticksLate: number;
  readonly lateP99Ms: number;
  readonly at: number;
}

/**
 * Admission by capacity: decides whether the host can take one more game now, from the cold starts in flight, the
 * smoothed host CPU utilisation (sampled every `sampleIntervalMs`) and the tick lateness the running games report.
 * When it said no ({@link admits} returned false), it calls `onOpen` as soon as it would say yes again (after a CPU
 * sample, a tick report, a start that settled or a game that ended), so matching resumes at once. It never starves:
 * with no game starting or running it always admits one start.
 */
export class AdmissionController {
  readonly #settings: AdmissionSettings;
  readonly #source: AdmissionSource;
  readonly #onOpen: () => void;
  readonly #readCpu: () => HostCpuTimes;
  readonly #now: () => number;
  readonly #reports = new Map<unknown, TickReport>();
  /** Games whose first report (their start-up second) was set aside; forgotten with the game. */
  readonly #started = new Set<unknown>();
  /** The game with the worst recent report (undefined: none, or to be recomputed). */
  #worst: TickReport | undefined;
  #lastCpu: HostCpuTimes | undefined;
  #hostCpu: number | undefined;
  #held = false;
  #heldWarm = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(settings: AdmissionSettings, source: AdmissionSource, onOpen: () => void) {
    this.#settings = settings;
    this.#source = source;
    this.#onOpen = onOpen;
    this.#readCpu = settings.readCpuTimes ?? readHostCpuTimes;
    this.#now = settings.now ?? (() => performance.now());
  }

  /** Starts sampling the host CPU and expiring stale tick reports (an unref'd timer). Idempotent. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.#settings.sampleIntervalMs);
    this.#timer.unref();
  }

  /** Stops sampling. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#held = false;
  }

  /** Takes one host CPU sample (when that check is on), drops stale tick reports, and re-checks a held admission. */
  sample(): void {
    const times = this.#cpuCheck ? this.#readCpu() : undefined;
    const last = this.#lastCpu;
    this.#lastCpu = times;
    if (last !== undefined && times !== undefined) {
      const total = times.total - last.total;
      if (total > 0) {
        const busy = Math.min(1, Math.max(0, 1 - (times.idle - last.idle) / total));
        this.#hostCpu = this.#hostCpu === undefined ? busy : this.#hostCpu + CPU_SMOOTHING * (busy - this.#hostCpu);
      }
    }
    const now = this.#now();
    for (const [game, report] of this.#reports) if (now - report.at > TICK_REPORT_STALE_MS) this.#reports.delete(game);
    this.#worst = undefined;
    this.recheck();
  }

  /**
   * A running game (any key: the launcher's own record) reported its tick lateness p99 at `tickRateHz`. A game's
   * first report is set aside: it covers the game's own start-up (its code compiling, its first allocations), a
   * transient every new game has, which would otherwise hold the next launch after each one; from its second report
   * on, a game's late ticks hold launches.
   */
  reportTicks(game: unknown, tickRateHz: number, lateP99Ms: number): void {
    if (!this.#started.has(game)) {
      this.#started.add(game);
      return;
    }
    const report = { ticksLate: (lateP99Ms * tickRateHz) / 1000, lateP99Ms, at: this.#now() };
    const previous = this.#reports.get(game);
    this.#reports.set(game, report);
    if (this.#worst !== undefined && report.ticksLate >= this.#worst.ticksLate) this.#worst = report;
    else if (previous === this.#worst) this.#worst = undefined;
    this.recheck();
  }

  /** A game ended (or its launch failed): its reports no longer count. */
  forgetGame(game: unknown): void {
    this.#started.delete(game);
    const report = this.#reports.get(game);
    if (report === undefined) return;
    this.#reports.delete(game);
    if (report === this.#worst) this.#worst = undefined;
  }

  /**
   * True when one more game may be launched now; `warm`: a warm child would take it (its start costs a bind, not a
   * fork, so the cold starts in flight do not hold it; the host's load does). False also arms the controller:
   * `onOpen` is called once admission clears.
   */
  admits(warm = false): boolean {
    const reason = this.#evaluate(warm);
    if (reason === 'open') return true;
    this.#held = true;
    this.#heldWarm = warm;
    return false;
  }

  /**
   * True unless the host is loaded: its CPU over the threshold, or a running game ticking late beyond the limit (the
   * checks of {@link admits} without the start bound and without arming `onOpen`). The warm pool refills only then:
   * a child booting ahead of need must not take CPU from games that are already late.
   */
  hostHasRoom(): boolean {
    const reason = this.#evaluate(true);
    return reason !== 'hostCpu' && reason !== 'tickLate';
  }

  /** Calls `onOpen` if admission was held and is now clear (call when something it depends on changed). */
  recheck(): void {
    if (!this.#held || this.#evaluate(this.#heldWarm) !== 'open') return;
    this.#held = false;
    this.#onOpen();
  }

  /** The current state, for stats. */
  state(): AdmissionState {
    const reason = this.#evaluate();
    return {
      open: reason === 'open',
      reason,
      hostCpu: this.#hostCpu,
      startsInFlight: this.#source.startsInFlight(),
      worstTickLateMs: this.#worstReport()?.lateP99Ms ?? 0,
    };
  }

  get #cpuCheck(): boolean {
    const t = this.#settings.cpuThreshold;
    return t > 0 && t < 1;
  }

  #evaluate(warm = false): AdmissionReason {
    if (!warm && this.#source.startsInFlight() >= this.#settings.maxConcurrentStarts) return 'startsInFlight';
    // Never starve: an idle host always takes one game, whatever its CPU says.
    if (this.#source.activeGames() === 0) return 'open';
    if (this.#cpuCheck && this.#hostCpu !== undefined && this.#hostCpu >= this.#settings.cpuThreshold) return 'hostCpu';
    const maxLate = this.#settings.maxTickLateTicks;
    if (maxLate > 0) {
      const worst = this.#worstReport();
      if (worst !== undefined && worst.ticksLate > maxLate && this.#now() - worst.at <= TICK_REPORT_STALE_MS)
        return 'tickLate';
    }
    return 'open';
  }

  #worstReport(): TickReport | undefined {
    if (this.#worst === undefined && this.#reports.size > 0) {
      for (const report of this.#reports.values())
        if (this.#worst === undefined || report.ticksLate > this.#worst.ticksLate) this.#worst = report;
    }
    return this.#worst;
  }
}
