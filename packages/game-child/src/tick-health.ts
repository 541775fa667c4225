import { IPC_MAX_STATS_COUNT, IPC_MAX_STATS_MS, type IpcTickHealth } from '@proj/protocol';
import type { TickTimeStats } from './duration-window.js';

/**
 * Upper bounds (ms) of the lateness histogram's buckets, a last bucket taking everything above. Fine where a tick
 * budget lives (a 60 Hz tick is 16.7 ms, a 20 Hz one 50 ms), coarse beyond: a percentile is reported as its bucket's
 * bound, so it may read up to one bucket high (never above the maximum, which is exact).
 */
const BOUNDS = [
  0.25, 0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 17, 20, 25, 30, 34, 40, 50, 60, 67, 80, 100, 125, 150, 200, 250, 333, 500,
  750, 1_000, 2_000, 5_000,
] as const;

/**
 * Tick lateness since the last {@link take}: a fixed histogram, so recording a tick allocates nothing and costs a
 * few comparisons, whatever the tick rate. @internal
 */
export class LatenessHistogram {
  readonly #counts = new Uint32Array(BOUNDS.length + 1);
  #samples = 0;
  #max = 0;

  /** Counts one tick that started `ms` after its due time. */
  record(ms: number): void {
    let i = 0;
    while (i < BOUNDS.length && ms > BOUNDS[i]!) i++;
    this.#counts[i]!++;
    this.#samples++;
    if (ms > this.#max) this.#max = ms;
  }

  /** The percentiles of what was recorded since the previous call (zeros when nothing was), then forgets it. */
  take(): TickTimeStats {
    const n = this.#samples;
    const max = this.#max;
    const out =
      n === 0 ? { samples: 0, p50: 0, p99: 0, max: 0 } : { samples: n, p50: this.#at(0.5), p99: this.#at(0.99), max };
    this.#counts.fill(0);
    this.#samples = 0;
    this.#max = 0;
    return out;
  }

  #at(q: number): number {
    const rank = Math.max(1, Math.ceil(q * this.#samples));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(BOUNDS[i] ?? this.#max, this.#max);
    }
    return this.#max;
  }
}

/** What {@link TickHealthReport} reads from a running game. @internal */
export interface TickHealthSource {
  readonly tickRateHz: number;
  stats(): { readonly ticks: number; readonly skippedTicks: number };
  takeTickLateness(): TickTimeStats;
}

/** Clock and CPU meter of a {@link TickHealthReport} (injectable for tests). @internal */
export interface TickHealthMeters {
  /** Monotonic ms. */
  now(): number;
  /** Cumulative CPU time of this process, µs (the shape of `process.cpuUsage()`). */
  cpuUsage(): { readonly user: number; readonly system: number };
}

const realMeters: TickHealthMeters = {
  now: () => performance.now(),
  cpuUsage: () => process.cpuUsage(),
};

const clampMs = (ms: number): number => Math.min(Math.max(ms, 0), IPC_MAX_STATS_MS);
const clampCount = (n: number): number => Math.min(Math.max(n, 0), IPC_MAX_STATS_COUNT);

/**
 * Turns a running game's counters into the {@link IpcTickHealth} of each `stats` message: each report covers the
 * time since the previous one (the first, since the report was created), every field within the contract's bounds.
 * @internal
 */
export class TickHealthReport {
  readonly #source: TickHealthSource;
  readonly #meters: TickHealthMeters;
  #at: number;
  #cpuUs: number;
  #ticks: number;
  #skipped: number;

  constructor(source: TickHealthSource, meters: TickHealthMeters = realMeters) {
    this.#source = source;
    this.#meters = meters;
    this.#at = meters.now();
    const cpu = meters.cpuUsage();
    this.#cpuUs = cpu.user + cpu.system;
    const stats = source.stats();
    this.#ticks = stats.ticks;
    this.#skipped = stats.skippedTicks;
    source.takeTickLateness(); // what came before belongs to no report
  }

  /** The tick health since the previous call. */
  next(): IpcTickHealth {
    const now = this.#meters.now();
    const cpu = this.#meters.cpuUsage();
    const cpuUs = cpu.user + cpu.system;
    const { ticks, skippedTicks } = this.#source.stats();
    const late = this.#source.takeTickLateness();
    const health: IpcTickHealth = {
      tickRateHz: this.#source.tickRateHz,
      // Never 0 (the contract's bound): two reports in the same microsecond cover a microsecond.
      intervalMs: Math.max(clampMs(now - this.#at), 0.001),
      ticks: clampCount(ticks - this.#ticks),
      lateP50Ms: clampMs(late.p50),
      lateP99Ms: clampMs(late.p99),
      lateMaxMs: clampMs(late.max),
      skippedTicks: clampCount(skippedTicks - this.#skipped),
      cpuMs: clampMs((cpuUs - this.#cpuUs) / 1000),
    };
    this.#at = now;
    this.#cpuUs = cpuUs;
    this.#ticks = ticks;
    this.#skipped = skippedTicks;
    return health;
  }
}
