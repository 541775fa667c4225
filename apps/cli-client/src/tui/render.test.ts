import { ArenaEndReason, ArenaEventType, encodeArenaEvent } from '@proj/client-sdk';
import { describe, expect, it } from 'vitest';
import { ArenaState } from '../arena/arena-state.js';
import { snapshot, welcome } from '../arena/arena-test-data.js';
import { textWidth } from './layout.js';
import { ansiStyle, botsHint, plainStyle, renderBoard, renderGameOver, renderQueue } from './render.js';

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
  const queued = {
    host: '127.0.0.1',
    port: 7700,
    name: 'ada',
    mode: 'arena',
    position: 1,
    waitedMs: 61_000,
    phase: 'queued',
  } as const;

  it('queue: with K known, how many more players and the bots command that adds them', () => {
    const lines = renderQueue({ ...queued, playersPerGame: 4 }, plainStyle);
    expect(lines).toContain(' Queued for arena: position 1 of 4, waiting for up to 3 more players');
    expect(lines).toContain(' Waited 1:01');
    expect(lines).toContain('   pnpm bots --mode arena --count 3');
    const last = renderQueue({ ...queued, position: 3, playersPerGame: 4 }, plainStyle);
    expect(last).toContain(' Queued for arena: position 3 of 4, waiting for up to 1 more player');
    // Position K or beyond: waiting for a game server, not for players; no bots to add.
    const busy = renderQueue({ ...queued, position: 5, playersPerGame: 4 }, plainStyle).join(' ');
    expect(busy.replace(/\s+/g, ' ')).toContain('position 5 (games of 4 players start as game servers free up)');
    expect(busy).not.toContain('pnpm bots');
  });

  it('queue: without K, the position, when a game starts, and the bots command with the count to fill in', () => {
    const text = renderQueue({ ...queued, mode: undefined }, plainStyle, { columns: 80, rows: 24 }).join('\n');
    expect(text).toContain(' Queued: position 1, waited 1:01\n');
    expect(text.replace(/\s+/g, ' ')).toContain(
      "A game of the default mode starts when enough players wait (the server's ready line says how many).",
    );
    expect(text).toContain('   pnpm bots --count <players missing>');
  });

  it('queue: the bots command names only the server options that are not the defaults', () => {
    expect(botsHint({ host: '127.0.0.1', port: 7700, mode: undefined }, 1)).toBe('pnpm bots --count 1');
    expect(botsHint({ host: 'example.org', port: 7801, mode: 'duel' }, 1)).toBe(
      'pnpm bots --host example.org --port 7801 --mode duel --count 1',
    );
  });

  it('queue: every line fits the width, styled or not, a long host and name included', () => {
    const long = { ...queued, host: 'a-very-long-host-name.example.org', name: 'n'.repeat(32), playersPerGame: 4 };
    for (const style of [plainStyle, ansiStyle])
      for (const columns of [40, 80]) {
        const lines = renderQueue(long, style, { columns, rows: 24 });
        expect(lines.every((l) => textWidth(l) <= columns)).toBe(true);
      }
    const matched = renderQueue(
      { ...queued, phase: 'matched', detail: 'Joining game 0f8c2a1e at 127.0.0.1:40001...' },
      plainStyle,
    );
    expect(matched).toContain(' Match found. Joining game 0f8c2a1e at 127.0.0.1:40001...');
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
    // 33 columns: too narrow for the side panel (9 + 2 + 24), the information goes below the board.
    const lines = renderBoard(
      state,
      { name: 'ada', gameId: 'g-1', stats, size: { columns: 33, rows: 24 } },
      plainStyle,
    );
    expect(lines.slice(1, 7)).toEqual([' +------+', ' |......|', ' |@.#.o.|', ' |..#...|', ' |.....1|', ' +------+']);
    const text = lines.join('\n');
    expect(lines[0]).toBe(' proj arena  game g-1  playing  …');
    expect(text).toContain('1 bob 4   @ ada 2');
    expect(text).toContain('RTT 1.3 ms   loss up 0.0% down …');
    expect(lines.at(-1)).toBe(' arrows/WASD move   space dash  …');
    expect(lines.every((l) => textWidth(l) <= 33)).toBe(true);
    // Side panel: 35x8; below: 9x11. Neither fits 30x9.
    const small = renderBoard(state, { name: 'ada', gameId: 'g-1', stats, size: { columns: 30, rows: 9 } }, plainStyle);
    expect(small.join(' ').replace(/\s+/g, ' ')).toContain('Resize the terminal to at least 35x8.');
    expect(small.every((l) => textWidth(l) <= 30)).toBe(true);
  });

  it('at 80x24 puts a 40x20 board at the left, scores, link and events at its right, the keys at the bottom', () => {
    const state = new ArenaState(0);
    state.applyEvent(
      encodeArenaEvent({
        type: ArenaEventType.WELCOME,
        yourSlot: 0,
        width: 40,
        height: 20,
        scoreToWin: 20,
        timeLimitMs: 120_000,
        moveIntervalMs: 150,
        walls: Array.from({ length: 800 }, () => false),
      }),
    );
    const names = Array.from({ length: 30 }, (_, slot) => ({ slot, name: `player-${slot}-has-a-rather-long-name` }));
    for (let i = 0; i < names.length; i += 15)
      state.applyEvent(encodeArenaEvent({ type: ArenaEventType.ROSTER, players: names.slice(i, i + 15) }));
    for (let i = 0; i < 6; i++)
      state.applyEvent(encodeArenaEvent({ type: ArenaEventType.PLAYER_STATUS, slot: i, connected: true }));
    state.applySnapshot(
      snapshot({
        players: names.map(({ slot }) => ({
          slot,
          x: slot,
          y: 1,
          direction: 0,
          connected: true,
          stunned: false,
          dashReady: true,
          score: 30 - slot, // this player (slot 0) leads
        })),
      }),
    );
    const gameId = '0f8c2a1e-5b7d-4c3a-9e1f-2d4b6a8c0e13';
    for (const style of [plainStyle, ansiStyle]) {
      const lines = renderBoard(state, { name: 'ada', gameId, stats, size: { columns: 80, rows: 24 } }, style);
      expect(lines).toHaveLength(24);
      expect(lines.every((l) => textWidth(l) <= 80)).toBe(true);
    }
    const lines = renderBoard(state, { name: 'ada', gameId, stats, size: { columns: 80, rows: 24 } }, plainStyle);
    expect(lines[0]).toBe(' proj arena  game 0f8c2a1e  playing  time 0:42  you: @ ada');
    expect(lines[1]).toBe(` +${'-'.repeat(40)}+  scores (to 20)`);
    expect(lines[2]).toBe(` |${'.'.repeat(40)}|  @ player-0-has-a-rather-long-name …`);
    expect(lines.at(-1)).toBe(' arrows/WASD move   space dash   x stop   q quit');
    const side = lines.slice(1, 23).map((l) => l.slice(45));
    expect(side).toContain('RTT 1.3 ms');
    expect(side).toContain('loss up 0.0% down 2.0%');
    expect(side).toContain('events');
    expect(side.at(-1)).toBe('player-5-has-a-rather-long-name jo…');
    // 30 players do not fit: the scores give way to the link and events, with a count of those not shown.
    expect(side.filter((l) => l.startsWith('+')).at(0)).toMatch(/^\+\d+ more$/);
    // Too small for both layouts: the size to resize to instead of a garbled board.
    const small = renderBoard(state, { name: 'ada', gameId, stats, size: { columns: 60, rows: 20 } }, plainStyle);
    expect(small).toContain(' Resize the terminal to at least 69x24.');
    expect(small.every((l) => textWidth(l) <= 60)).toBe(true);
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

  it('game over fits the terminal: a long reason wraps, a long ranking is cut, this player always listed', () => {
    const state = new ArenaState(39);
    const standings = Array.from({ length: 40 }, (_, slot) => ({ slot, score: 40 - slot, connected: true }));
    const data = encodeArenaEvent({ type: ArenaEventType.GAME_OVER, reason: ArenaEndReason.TIME_UP, standings });
    state.applyGameOver({ reason: 1, reasonName: 'COMPLETED', data });
    const gameId = '0f8c2a1e-5b7d-4c3a-9e1f-2d4b6a8c0e13';
    const lines = renderGameOver(state, { gameId, size: { columns: 80, rows: 24 } }, plainStyle);
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines[0]).toBe(' GAME OVER  game 0f8c2a1e');
    expect(lines).toContain(' 40. @ P39  1  <- you');
    expect(lines.some((l) => /^ \+\d+ more$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe(' press any key to exit');
    const error = new ArenaState(0);
    const endText = `The session ended: nothing heard from the game server at 127.0.0.1:40001 for 10000 ms (E_SERVER_TIMEOUT)`;
    const wrapped = renderGameOver(error, { gameId, endText, size: { columns: 80, rows: 24 } }, ansiStyle);
    expect(wrapped.every((l) => textWidth(l) <= 80)).toBe(true);
    expect(wrapped.join(' ').replace(/\s+/g, ' ')).toContain(endText);
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
