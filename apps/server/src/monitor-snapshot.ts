import type { AdmissionInfo, GameInfo, WarmPoolInfo } from './admin-info.js';

/** The most games one snapshot lists (the oldest); `MonitorSnapshot.gamesTotal` counts them all. */
export const MONITOR_MAX_GAMES = 500;

/**
 * What the monitor page shows, one JSON document: the admin listener's `GET /monitor/state` answers one, and
 * `GET /monitor/events` (server-sent events) sends one as `event: snapshot` about every second. The page's script
 * (apps/server/monitor) reads nothing else, so this type is the contract between the two.
 */
export interface MonitorSnapshot {
  /** The contract's version; bumped when a field changes meaning or goes away. */
  readonly version: 1;
  /** When the snapshot was taken, epoch ms. */
  readonly at: number;
  readonly server: MonitorServerInfo;
  /** One entry per configured mode, in configuration order. */
  readonly queues: readonly MonitorQueue[];
  readonly ports: MonitorPorts;
  /**
   * The games starting or running, oldest first: at most the {@link MONITOR_MAX_GAMES} oldest, so that a host with
   * thousands of games costs neither its event loop nor the browser much (`/games` lists them all).
   */
  readonly games: readonly MonitorGame[];
  /** How many games are starting or running, all of them (more than `games.length` when the list is cut). */
  readonly gamesTotal: number;
  readonly warmPool: WarmPoolInfo;
  readonly admission: AdmissionInfo;
  /** Time to match and games started, per interval, oldest first (the last minutes). */
  readonly history: MonitorHistory;
  /** When several servers share a queue (`--redis-url`): the servers registered in it. Absent otherwise. */
  readonly hosts?: readonly MonitorHost[];
}

/** The server itself. */
export interface MonitorServerInfo {
  /** Readiness status: 'listening', 'starting', 'draining', 'closed' or 'queueUnavailable'. */
  readonly status: string;
  readonly ready: boolean;
  readonly uptimeS: number;
  /** Where players connect, `host:port`. */
  readonly players: string;
  /** The cap on concurrent games. */
  readonly maxGames: number;
  /** Clients connected over TCP (all states). */
  readonly clients: number;
  /** With a shared queue: this server's instance id, and whether the queue's store is reachable. */
  readonly sharedQueue?: { readonly instanceId: string; readonly available: boolean };
  /**
   * Whether `POST /games/<id>/end` is allowed from the page's origin: false when the admin listener is not on
   * loopback and no `--admin-token` is set; `endGamesDisabledReason` then says so.
   */
  readonly canEndGames: boolean;
  readonly endGamesDisabledReason?: string;
}

/** One mode's queue. */
export interface MonitorQueue {
  readonly mode: string;
  readonly playersPerGame: number;
  /** This server's players waiting in the mode's queue. */
  readonly waiting: number;
  /** How long the longest-waiting of them has waited, ms (absent when none waits). */
  readonly oldestWaitMs?: number;
  /** Shared queue only: players waiting on every server, as last read from the store. */
  readonly sharedWaiting?: number;
}

/** The port ring: counts and one cell per port, ascending. */
export interface MonitorPorts {
  readonly total: number;
  readonly free: number;
  readonly inUse: number;
  readonly quarantined: number;
  readonly cells: readonly MonitorPortCell[];
}

/** One port of the ring. */
export interface MonitorPortCell {
  readonly port: number;
  readonly state: 'free' | 'in-use' | 'quarantined';
  /** The game holding it (in use). */
  readonly gameId?: string | undefined;
}

/** One game, as the games table shows it. */
export interface MonitorGame extends Omit<GameInfo, 'players'> {
  /** The seats in slot order: the player's name, and whether the child hears from it now (absent: not known yet). */
  readonly players: readonly { readonly name: string; readonly connected?: boolean }[];
  /** True once an end was asked for (from the page or `POST /games/<id>/end`), until the child exits. */
  readonly ending: boolean;
}

/** Samples of the last minutes. */
export interface MonitorHistory {
  /** The length of one sample's interval, ms. */
  readonly intervalMs: number;
  readonly samples: readonly MonitorSample[];
}

/** One interval's figures. */
export interface MonitorSample {
  /** The end of the interval, epoch ms. */
  readonly at: number;
  /** Games started in the interval. */
  readonly gamesStarted: number;
  /** Time to match of the games started in the interval, ms: median and 99th percentile (absent: none started). */
  readonly timeToMatchP50Ms?: number;
  readonly timeToMatchP99Ms?: number;
  /** Players waiting (this server, all modes) at the end of the interval. */
  readonly queued: number;
}

/** One server registered in the shared queue. */
export interface MonitorHost {
  readonly instanceId: string;
  /** True for the server that serves this page. */
  readonly self: boolean;
  /** Since its last heartbeat, ms (Redis's clock). */
  readonly lastHeartbeatAgoMs: number;
  /** Its players in the queue (waiting or in a claimed group). */
  readonly tickets: number;
  /** Groups it has claimed and not yet confirmed or given back. */
  readonly claims: number;
}

/** The JSON body of `POST /games/<id>/end`. */
export interface EndGameRequest {
  /** Why (1..200 printable characters): logged, and in the game's `gameEnded` event. */
  readonly reason: string;
}

/** Every admin error answer: `{ error: { code, message } }`. */
export interface AdminErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}
