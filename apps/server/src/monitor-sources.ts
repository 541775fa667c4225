import type { Orchestrator } from '@proj/orchestrator';
import type { Readiness, WarmPoolInfo } from './admin-info.js';
import type { MonitorHistoryRecorder } from './monitor-history.js';
import type { MonitorSources } from './monitor-state.js';
import { toAdmissionInfo, toGameInfo } from './observe.js';

/** What the server adds to the orchestrator's own state for the monitor. */
export interface MonitorExtras {
  readonly readiness: () => Readiness;
  readonly warmPool: () => WarmPoolInfo;
  readonly history: MonitorHistoryRecorder;
  readonly endGames: MonitorSources['endGames'];
}

/** The monitor's sources, read from the orchestrator at each snapshot (durations rounded to the millisecond). */
export function monitorSources(
  orchestrator: Pick<Orchestrator, 'address' | 'stats' | 'queues' | 'ports' | 'games' | 'queueHosts'>,
  extras: MonitorExtras,
): MonitorSources {
  return {
    readiness: extras.readiness,
    players: () => {
      const address = orchestrator.address;
      return address === undefined ? '' : `${address.host}:${address.port}`;
    },
    maxGames: () => orchestrator.stats().maxGames,
    clients: () => orchestrator.stats().connectedClients,
    sharedQueue: () => orchestrator.stats().sharedQueue,
    queues: () =>
      orchestrator.queues().map((q) => ({
        mode: q.mode,
        playersPerGame: q.playersPerGame,
        waiting: q.waiting,
        ...(q.oldestWaitMs !== undefined ? { oldestWaitMs: Math.round(q.oldestWaitMs) } : {}),
        ...(q.sharedWaiting !== undefined ? { sharedWaiting: q.sharedWaiting } : {}),
      })),
    ports: () => orchestrator.ports(),
    games: () =>
      orchestrator
        .games()
        .map((g) => ({ info: toGameInfo(g), playersConnected: g.playersConnected, ending: g.ending })),
    warmPool: extras.warmPool,
    admission: () => toAdmissionInfo(orchestrator.stats().admission),
    history: () => extras.history.snapshot(),
    hosts: () => orchestrator.queueHosts(),
    endGames: extras.endGames,
  };
}
