import type { PackageLogger } from './logger.js';
import type { OrchestratorEventSource } from './observe.js';
import type { SharedQueueMetrics } from './queue-metrics.js';

/**
 * Logs and counts the shared queue's events: players matched by another server, the store lost and back (a warning
 * each way), a fatal conflict. Returns a function that stops observing.
 */
export function observeSharedQueue(
  source: OrchestratorEventSource,
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
