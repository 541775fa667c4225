import { describe, expect, it } from 'vitest';
import { checkReason, endGameUrl, errorMessage } from './end-game.js';
import { displayState, playerConnection } from './games.js';
import { poolCells, MAX_POOL_CELLS } from './panels.js';
import { parseSnapshot } from './snapshot.js';
import { describeConnection } from './status.js';

describe('end game', () => {
  it('encodes the id in a URL relative to the page', () => {
    expect(endGameUrl('a/b c?')).toBe('games/a%2Fb%20c%3F/end');
  });

  it('checks the reason', () => {
    expect(checkReason('ended by an operator')).toBeUndefined();
    expect(checkReason('   ')).toBe('Give a reason.');
    expect(checkReason('x'.repeat(201))).toMatch(/200/);
  });

  it("shows the error body's message, else the status", () => {
    expect(errorMessage(409, { error: { code: 'GAME_ENDING', message: 'Already ending.' } })).toBe('Already ending.');
    expect(errorMessage(502, undefined)).toBe('The server answered HTTP 502.');
    expect(errorMessage(400, { error: 'nope' })).toBe('The server answered HTTP 400.');
  });
});

describe('games', () => {
  it("shows 'ending' once asked, from here or from the server", () => {
    expect(displayState({ state: 'running', ending: false }, false)).toBe('running');
    expect(displayState({ state: 'running', ending: true }, false)).toBe('ending');
    expect(displayState({ state: 'starting', ending: false }, true)).toBe('ending');
  });

  it('marks players connected, not connected or unknown', () => {
    expect(playerConnection(true)).toBe('connected');
    expect(playerConnection(false)).toBe('disconnected');
    expect(playerConnection(undefined)).toBe('unknown');
  });
});

describe('poolCells', () => {
  it('draws idle, then booting, then empty up to the target', () => {
    expect(poolCells({ target: 4, idle: 1, booting: 2 })).toEqual(['idle', 'booting', 'booting', 'empty']);
    expect(poolCells({ target: 1, idle: 2, booting: 1 })).toEqual(['idle', 'idle', 'booting']);
    expect(poolCells({ target: MAX_POOL_CELLS + 1, idle: 0, booting: 0 })).toEqual([]);
  });
});

describe('parseSnapshot', () => {
  const valid = {
    version: 1,
    at: 1,
    server: {},
    queues: [],
    games: [],
    gamesTotal: 0,
    ports: { cells: [] },
    warmPool: {},
    admission: {},
    history: { samples: [] },
  };

  it('takes a snapshot and refuses what is not one', () => {
    expect(parseSnapshot(JSON.stringify(valid))).toEqual(valid);
    expect(parseSnapshot('not json')).toBeUndefined();
    expect(parseSnapshot('null')).toBeUndefined();
    expect(parseSnapshot(JSON.stringify({ ...valid, ports: {} }))).toBeUndefined();
    expect(parseSnapshot(JSON.stringify({ error: { code: 'X', message: 'y' } }))).toBeUndefined();
  });
});

describe('describeConnection', () => {
  it('says when the data is old', () => {
    expect(describeConnection('connecting', undefined, undefined)).toEqual({ text: 'Connecting…', updated: '' });
    expect(describeConnection('lost', 0, 4200).text).toBe('Connection lost, retrying…');
    expect(describeConnection('lost', 0, 4200).updated).toMatch(/^Last update \d\d:\d\d:\d\d \(4\.2 s ago\)$/);
    expect(describeConnection('live', 0, 10).updated).toMatch(/^Last update \d\d:\d\d:\d\d$/);
  });
});
