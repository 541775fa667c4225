import { performance } from 'node:perf_hooks';
import type { PackageLogger } from './logger.js';

/**
 * What was refused: a `connection` at accept time (server full, too many from one address, shutting down...), or a
 * `client` the server closed after it misbehaved (bad frame, hello timeout, idle timeout, rate limited...).
 */
export type RefusalKind = 'connection' | 'client';

/** The timers a {@link RefusalLog} uses: the real ones by default; tests pass a manual clock. */
export interface RefusalLogTimers {
  /** Monotonic time in ms. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link RefusalLog}. */
export interface RefusalLogOptions {
  readonly logger: PackageLogger;
  /** The summary interval in ms; 0 logs every refusal on its own line. */
  readonly intervalMs: number;
  /** Default: `performance.now()` and Node's timers (unref'd: a pending summary never keeps the process alive). */
  readonly timers?: RefusalLogTimers;
  /** Called for each refusal folded into a summary instead of getting its own line (a metric counts them). */
  readonly onFolded?: (reason: string) => void;
  /** Distinct addresses remembered per reason and interval (for the sample and the count); default 1000. */
  readonly maxAddresses?: number;
  /** Reasons summarised apart per kind; beyond, refusals fold under {@link OTHER_REASONS}. Default 64. */
  readonly maxReasons?: number;
}

/**
 * The reason refusals are summarised under once {@link RefusalLogOptions.maxReasons} reasons of their kind are in use
 * (a line logged at once still names its own reason).
 */
export const OTHER_REASONS = 'OTHER_REASONS';

const DEFAULT_MAX_ADDRESSES = 1_000;
const DEFAULT_MAX_REASONS = 64;

/** One reason's interval: what was folded since it began. */
interface Window {
  readonly kind: RefusalKind;
  readonly reason: string;
  startedAt: number;
  /** Refusals folded (not logged on their own) in this interval. */
  count: number;
  /** Refusals per address, at most `maxAddresses` addresses. */
  readonly addresses: Map<string, number>;
  /** True when an address was not remembered because `addresses` was full. */
  addressesCapped: boolean;
  /** The address with the most refusals so far (the first to reach that count). */
  top: string;
  topCount: number;
  timer: unknown;
}

const realTimers: RefusalLogTimers = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** '850 ms', '10 s', '2.5 s'. */
function formatSpan(ms: number): string {
  const whole = Math.round(ms);
  if (whole < 1_000) return `${whole} ms`;
  return `${Math.round(whole / 100) / 10} s`;
}

/**
 * Keeps refusal logs bounded whatever a peer does. The first refusal of a reason is logged at once, on its own line
 * (with the fields the caller gives); the next ones of that reason within the interval are folded into one summary
 * line at the end of the interval: "N connections refused: TOO_MANY_FROM_IP in the last 10 s, e.g. from 1.2.3.4"
 * (fields `kind`, `reason`, `count`, `sampleAddress` (the address with the most), `sampleCount`, `addresses` (distinct,
 * `addressesCapped` when more were seen than remembered), `windowMs`). While refusals of a reason keep coming, each
 * interval ends with a summary and the next one folds from its first refusal: one line per reason per interval. An
 * interval with nothing folded ends that reason's streak, and its next refusal is logged at once again.
 *
 * Reasons are any strings (the wire error names, new ones included), summarised apart per kind. Memory is bounded:
 * at most `maxReasons` reasons per kind and `maxAddresses` addresses each. Never throws (the logger's own errors
 * aside).
 */
export class RefusalLog {
  readonly #logger: PackageLogger;
  readonly #intervalMs: number;
  readonly #timers: RefusalLogTimers;
  readonly #onFolded: (reason: string) => void;
  readonly #maxAddresses: number;
  readonly #maxReasons: number;
  readonly #windows = new Map<string, Window>();
  readonly #reasonsOf: Record<RefusalKind, number> = { connection: 0, client: 0 };

  constructor(options: RefusalLogOptions) {
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs;
    this.#timers = options.timers ?? realTimers;
    this.#onFolded = options.onFolded ?? (() => {});
    this.#maxAddresses = Math.max(1, options.maxAddresses ?? DEFAULT_MAX_ADDRESSES);
    this.#maxReasons = Math.max(1, options.maxReasons ?? DEFAULT_MAX_REASONS);
  }

