import type { MonitorServerInfo } from '../../src/monitor-snapshot.js';
import { field, setAttr, setHidden, setText } from './dom.js';
import { describeStatus, formatClock, formatDuration } from './format.js';

/** The page's link to the server: waiting for the first snapshot, receiving, retrying, or receiving nothing. */
export type ConnectionState = 'connecting' | 'live' | 'lost' | 'stale';

/** No snapshot for this long while the stream looks open reads as stale, ms (the server sends one a second). */
export const STALE_AFTER_MS = 5_000;

/** The connection line's words for a state, the last snapshot's time and how long ago it came. */
export function describeConnection(
  state: ConnectionState,
  lastAt: number | undefined,
  sinceMs: number | undefined,
): { readonly text: string; readonly updated: string } {
  const updated = lastAt === undefined ? '' : `Last update ${formatClock(lastAt)}`;
  const ago = sinceMs === undefined ? '' : ` (${formatDuration(sinceMs)} ago)`;
  switch (state) {
    case 'connecting':
      return { text: 'Connecting…', updated };
    case 'live':
      return { text: 'Live', updated };
    case 'lost':
      return { text: 'Connection lost, retrying…', updated: updated === '' ? '' : `${updated}${ago}` };
    case 'stale':
      return { text: 'No updates', updated: updated === '' ? '' : `${updated}${ago}` };
  }
}

/** Renders the header (`#status`) and its connection line (`#connection`). */
export class StatusView {
  readonly #header: HTMLElement;
  readonly #status: HTMLElement;
  readonly #players: HTMLElement;
  readonly #uptime: HTMLElement;
  readonly #clients: HTMLElement;
  readonly #games: HTMLElement;
  readonly #sharedBox: HTMLElement;
  readonly #shared: HTMLElement;
  readonly #connection: HTMLElement;
  readonly #connectionText: HTMLElement;
  readonly #updated: HTMLElement;

  constructor(header: HTMLElement, connection: HTMLElement) {
    this.#header = header;
    this.#status = field(header, 'status');
    this.#players = field(header, 'players');
    this.#uptime = field(header, 'uptime');
    this.#clients = field(header, 'clients');
    this.#games = field(header, 'games');
    this.#sharedBox = field(header, 'shared-queue-box');
    this.#shared = field(header, 'shared-queue');
    this.#connection = connection;
    this.#connectionText = field(connection, 'connection');
    this.#updated = field(connection, 'updated');
  }

  render(server: MonitorServerInfo, games: number): void {
    setAttr(this.#header, 'data-status', server.status);
    setAttr(this.#header, 'data-ready', server.ready ? 'true' : 'false');
    setText(this.#status, describeStatus(server.status));
    setText(this.#players, server.players);
    setText(this.#uptime, formatDuration(server.uptimeS * 1000));
    setText(this.#clients, String(server.clients));
    setText(this.#games, `${games} / ${server.maxGames}`);
    const shared = server.sharedQueue;
    setHidden(this.#sharedBox, shared === undefined);
    if (shared !== undefined) {
      setText(this.#shared, `${shared.instanceId} · ${shared.available ? 'store reachable' : 'store unreachable'}`);
      setAttr(this.#shared, 'data-available', shared.available ? 'true' : 'false');
    }
  }

  connection(state: ConnectionState, lastAt: number | undefined, sinceMs: number | undefined): void {
    const { text, updated } = describeConnection(state, lastAt, sinceMs);
    setAttr(this.#connection, 'data-state', state);
    setAttr(document.body, 'data-connection', state);
    setText(this.#connectionText, text);
    setText(this.#updated, updated);
  }
}
