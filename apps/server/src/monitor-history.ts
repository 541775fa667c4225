import type { MonitorHistory, MonitorSample } from './monitor-snapshot.js';

/** Options of {@link MonitorHistoryRecorder}. */
export interface MonitorHistoryOptions {
  /** The length of one sample, ms (default 2000). */
  readonly intervalMs?: number;
  /** How many samples are kept, oldest dropped first (default 300: ten minutes of 2 s samples). */
  readonly samples?: number;
  /** Players waiting now, read at the end of each interval. */
  readonly queued: () => number;
  /** The clock, epoch ms (tests). */
  readonly now?: () => number;
}

/** The value at quantile `q` of sorted values (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round1 = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * The monitor page's recent history: time to match (median and 99th percentile) and games started per interval, and
 * the players waiting at its end, for the last few minutes. Fed by `gameStarted`; `tick()` closes an interval (the
 * server calls it on a timer, see {@link startMonitorHistory}). Bounded memory: the times of one interval, and the
 * kept samples.
 */
export class MonitorHistoryRecorder {
  readonly #intervalMs: number;
  readonly #max: number;
  readonly #queued: () => number;
  readonly #now: () => number;
  readonly #samples: MonitorSample[] = [];
  #current: number[] = [];
  #started = 0;

  constructor(options: MonitorHistoryOptions) {
    this.#intervalMs = options.intervalMs ?? 2_000;
    this.#max = options.samples ?? 300;
    this.#queued = options.queued;
    this.#now = options.now ?? Date.now;
  }

  /** The length of one sample's interval, ms. */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** A game started, `timeToMatchMs` after its last player's hello. */
  gameStarted(timeToMatchMs: number): void {
    this.#started++;
    // Enough for the percentiles of one interval; a burst beyond it keeps counting games.
    if (this.#current.length < 10_000) this.#current.push(timeToMatchMs);
  }

  /** Closes the current interval into a sample. */
  tick(): void {
    const times = this.#current.sort((a, b) => a - b);
    const sample: MonitorSample = {
      at: this.#now(),
      gamesStarted: this.#started,
      ...(times.length > 0
        ? { timeToMatchP50Ms: round1(quantile(times, 0.5)), timeToMatchP99Ms: round1(quantile(times, 0.99)) }
        : {}),
      queued: this.#queued(),
    };
    this.#current = [];
    this.#started = 0;
    this.#samples.push(sample);
    if (this.#samples.length > this.#max) this.#samples.splice(0, this.#samples.length - this.#max);
  }

  /** The kept samples, oldest first (a copy). */
  snapshot(): MonitorHistory {
    return { intervalMs: this.#intervalMs, samples: [...this.#samples] };
  }
}

/** Ticks `recorder` every interval (an unref'd timer); returns the function that stops it. */
export function startMonitorHistory(recorder: MonitorHistoryRecorder): () => void {
  const timer = setInterval(() => recorder.tick(), recorder.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