  /** The summary interval in ms (0: no summaries). */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /**
   * Records one refusal: logs it at once (message `connection refused: <reason>` or `client closed: <reason>`, the
   * `fields` with `reason` and `remoteAddress`) or folds it into its reason's summary.
   */
  record(kind: RefusalKind, reason: string, remoteAddress: string, fields: Record<string, unknown> = {}): void {
    let summarisedAs = reason;
    let key = `${kind}:${reason}`;
    let window = this.#windows.get(key);
    if (window === undefined && this.#intervalMs > 0 && this.#reasonsOf[kind] >= this.#maxReasons) {
      summarisedAs = OTHER_REASONS;
      key = `${kind}:${summarisedAs}`;
      window = this.#windows.get(key);
    }
    if (window === undefined) {
      const what = kind === 'connection' ? 'connection refused' : 'client closed';
      this.#logger.info(`${what}: ${reason}`, { ...fields, remoteAddress, reason });
      if (this.#intervalMs > 0) this.#open(key, kind, summarisedAs);
      return;
    }
    window.count++;
    const n = (window.addresses.get(remoteAddress) ?? 0) + 1;
    if (n > 1 || window.addresses.size < this.#maxAddresses) window.addresses.set(remoteAddress, n);
    else window.addressesCapped = true;
    if (n > window.topCount) {
      window.top = remoteAddress;
      window.topCount = n;
    }
    this.#onFolded(window.reason);
  }

  /** Writes every pending summary now and forgets every interval (at shutdown): the next refusal is logged at once. */
  flush(): void {
    const now = this.#timers.now();
    for (const window of this.#windows.values()) {
      this.#timers.clearTimeout(window.timer);
      this.#summarise(window, now);
    }
    this.#windows.clear();
    this.#reasonsOf.connection = 0;
    this.#reasonsOf.client = 0;
  }

  /** Summaries pending (reasons with an interval open). */
  get pending(): number {
    return this.#windows.size;
  }

  #open(key: string, kind: RefusalKind, reason: string): void {
    const window: Window = {
      kind,
      reason,
      startedAt: this.#timers.now(),
      count: 0,
      addresses: new Map(),
      addressesCapped: false,
      top: '',
      topCount: 0,
      timer: undefined,
    };
    this.#windows.set(key, window);
    this.#reasonsOf[kind]++;
    this.#arm(key, window);
  }

  #arm(key: string, window: Window): void {
    window.timer = this.#timers.setTimeout(() => this.#end(key, window), this.#intervalMs);
  }

  #end(key: string, window: Window): void {
    if (this.#windows.get(key) !== window) return;
    const now = this.#timers.now();
    if (window.count === 0) {
      this.#windows.delete(key);
      this.#reasonsOf[window.kind]--;
      return;
    }
    this.#summarise(window, now);
    window.startedAt = now;
    window.count = 0;
    window.addresses.clear();
    window.addressesCapped = false;
    window.top = '';
    window.topCount = 0;
    this.#arm(key, window);
  }

  #summarise(window: Window, now: number): void {
    const { kind, reason, count } = window;
    if (count === 0) return;
    const windowMs = Math.max(0, now - window.startedAt);
    const what =
      kind === 'connection' ? `connection${count === 1 ? '' : 's'} refused` : `client${count === 1 ? '' : 's'} closed`;
    const addresses = window.addresses.size;
    const others =
      addresses > 1 || window.addressesCapped
        ? ` (${window.topCount} of them; ${addresses}${window.addressesCapped ? '+' : ''} addresses)`
        : '';
    this.#logger.info(
      `${count} ${what}: ${reason} in the last ${formatSpan(windowMs)}, e.g. from ${window.top}${others}`,
      {
        kind,
        reason,
        count,
        sampleAddress: window.top,
        sampleCount: window.topCount,
        addresses,
        ...(window.addressesCapped ? { addressesCapped: true } : {}),
        windowMs: Math.round(windowMs),
      },
    );
  }
}
