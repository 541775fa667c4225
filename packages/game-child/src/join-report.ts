import type { IpcJoinReport } from '@proj/protocol';
import type { PlayerStatus } from './game-server-types.js';

/**
 * The `joinReport` IPC message of a game whose join phase ended: the slots its players bound (at least once) and
 * the ones nobody came for. @internal
 */
export function joinReport(gameId: string, seats: readonly PlayerStatus[]): IpcJoinReport {
  const joined: number[] = [];
  const missing: number[] = [];
  for (const seat of seats) (seat.joined ? joined : missing).push(seat.slot);
  return { type: 'joinReport', gameId, joined, missing };
}
