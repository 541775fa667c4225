/** One mode's queue, as listed by `Orchestrator.queues()`. */
export interface QueueInfo {
  readonly mode: string;
  /** Players per game of the mode (K). */
  readonly playersPerGame: number;
  /** This orchestrator's players waiting in the mode's queue. */
  readonly waiting: number;
  /**
   * How long the longest-waiting of them has waited, ms (since its hello was accepted; undefined when none waits).
   */
  readonly oldestWaitMs: number | undefined;
  /**
   * Shared queue only: the players of the mode waiting on every orchestrator sharing the queue, as last read from
   * its store (about every second; undefined before the first read, and with the local queue).
   */
  readonly sharedWaiting: number | undefined;
}
