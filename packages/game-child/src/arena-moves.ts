import { ArenaDirection, ArenaEventType, ArenaItemKind, type ArenaEvent } from '@proj/protocol';
import type { ArenaBoard } from './arena-board.js';
import type { ResolvedArenaOptions } from './arena-options.js';
import type { ArenaPlayerView } from './arena-snapshot.js';

/** One arena player as the rules see it. @internal */
export interface ArenaPlayer extends ArenaPlayerView {
  /** Changes only before anyone joined the seat (a backfill, see `Game.playerRenamed`). */
  name: string;
  readonly index: number;
  /** Last non-NONE heading: a dash while standing still goes this way. */
  facing: ArenaDirection;
  everConnected: boolean;
  moveCooldownMs: number;
  stunRemainingMs: number;
  dashCooldownRemainingMs: number;
  lastDashCounter: number | undefined;
  pendingDash: boolean;
}

/**
 * What the movement rules act on: the options, the board, the players (by board index) and the event sink. @internal
 */
export interface ArenaRules {
  readonly options: ResolvedArenaOptions;
  readonly board: ArenaBoard;
  readonly players: readonly ArenaPlayer[];
  emit(event: ArenaEvent): void;
}

const STAR_POINTS = 3;
const GEM_POINTS = 1;
const MAX_STEPS_PER_TICK = 8;
const DX = [0, 0, 0, -1, 1] as const;
const DY = [0, -1, 1, 0, 0] as const;

/** Advances one player by `dtMs`: stun and cooldowns, a pending dash, then walking in its direction. @internal */
export function advancePlayer(r: ArenaRules, p: ArenaPlayer, dtMs: number): void {
  p.stunRemainingMs = Math.max(0, p.stunRemainingMs - dtMs);
  p.dashCooldownRemainingMs = Math.max(0, p.dashCooldownRemainingMs - dtMs);
  p.dashReady = p.dashCooldownRemainingMs === 0;
  const stunned = p.stunRemainingMs > 0;
  p.stunned = stunned;
  if (p.pendingDash) {
    p.pendingDash = false;
    if (!stunned && p.dashReady) dash(r, p);
  }
  if (p.direction === ArenaDirection.NONE || p.stunned || !p.connected) {
    p.moveCooldownMs = Math.max(0, p.moveCooldownMs - dtMs);
    return;
  }
  // Step while the cooldown has run out; the remainder carries over, so the average speed is exact for
  // any tick rate, and the first step after standing still is immediate.
  for (let steps = 0; steps < MAX_STEPS_PER_TICK && p.moveCooldownMs <= 0; steps++) {
    if (!step(r, p, p.direction)) {
      p.moveCooldownMs = 0;
      break;
    }
    p.moveCooldownMs += r.options.moveIntervalMs;
  }
  p.moveCooldownMs = Math.max(p.moveCooldownMs - dtMs, -dtMs);
}

function dash(r: ArenaRules, p: ArenaPlayer): void {
  const o = r.options;
  const dir = p.direction !== ArenaDirection.NONE ? p.direction : p.facing;
  p.dashCooldownRemainingMs = o.dashCooldownMs;
  p.dashReady = o.dashCooldownMs === 0;
  for (let i = 0; i < o.dashLength; i++) {
    const target = r.board.floorAt(p.x + DX[dir], p.y + DY[dir]);
    if (target < 0) return;
    const occ = r.board.occupantOf(target);
    if (occ >= 0) {
      const victim = r.players[occ]!;
      if (victim.connected) bump(r, p, victim);
      return;
    }
    moveTo(r, p, target);
  }
  p.moveCooldownMs = Math.max(p.moveCooldownMs, o.moveIntervalMs);
}

function bump(r: ArenaRules, attacker: ArenaPlayer, victim: ArenaPlayer): void {
  const stolen = Math.min(1, victim.score);
  victim.score -= stolen;
  attacker.score = Math.min(0xffff, attacker.score + stolen);
  victim.stunRemainingMs = r.options.stunMs;
  victim.stunned = r.options.stunMs > 0;
  victim.pendingDash = false;
  r.emit({
    type: ArenaEventType.BUMP,
    attacker: attacker.slot,
    victim: victim.slot,
    attackerScore: attacker.score,
    victimScore: victim.score,
  });
}

/** One step; false when blocked (wall, edge or another player). */
function step(r: ArenaRules, p: ArenaPlayer, dir: ArenaDirection): boolean {
  const target = r.board.floorAt(p.x + DX[dir], p.y + DY[dir]);
  if (target < 0 || r.board.occupantOf(target) !== -1) return false;
  moveTo(r, p, target);
  return true;
}

/** Moves `p` to `cell`, collecting the item there. */
function moveTo(r: ArenaRules, p: ArenaPlayer, cell: number): void {
  const item = r.board.move(p.index, p, cell);
  if (item === undefined) return;
  p.score = Math.min(0xffff, p.score + (item.kind === ArenaItemKind.STAR ? STAR_POINTS : GEM_POINTS));
  r.emit({ type: ArenaEventType.ITEM_COLLECTED, slot: p.slot, kind: item.kind, x: p.x, y: p.y, score: p.score });
  r.board.takeItem(cell);
}
