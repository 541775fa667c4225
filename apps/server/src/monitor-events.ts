import type { ServerResponse } from 'node:http';
import type { PackageLogger } from './logger.js';

/** Options of {@link MonitorEvents}. */
export interface MonitorEventsOptions {
  /** Builds the document sent to every subscriber at each tick (JSON-serialisable). */
  readonly snapshot: () => Promise<unknown>;
  /** How often, ms (default 1000). */
  readonly intervalMs?: number;
  /** Subscribers at most; more are answered 503 (default 32). */
  readonly maxSubscribers?: number;
  /** A subscriber whose unsent data passes this is dropped, since it does not read (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  readonly logger?: PackageLogger;
}

/**
 * The monitor's server-sent event stream: every subscriber gets `event: snapshot` with the same document about
 * every second. One snapshot is built per tick whatever the number of subscribers, and the timer only runs while
 * someone listens. Subscribers are bounded, and one that does not read is dropped rather than buffered forever.
 */
export class MonitorEvents {
  readonly #options: Required<Omit<MonitorEventsOptions, 'logger'>> & { logger: PackageLogger | undefined };
  readonly #subscribers = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | undefined;
  #building = false;
  #closed = false;

  constructor(options: MonitorEventsOptions) {
    this.#options = {
      snapshot: options.snapshot,
      intervalMs: options.intervalMs ?? 1_000,
      maxSubscribers: options.maxSubscribers ?? 32,
      maxBufferedBytes: options.maxBufferedBytes ?? 1 << 20,
      logger: options.logger,
    };
  }

  /** How many subscribers are connected. */
  get subscribers(): number {
    return this.#subscribers.size;
  }

  /**
   * Turns `res` into an event stream and sends it a first snapshot at once. Returns false (and writes nothing) when
   * the subscriber limit is reached or after `close()`: the caller answers 503.
   */
  subscribe(res: ServerResponse): boolean {
    if (this.#closed || this.#subscribers.size >= this.#options.maxSubscribers) return false;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
      // Behind nginx: do not buffer the stream.
      'x-accel-buffering': 'no',
    });
    // The browser's EventSource waits this long before it reconnects after a break.
    res.write('retry: 2000\n\n');
    this.#subscribers.add(res);
    res.on('close', () => {
      this.#subscribers.delete(res);
      if (this.#subscribers.size === 0) this.#stopTimer();
    });
    this.#timer ??= setInterval(() => void this.#broadcast(), this.#options.intervalMs);
    void this.#sendTo([res]);
    return true;
  }

  /** Ends every stream and refuses new subscribers. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#stopTimer();
    for (const res of this.#subscribers) res.end();
    this.#subscribers.clear();
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #broadcast(): Promise<void> {
    // A snapshot that takes longer than a tick (a slow shared-queue store) skips ticks rather than piling up.
    if (this.#building) return;
    this.#building = true;
    try {
      await this.#sendTo([...this.#subscribers]);
    } finally {
      this.#building = false;
    }
  }

  async #sendTo(targets: readonly ServerResponse[]): Promise<void> {
    let frame: string;
    try {
      frame = `event: snapshot\ndata: ${JSON.stringify(await this.#options.snapshot())}\n\n`;
    } catch (error) {
      this.#options.logger?.warn('monitor snapshot failed', {
        err: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    for (const res of targets) {
      if (res.destroyed || !this.#subscribers.has(res)) continue;
      if (res.writableLength > this.#options.maxBufferedBytes) {
        this.#options.logger?.info('monitor subscriber dropped: it does not read its event stream');
        res.destroy();
        continue;
      }
      res.write(frame);
    }
  }
}
