import type { AdmissionInfo, GameInfo, Readiness, WarmPoolInfo } from './admin-info.js';
import {
  MONITOR_MAX_GAMES,
  type MonitorGame,
  type MonitorHistory,
  type MonitorHost,
  type MonitorPortCell,
  type MonitorQueue,
  type MonitorServerInfo,
  type MonitorSnapshot,
} from './monitor-snapshot.js';

/** One server registered in the shared queue, as the queue's store reports it. */
export interface QueueHostReport {
  readonly instanceId: string;
  readonly lastHeartbeatAgoMs: number;
  readonly tickets: number;
  readonly claims: number;
}

/** A game as the monitor reads it: the /games entry plus what only the monitor shows. */
export interface MonitorGameSource {
  readonly info: GameInfo;
  /** Per slot: whether the child hears from the seat's player now; undefined until its first report. */
  readonly playersConnected: readonly boolean[] | undefined;
  readonly ending: boolean;
}

/** Everything a snapshot is built from (the server wires it to its orchestrator). */
export interface MonitorSources {
  readonly readiness: () => Readiness;
  /** Where players connect, `host:port`. */
  readonly players: () => string;
  readonly maxGames: () => number;
  readonly clients: () => number;
  readonly sharedQueue: () => { readonly instanceId: string; readonly available: boolean } | undefined;
  readonly queues: () => readonly MonitorQueue[];
  readonly ports: () => readonly MonitorPortCell[];
  readonly games: () => readonly MonitorGameSource[];
  readonly warmPool: () => WarmPoolInfo;
  readonly admission: () => AdmissionInfo;
  readonly history: () => MonitorHistory;
  /** The shared queue's servers; undefined without a shared queue. May reject (store out of reach). */
  readonly hosts: () => Promise<readonly QueueHostReport[] | undefined>;
  /** Whether the page may end games, and why not (see MonitorServerInfo.canEndGames). */
  readonly endGames: { readonly allowed: boolean; readonly reason?: string };
  /** The clock, epoch ms (tests). */
  readonly now?: () => number;
}

function toMonitorGame({ info, playersConnected, ending }: MonitorGameSource): MonitorGame {
  return {
    ...info,
    players: info.players.map((name, slot) => {
      const connected = playersConnected?.[slot];
      return connected === undefined ? { name } : { name, connected };
    }),
    ending,
  };
}

function portCounts(cells: readonly MonitorPortCell[]): Omit<MonitorSnapshot['ports'], 'cells'> {
  let free = 0;
  let inUse = 0;
  let quarantined = 0;
  for (const cell of cells) {
    if (cell.state === 'free') free++;
    else if (cell.state === 'in-use') inUse++;
    else quarantined++;
  }
  return { total: cells.length, free, inUse, quarantined };
}

/**
 * Builds snapshots for the monitor page. The shared queue's host list costs a round trip to its store, so it is read
 * at most once a second and the last answer is reused in between (and kept, marked by nothing, while the store
 * cannot be read: the page shows the hosts as last known, and `server.sharedQueue.available` says the store is down).
 */
export class MonitorState {
  readonly #sources: MonitorSources;
  readonly #now: () => number;
  #hosts: readonly QueueHostReport[] | undefined;
  #hostsReadAt = -Infinity;
  #hostsReading: Promise<void> | undefined;

  constructor(sources: MonitorSources) {
    this.#sources = sources;
    this.#now = sources.now ?? Date.now;
  }

  /** One snapshot of everything the page shows. */
  async snapshot(): Promise<MonitorSnapshot> {
    await this.#refreshHosts();
    const s = this.#sources;
    const readiness = s.readiness();
    const sharedQueue = s.sharedQueue();
    const server: MonitorServerInfo = {
      status: readiness.status,
      ready: readiness.ready,
      uptimeS: Math.round(process.uptime()),
      players: s.players(),
      maxGames: s.maxGames(),
      clients: s.clients(),
      ...(sharedQueue !== undefined ? { sharedQueue } : {}),
      canEndGames: s.endGames.allowed,
      ...(s.endGames.reason !== undefined ? { endGamesDisabledReason: s.endGames.reason } : {}),
    };
    const cells = s.ports();
    const games = s.games();
    const hosts: MonitorHost[] | undefined = this.#hosts?.map((h) => ({
      ...h,
      self: h.instanceId === sharedQueue?.instanceId,
    }));
    return {
      version: 1,
      at: this.#now(),
      server,
      queues: s.queues(),
      ports: { ...portCounts(cells), cells },
      games: games.slice(0, MONITOR_MAX_GAMES).map(toMonitorGame),
      gamesTotal: games.length,
      warmPool: s.warmPool(),
      admission: s.admission(),
      history: s.history(),
      ...(hosts !== undefined ? { hosts } : {}),
    };
  }

  #refreshHosts(): Promise<void> {
    if (this.#now() - this.#hostsReadAt < 1_000) return Promise.resolve();
    this.#hostsReading ??= this.#sources
      .hosts()
      .then(
        (hosts) => {
          this.#hosts = hosts;
        },
        () => {
          // Out of reach: keep the last list; the page shows the store as unavailable.
        },
      )
      .finally(() => {
        this.#hostsReadAt = this.#now();
        this.#hostsReading = undefined;
      });
    return this.#hostsReading;
  }
}
