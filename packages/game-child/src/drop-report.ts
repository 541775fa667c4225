import { IPC_MAX_STATS_COUNT, IPC_MAX_STATS_REASONS, type IpcStatsMessage } from '@proj/protocol';

/**
 * Turns a game's monotonic drop counters into the IPC `stats` messages of the contract: each message holds what
 * was dropped since the previous one (deltas), only the reasons that moved, within the contract's bounds (a count
 * above IPC_MAX_STATS_COUNT, or reasons beyond IPC_MAX_STATS_REASONS, are left for the next message). @internal
 */
export class DropReport {
  readonly #gameId: string;
  readonly #read: () => Readonly<Record<string, number>>;
  /** What the parent has been told so far, by reason. */
  readonly #reported = new Map<string, number>();

  /** `read` returns the current cumulative counts (GameServer.stats().dropped); it must not throw. */
  constructor(gameId: string, read: () => Readonly<Record<string, number>>) {
    this.#gameId = gameId;
    this.#read = read;
  }

  /**
   * The `stats` message for what was dropped since the last call, counted as reported; undefined when nothing was.
   */
  next(): IpcStatsMessage | undefined {
    const dropped: Record<string, number> = {};
    let reasons = 0;
    for (const [reason, total] of Object.entries(this.#read())) {
      if (reasons === IPC_MAX_STATS_REASONS) break;
      const before = this.#reported.get(reason) ?? 0;
      const delta = Math.min(total - before, IPC_MAX_STATS_COUNT);
      if (!(delta > 0)) continue;
      dropped[reason] = delta;
      this.#reported.set(reason, before + delta);
      reasons++;
    }
    return reasons === 0 ? undefined : { type: 'stats', gameId: this.#gameId, dropped };
  }
}
