import { ArenaEndReason, ArenaEventType, encodeArenaEvent } from '@proj/client-sdk';
import { describe, expect, it } from 'vitest';
import { ArenaState } from '../arena/arena-state.js';
import { snapshot, welcome } from '../arena/arena-test-data.js';
import { plainStyle, renderBoard, renderGameOver, renderQueue } from './render.js';

const stats = {
  rttMs: 1.25,
  rttVarMs: 0,
  lastRttMs: 1,
  ackRttMs: 2,
  lossUp: 0,
  lossDown: 0.02,
  packetsSent: 1,
  packetsReceived: 1,
  bytesSent: 1,
  bytesReceived: 1,
  snapshotsReceived: 33,
  snapshotsMissed: 0,
  snapshotsStale: 0,
  eventsReceived: 1,
  eventDuplicates: 0,
  inputsSent: 0,
  malformed: 0,
  reconnects: 0,
  silenceMs: 0,
  connectAttempts: 1,
};

describe('render', () => {
  it('shows the queue position', () => {
    const lines = renderQueue(
      { host: 'h', port: 1, name: 'ada', mode: 'arena', position: 3, waitedMs: 61_000, phase: 'queued' },
      plainStyle,
    );
    expect(lines.join('\n')).toContain('In queue: position 3   waiting 1:01');
  });

  it('draws the board with walls, items, me as @ and others by slot, plus scores, RTT and loss', () => {
    const state = new ArenaState(0);
    state.applyEvent(welcome(0));
    state.applyEvent(
      encodeArenaEvent({
        type: ArenaEventType.ROSTER,
        players: [
          { slot: 0, name: 'ada' },
          { slot: 1, name: 'bob' },
        ],
      }),
    );
    state.applySnapshot(snapshot());
    const lines = renderBoard(state, { name: 'ada', gameId: 'g-1', stats, columns: 100 }, plainStyle);
    expect(lines.slice(1, 7)).toEqual([' +------+', ' |......|', ' |@.#.o.|', ' |..#...|', ' |.....1|', ' +------+']);
    const text = lines.join('\n');
    expect(text).toContain('time 0:42');
    expect(text).toContain('1 bob 4   @ ada 2');
    expect(text).toContain('RTT 1.3 ms   loss up 0.0% down 2.0%');
    expect(renderBoard(state, { name: 'ada', gameId: 'g-1', stats, columns: 5 }, plainStyle).join('\n')).toContain(
      'too narrow',
    );
  });

  it('ranks the players at game over', () => {
    const state = new ArenaState(1);
    state.applyEvent(
      encodeArenaEvent({
        type: ArenaEventType.ROSTER,
        players: [
          { slot: 0, name: 'ada' },
          { slot: 1, name: 'bob' },
        ],
      }),
    );
    const data = encodeArenaEvent({
      type: ArenaEventType.GAME_OVER,
      reason: ArenaEndReason.TIME_UP,
      standings: [
        { slot: 1, score: 5, connected: true },
        { slot: 0, score: 3, connected: true },
      ],
    });
    state.applyGameOver({ reason: 1, reasonName: 'COMPLETED', data });
    const text = renderGameOver(state, { gameId: 'g-1' }, plainStyle).join('\n');
    expect(text).toContain('time up (COMPLETED)');
    expect(text).toContain('1. @ bob  5  <- you');
    expect(text).toContain('You win!');
  });

  it('names no winner when the server stopped the game', () => {
    const state = new ArenaState(0);
    const data = encodeArenaEvent({
      type: ArenaEventType.GAME_OVER,
      reason: ArenaEndReason.STOPPED,
      standings: [
        { slot: 0, score: 0, connected: true },
        { slot: 1, score: 0, connected: true },
      ],
    });
    state.applyGameOver({ reason: 4, reasonName: 'SERVER_SHUTDOWN', data });
    const text = renderGameOver(state, { gameId: 'g-1' }, plainStyle).join('\n');
    expect(text).toContain('stopped by the server (SERVER_SHUTDOWN)');
    expect(text).toContain('The game was stopped before its end: nobody wins.');
    expect(text).not.toMatch(/You win|P\d wins/);
  });
});
