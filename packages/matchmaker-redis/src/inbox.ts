import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Delivery } from '@proj/matchmaker';
import type { Logger } from './logger.js';

/** One XREAD reply: [[stream, [[entryId, [field, value, ...]], ...]]], or null when nothing came. */
type XReadReply = [string, [string, string[]][]][] | null;

/** What an {@link Inbox} needs from its backend. */
export interface InboxDeps {
  /** The stream key of this instance's inbox. */
  readonly key: string;
  /** Deletes delivered entries (and their matched tickets): [entryId, ticketId] pairs. Rejects when unavailable. */
  readonly ack: (entries: readonly (readonly [string, string])[]) => Promise<void>;
  /** Hands a delivery to the orchestrator (its handler must not throw; a throw is logged). */
  readonly deliver: (delivery: Delivery) => void;
  /** Whether the blocking loop may read now (connected and registered). */
  readonly readable: () => boolean;
  readonly logger: Logger;
}

const COUNT = 100;

function compareIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/**
 * This instance's durable inbox (a Redis stream): the match-founds other instances confirmed for its tickets. A loop
 * on a dedicated connection blocks on XREAD; after a reconnect the backend drains it on the command connection
 * before it says it is available again. Every entry is delivered, then deleted (at least once: an entry whose
 * deletion failed is delivered again only if the process restarts; the id of the last delivered entry is kept
 * across reconnects, so none is delivered twice by one process and none is skipped).
 */
export class Inbox {
  readonly #deps: InboxDeps;
  #lastId = '0';
  #pending: (readonly [string, string])[] = [];
  #stopped = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(deps: InboxDeps) {
    this.#deps = deps;
  }

  /** Reads and delivers everything not yet delivered, on a (non-blocking) connection. Rejects when unavailable. */
  async drain(connection: Redis): Promise<void> {
    await this.#flush();
    for (;;) {
      const reply = await connection.xread('COUNT', COUNT, 'STREAMS', this.#deps.key, this.#lastId);
      const n = await this.#accept(reply);
      if (n < COUNT) return;
    }
  }

  /** Starts the blocking loop on `connection` (once). */
  start(connection: Redis): void {
    this.#loop ??= this.#run(connection);
  }

  /** Stops the loop; resolves when it has ended (the caller disconnects the blocking connection). */
  async stop(): Promise<void> {
    this.#stopped.abort();
    await this.#loop;
  }

  async #run(connection: Redis): Promise<void> {
    const signal = this.#stopped.signal;
    while (!signal.aborted) {
      if (connection.status !== 'ready' || !this.#deps.readable()) {
        await sleep(50, undefined, { signal }).catch(() => {});
        continue;
      }
      try {
        await this.#flush();
        const reply = await connection.xread('COUNT', COUNT, 'BLOCK', 1000, 'STREAMS', this.#deps.key, this.#lastId);
        await this.#accept(reply);
      } catch (error) {
        if (signal.aborted) return;
        this.#deps.logger.debug('queue inbox read failed', { error: String(error) });
        await sleep(100, undefined, { signal }).catch(() => {});
      }
    }
  }

  /** Delivers the entries after lastId, then acks them; returns how many entries the reply held. */
  async #accept(reply: XReadReply): Promise<number> {
    const entries = reply?.[0]?.[1] ?? [];
    for (const [id, fields] of entries) {
      if (compareIds(id, this.#lastId) <= 0) continue;
      this.#lastId = id;
      const ticketId = field(fields, 'ticket');
      const groupId = field(fields, 'group');
      const payload = field(fields, 'payload');
      if (ticketId !== undefined && groupId !== undefined && payload !== undefined) {
        try {
          this.#deps.deliver({ ticketId, groupId, payload });
        } catch (error) {
          this.#deps.logger.error('queue delivered handler threw', { error: String(error) });
        }
      }
      this.#pending.push([id, ticketId ?? '']);
    }
    await this.#flush();
    return entries.length;
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    try {
      await this.#deps.ack(batch);
    } catch (error) {
      this.#pending = batch.concat(this.#pending);
      throw error;
    }
  }
}
