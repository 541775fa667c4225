import type { OrchestratorEvents } from '@proj/orchestrator';
import type { PackageLogger } from './logger.js';
import type { SharedQueueMetrics } from './queue-metrics.js';

/** What {@link observeSharedQueue} listens to: an orchestrator's `on` for the shared queue's events. */
export interface SharedQueueEventSource {
  on<E extends 'playerMatchedRemotely' | 'queueAvailability' | 'queueBackendFailed'>(
    event: E,
    listener: (payload: OrchestratorEvents[E]) => void,
  ): () => void;
}

/**
 * Logs and counts the shared queue's events: players matched by another server, the store lost and back (a warning
 * each way), a fatal conflict. Returns a function that stops observing.
 */
export function observeSharedQueue(
  source: SharedQueueEventSource,
  metrics: SharedQueueMetrics,
  logger: PackageLogger,
): () => void {
  const offs = [
    source.on('playerMatchedRemotely', ({ clientId, name, mode, gameId, host, port, timeToMatchMs }) => {
      metrics.recordMatchedRemotely(mode);
      logger.debug('player matched by another server', {
        clientId,
        player: name,
        mode,
        gameId,
        host,
        port,
        timeToMatchMs: Math.round(timeToMatchMs),
      });
    }),
    source.on('queueAvailability', ({ instanceId, available }) => {
      metrics.recordAvailable(available);
      if (available) logger.info('shared queue reachable: taking players', { instanceId });
      else
        logger.warn('shared queue unreachable: new players are refused (QUEUE_UNAVAILABLE) until it is back', {
          instanceId,
        });
    }),
    source.on('queueBackendFailed', ({ instanceId, error }) => {
      logger.error('shared queue failed', { instanceId, error: error.message });
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
