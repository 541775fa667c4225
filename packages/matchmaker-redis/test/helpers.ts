import type { Delivery, QueueBackendHandlers } from '@proj/matchmaker';
import { waitUntil } from '@proj/test-utils';
import { RedisQueueBackend, type RedisQueueOptions } from '../src/index.js';

/** The modes every test backend serves. */
export const MODES = { duel: { playersPerGame: 2 }, trio: { playersPerGame: 3 } } as const;

/** What a backend told its orchestrator, recorded. */
export class Recorder implements QueueBackendHandlers {
  readonly deliveries: Delivery[] = [];
  readonly availabilities: boolean[] = [];
  readonly fatals: Error[] = [];
  groupsWaitingCalls = 0;

  delivered(delivery: Delivery): void {
    this.deliveries.push(delivery);
  }
  availability(available: boolean): void {
    this.availabilities.push(available);
  }
  groupsWaiting(): void {
    this.groupsWaitingCalls++;
  }
  fatal(error: Error): void {
    this.fatals.push(error);
  }
}

const opened = new Set<RedisQueueBackend>();

/** A backend on `url` with fast timings, not started. Closed by {@link closeAll}. */
export function backend(url: string, instanceId: string, options: Partial<RedisQueueOptions> = {}): RedisQueueBackend {
  const b = new RedisQueueBackend({
    url,
    instanceId,
    modes: MODES,
    heartbeatIntervalMs: 50,
    heartbeatTimeoutMs: 300,
    connectTimeoutMs: 1000,
    ...options,
  });
  opened.add(b);
  return b;
}

/** A started backend and its recorder. */
export async function started(
  url: string,
  instanceId: string,
  options: Partial<RedisQueueOptions> = {},
): Promise<{ queue: RedisQueueBackend; events: Recorder }> {
  const queue = backend(url, instanceId, options);
  const events = new Recorder();
  await queue.start(events);
  return { queue, events };
}

/** Closes every backend made by {@link backend} (for afterEach). */
export async function closeAll(): Promise<void> {
  await Promise.all([...opened].map((b) => b.close()));
  opened.clear();
}

/** Waits until `check` holds (polls; the backend's effects land in Redis, there is no event for them). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  await waitUntil(check, what, timeoutMs);
}
