import {
  ArenaEventType,
  ArenaPhase,
  encodeArenaEvent,
  encodeArenaSnapshot,
  type ArenaSnapshot,
} from '@proj/client-sdk';

/** A 6x4 arena with a wall in the middle: '#' at (2,1) and (2,2). */
export function welcome(yourSlot: number): Uint8Array {
  const width = 6;
  const height = 4;
  const walls = Array.from({ length: width * height }, (_, i) => i === 1 * width + 2 || i === 2 * width + 2);
  return encodeArenaEvent({
    type: ArenaEventType.WELCOME,
    yourSlot,
    width,
    height,
    scoreToWin: 5,
    timeLimitMs: 60_000,
    moveIntervalMs: 150,
    walls,
  });
}

export function snapshot(partial: Partial<ArenaSnapshot> = {}): Uint8Array {
  return encodeArenaSnapshot({
    phase: ArenaPhase.PLAYING,
    partial: false,
    tick: 10,
    remainingMs: 42_000,
    players: [
      { slot: 0, x: 0, y: 1, direction: 0, connected: true, stunned: false, dashReady: true, score: 2 },
      { slot: 1, x: 5, y: 3, direction: 0, connected: true, stunned: false, dashReady: false, score: 4 },
    ],
    items: [{ x: 4, y: 1, kind: 0 }],
    ...partial,
  });
}
