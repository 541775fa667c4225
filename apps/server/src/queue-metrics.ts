import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Round trips to the shared queue's store: sub-millisecond on a LAN, tens of ms when it struggles. */
const ROUND_TRIP_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * The metrics of the queue shared by several servers through Redis (registered only when `--redis-url` is set):
 * store round trips by operation, groups claimed, players requeued by why, recoveries of dead servers' work,
 * players of this server matched by another, and whether the store is reachable.
 */
export class SharedQueueMetrics {
  readonly #roundTrip: Histogram<'operation'>;
  readonly #claimed: Counter;
  readonly #requeued: Counter<'why'>;
  readonly #recovered: Counter<'kind'>;
  readonly #matchedRemotely: Counter<'mode'>;
  readonly #available: Gauge;

  constructor(registry: Registry, prefix = 'proj_') {
    const registers = [registry];
    this.#roundTrip = new Histogram({
      name: `${prefix}queue_store_round_trip_seconds`,
      help: 'Round trips to the shared queue store (Redis), by operation (join, claim, confirm, positions...).',
      labelNames: ['operation'],
      buckets: ROUND_TRIP_BUCKETS,
      registers,
    });
    this.#claimed = new Counter({
      name: `${prefix}queue_groups_claimed_total`,
      help: 'Groups this server claimed from the shared queue to start their games.',
      registers,
    });
    this.#requeued = new Counter({
      name: `${prefix}queue_players_requeued_total`,
      help: 'Players put back at their place in the shared queue, by why (failed, incomplete, lease, deadInstance).',
      labelNames: ['why'],
      registers,
    });
    this.#recovered = new Counter({
      name: `${prefix}queue_recoveries_total`,
      help: 'Work of dead servers recovered by this one: instances declared dead, their groups requeued, their waiting players removed.',
      labelNames: ['kind'],
      registers,
    });
    this.#matchedRemotely = new Counter({
      name: `${prefix}players_matched_remotely_total`,
      help: "Players of this server matched into a game another server started (their match-found came through this server's inbox).",
      labelNames: ['mode'],
      registers,
    });
    this.#available = new Gauge({
      name: `${prefix}queue_store_up`,
      help: 'Whether the shared queue store is reachable (1) or not (0: hellos are refused with QUEUE_UNAVAILABLE).',
      registers,
    });
  }

  /** A store operation took `ms`. */
  recordRoundTrip(operation: string, ms: number): void {
    this.#roundTrip.observe({ operation }, ms / 1000);
  }

  /** This server claimed `groups` groups. */
  recordClaimed(groups: number): void {
    this.#claimed.inc(groups);
  }

  /** `players` went back to the queue, for `why`. */
  recordRequeued(players: number, why: string): void {
    if (players > 0) this.#requeued.inc({ why }, players);
  }

  /** A recovery pass found dead instances, requeued their groups, removed their waiting players. */
  recordRecovered(result: { readonly instances: number; readonly groups: number; readonly tickets: number }): void {
    if (result.instances > 0) this.#recovered.inc({ kind: 'instances' }, result.instances);
    if (result.groups > 0) this.#recovered.inc({ kind: 'groups' }, result.groups);
    if (result.tickets > 0) this.#recovered.inc({ kind: 'tickets' }, result.tickets);
  }

  /** A player of `mode` was matched by another server. */
  recordMatchedRemotely(mode: string): void {
    this.#matchedRemotely.inc({ mode });
  }

  /** The store became reachable or not. */
  recordAvailable(available: boolean): void {
    this.#available.set(available ? 1 : 0);
  }
}
