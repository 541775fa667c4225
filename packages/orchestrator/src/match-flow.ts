import type { HelloMessage } from '@proj/protocol';
import type { Client } from './client-table.js';
import type { PlayerLeftReason } from './events.js';
import type { LaunchedGame } from './launched-game.js';
import type { QueueInfo } from './queue-info.js';

/**
 * What the orchestrator asks of its match flow, whichever queue it runs on: the local in-memory queue
 * (`ClientFlow`) or a queue shared by several orchestrators (`SharedQueueFlow`, over a `QueueBackend`).
 */
export interface MatchFlow {
  /** Players of this orchestrator waiting in a queue, all modes. */
  readonly queuedCount: number;
  /** Players of this orchestrator waiting, per mode. */
  queuedByMode(): Map<string, number>;
  /**
   * One entry per configured mode, in configuration order: this orchestrator's waiting players, how long the
   * longest-waiting of them has waited at `now` (`performance.now()`), and with a shared queue every host's waiting
   * players as last read. O(modes) with the local queue, O(modes + this host's tickets) with a shared one.
   */
  queues(now: number): QueueInfo[];
  /** Full groups waiting for a game (what the warm pool follows). */
  readonly waitingGroups: number;
  /** A client said hello: it queues and is told its position, or is refused with a wire error. */
  hello(client: Client, message: HelloMessage): void;
  /** The connection layer's report that a client is gone. */
  gone(client: Client, reason: PlayerLeftReason): void;
  /** Something changed (capacity came back, a player queued): look for groups to launch soon. */
  schedule(): void;
  /** A game's child reported which seats were joined. */
  joinReported(game: LaunchedGame, joined: readonly number[], missing: readonly number[]): void;
  /** A started game is over. */
  gameEnded(game: LaunchedGame): void;
  /** Shutdown: no more matching; waiting players are told SHUTTING_DOWN; starting launches are cancelled. */
  stop(): void;
}

/** Full groups in queues of these sizes: the sum over modes of floor(size / K). O(modes). */
export function fullGroups(
  sizes: ReadonlyMap<string, number>,
  modes: ReadonlyMap<string, { readonly playersPerGame: number }>,
): number {
  let groups = 0;
  for (const [mode, size] of sizes) {
    const k = modes.get(mode)?.playersPerGame ?? 0;
    if (k > 0) groups += Math.floor(size / k);
  }
  return groups;
}
