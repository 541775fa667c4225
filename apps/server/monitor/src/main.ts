// The monitor page's script: reads snapshots (one from `monitor/state` for the first paint, then the server-sent
// `monitor/events` stream) and renders the latest one per animation frame. URLs are relative to the page, so that
// it works behind a proxy that serves it under a path.
import type { MonitorSnapshot } from '../../src/monitor-snapshot.js';
import { ChartsView } from './charts.js';
import { byId } from './dom.js';
import { GamesView } from './games.js';
import { AdmissionView, HostsView, WarmPoolView } from './panels.js';
import { QueuesView } from './queues.js';
import { RingView } from './ring.js';
import { SNAPSHOT_VERSION, parseSnapshot } from './snapshot.js';
import { type ConnectionState, STALE_AFTER_MS, StatusView } from './status.js';

/** After the stream closed for good (an HTTP error answer), the wait before opening it again, ms. */
const REOPEN_AFTER_MS = 3_000;

const status = new StatusView(byId('status'), byId('connection'));
const queues = new QueuesView(byId('queues'));
const ring = new RingView(byId('ring'));
const games = new GamesView(byId('games'));
const warmPool = new WarmPoolView(byId('warm-pool'));
const admission = new AdmissionView(byId('admission'));
const charts = new ChartsView(byId('charts'));
const hosts = new HostsView(byId('hosts'));

let state: ConnectionState = 'connecting';
let latest: MonitorSnapshot | undefined;
let lastReceived: number | undefined;
let frame = 0;
let warnedVersion = false;

function render(snapshot: MonitorSnapshot): void {
  status.render(snapshot.server, snapshot.gamesTotal);
  queues.render(snapshot.queues);
  ring.render(snapshot.ports);
  games.render(snapshot.games, snapshot.server, snapshot.gamesTotal);
  warmPool.render(snapshot.warmPool);
  admission.render(snapshot.admission);
  charts.render(snapshot.history);
  hosts.render(snapshot.hosts);
}

function accept(text: string): void {
  const snapshot = parseSnapshot(text);
  if (snapshot === undefined) return;
  if (snapshot.version !== SNAPSHOT_VERSION && !warnedVersion) {
    warnedVersion = true;
    console.warn(`monitor: snapshot version ${snapshot.version}, this page reads ${SNAPSHOT_VERSION}`);
  }
  if (latest !== undefined && snapshot.at < latest.at) return;
  latest = snapshot;
  lastReceived = Date.now();
  setConnection('live');
  if (frame === 0) {
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (latest !== undefined) render(latest);
    });
  }
}

function setConnection(next: ConnectionState): void {
  state = next;
  const since = lastReceived === undefined ? undefined : Date.now() - lastReceived;
  status.connection(state, latest?.at, since);
}

function open(): void {
  const source = new EventSource('monitor/events');
  source.addEventListener('snapshot', (event) => accept(String((event as MessageEvent<unknown>).data)));
  source.addEventListener('error', () => {
    setConnection('lost');
    if (source.readyState === EventSource.CLOSED) {
      // An answer that is not a stream (401, 404, 5xx) closes the source for good: open a new one later.
      setTimeout(open, REOPEN_AFTER_MS);
    }
  });
}

setInterval(() => {
  if (state === 'live' && lastReceived !== undefined && Date.now() - lastReceived > STALE_AFTER_MS) {
    setConnection('stale');
  } else {
    setConnection(state);
  }
}, 1_000);

setConnection('connecting');
fetch('monitor/state', { credentials: 'same-origin', headers: { accept: 'application/json' } })
  .then(async (response) => (response.ok && latest === undefined ? accept(await response.text()) : undefined))
  .catch(() => undefined);
open();
