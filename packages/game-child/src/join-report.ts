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

/**
 * The slots whose player is connected now (bound and not timed out), in slot order: the `connected` field of the
 * periodic `stats` IPC message. @internal
 */
export function connectedSlots(seats: readonly PlayerStatus[]): number[] {
  const slots: number[] = [];
  for (const seat of seats) if (seat.connected) slots.push(seat.slot);
  return slots;
}
