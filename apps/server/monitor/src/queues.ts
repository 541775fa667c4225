import type { MonitorQueue } from '../../src/monitor-snapshot.js';
import { el, field, reconcileChildren, setHidden, setText, setClass } from './dom.js';
import { formatCount, formatDuration } from './format.js';

/** The waiting time from which a queue's oldest wait is flagged (a match should take seconds, not this). */
export const LONG_WAIT_MS = 30_000;

interface QueueRow {
  readonly item: HTMLLIElement;
  readonly waiting: HTMLElement;
  readonly unit: HTMLElement;
  readonly shared: HTMLElement;
  readonly sharedCount: HTMLElement;
  readonly perGame: HTMLElement;
  readonly oldest: HTMLElement;
}

/** Renders the queues section (`#queues`): one `li[data-mode]` per mode, in the snapshot's order. */
export class QueuesView {
  readonly #list: HTMLElement;
  readonly #empty: HTMLElement;
  readonly #rows = new Map<string, QueueRow>();

  constructor(section: HTMLElement) {
    this.#list = field(section, 'queue-list');
    this.#empty = field(section, 'queues-empty');
  }

  /** Updates the rows to the snapshot's queues. */
  render(queues: readonly MonitorQueue[]): void {
    const seen = new Set<string>();
    const items: HTMLLIElement[] = [];
    for (const queue of queues) {
      seen.add(queue.mode);
      let row = this.#rows.get(queue.mode);
      if (row === undefined) {
        row = createRow(queue.mode);
        this.#rows.set(queue.mode, row);
      }
      updateRow(row, queue);
      items.push(row.item);
    }
    for (const mode of this.#rows.keys()) if (!seen.has(mode)) this.#rows.delete(mode);
    reconcileChildren(this.#list, items);
    setHidden(this.#empty, queues.length > 0);
  }
}

function createRow(mode: string): QueueRow {
  const waiting = el('span', { class: 'queue-waiting', 'data-field': 'waiting' });
  const sharedCount = el('span', { 'data-field': 'shared-waiting' });
  const unit = el('span', { class: 'queue-unit' }, ' waiting');
  const shared = el(
    'span',
    { class: 'queue-shared' },
    el('span', { class: 'visually-hidden' }, ' / '),
    sharedCount,
    ' on all servers',
  );
  const perGame = el('span', { 'data-field': 'players-per-game' });
  const oldest = el('span', { 'data-field': 'oldest-wait' });
  const item = el(
    'li',
    { class: 'queue', 'data-mode': mode },
    el('span', { class: 'queue-mode' }, mode),
    el('span', { class: 'queue-count' }, waiting, unit, shared),
    el(
      'span',
      { class: 'queue-meta' },
      perGame,
      el('span', { class: 'queue-sep', 'aria-hidden': 'true' }, ' · '),
      oldest,
    ),
  );
  return { item, waiting, unit, shared, sharedCount, perGame, oldest };
}

function updateRow(row: QueueRow, queue: MonitorQueue): void {
  setText(row.waiting, String(queue.waiting));
  const hasShared = queue.sharedWaiting !== undefined;
  setHidden(row.shared, !hasShared);
  setText(row.unit, hasShared ? ' here' : ' waiting');
  setText(row.sharedCount, hasShared ? formatCount(queue.sharedWaiting ?? 0) : '');
  setText(row.perGame, `${queue.playersPerGame} per game`);
  setText(
    row.oldest,
    queue.oldestWaitMs === undefined ? 'nobody waiting' : `oldest ${formatDuration(queue.oldestWaitMs)}`,
  );
  setClass(row.item, 'is-long-wait', (queue.oldestWaitMs ?? 0) >= LONG_WAIT_MS);
  setClass(row.item, 'is-idle', queue.waiting === 0 && (queue.sharedWaiting ?? 0) === 0);
}
