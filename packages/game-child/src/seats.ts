import { GameChildError } from './errors.js';
import { MAX_RELIABLE_PAYLOAD_BYTES } from './game.js';
import type { PlayerStatus } from './game-server-types.js';
import type { PlayerSession } from './player-session.js';

/** The seats of one game by slot: what the server, its receive path and its reports share. @internal */
export type Seats = ReadonlyMap<number, PlayerSession>;

/** Every seat as `GameServer.players()` reports it, in slot order. @internal */
export function seatStatuses(seats: Seats): PlayerStatus[] {
  return [...seats.values()]
    .sort((a, b) => a.slot - b.slot)
    .map((s) => ({
      slot: s.slot,
      name: s.name,
      connected: s.connected,
      joined: s.everConnected,
      address: s.key === undefined ? undefined : s.address,
      port: s.key === undefined ? undefined : s.port,
      rttMs: s.srttMs,
      pendingReliable: s.outbox.size,
    }));
}

/** How many seats are connected now. @internal */
export function countConnected(seats: Seats): number {
  let n = 0;
  for (const s of seats.values()) if (s.connected) n++;
  return n;
}

/** True once any seat was ever bound. @internal */
export function anyJoined(seats: Seats): boolean {
  for (const s of seats.values()) if (s.everConnected) return true;
  return false;
}

/**
 * `GameContext.sendReliable`: queues `payload` for the seat `to` (every seat when undefined). Seats not connected
 * get nothing; a seat whose outbox is full is flagged `overflowed` (the server disconnects it at the next tick,
 * not here: the game is mid-call). Throws GameChildError 'E_INVALID_ARGUMENT' for an empty or too large
 * payload or an unknown slot. @internal
 */
export function queueReliable(seats: Seats, payload: Uint8Array, to: number | undefined): void {
  if (!(payload instanceof Uint8Array) || payload.length === 0 || payload.length > MAX_RELIABLE_PAYLOAD_BYTES) {
    throw new GameChildError('E_INVALID_ARGUMENT', `a reliable event must be 1..${MAX_RELIABLE_PAYLOAD_BYTES} bytes`);
  }
  if (to === undefined) {
    for (const s of seats.values()) queueOne(s, payload);
    return;
  }
  const s = seats.get(to);
  if (s === undefined) throw new GameChildError('E_INVALID_ARGUMENT', `slot ${to} is not in this game`);
  queueOne(s, payload);
}

function queueOne(s: PlayerSession, payload: Uint8Array): void {
  if (s.connected && !s.outbox.push(payload)) s.overflowed = true;
}
