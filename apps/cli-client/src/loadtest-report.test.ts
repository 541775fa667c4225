import { describe, expect, it } from 'vitest';
import type { BotOutcome } from './bot-player.js';
import { buildReport, formatReport } from './loadtest-report.js';

const base: BotOutcome = {
  name: 'lt-1',
  timeToMatchMs: 10,
  timeToGameMs: 20,
  connectToQueuedMs: 2,
  gameId: 'g1',
  slot: 0,
  result: undefined,
  end: undefined,
  stats: undefined,
  error: undefined,
};
const stats = {
  rttMs: 1,
  rttVarMs: 0,
  lastRttMs: 1,
  ackRttMs: 1,
  lossUp: 0.1,
  lossDown: 0,
  packetsSent: 100,
  packetsReceived: 300,
  bytesSent: 0,
  bytesReceived: 0,
  snapshotsReceived: 250,
  snapshotsMissed: 2,
  snapshotsStale: 0,
  eventsReceived: 0,
  eventDuplicates: 0,
  inputsSent: 0,
  malformed: 0,
  reconnects: 0,
  silenceMs: 0,
  connectAttempts: 1,
};
const result = { reasonName: 'COMPLETED', arenaReason: undefined, standings: [] };

describe('loadtest report', () => {
  it('aggregates outcomes: distributions, distinct games, weighted loss, errors by code, unmatched apart', () => {
    const outcomes: BotOutcome[] = [
      { ...base, name: 'lt-1', result, stats, end: 'gameOver' },
      {
        ...base,
        name: 'lt-2',
        timeToMatchMs: 30,
        timeToGameMs: 40,
        result,
        stats: { ...stats, lossUp: 0.3 },
        end: 'gameOver',
      },
      { ...base, name: 'lt-3', gameId: 'g2', error: { code: 'E_SERVER_TIMEOUT', message: 'x' }, stats },
      {
        ...base,
        name: 'lt-4',
        gameId: undefined,
        timeToMatchMs: undefined,
        timeToGameMs: undefined,
        error: { code: 'E_ABORTED', message: 'x' },
      },
    ];
    const report = buildReport(
      { clients: 4, rate: 10, perGame: 2, mode: 'duel', durationMs: 1234.5 },
      outcomes,
      new Set(['lt-4']),
    );
    expect(report).toMatchObject({
      gamesCompleted: 1,
      gamesExpected: 2,
      playersCompleted: 2,
      snapshotsReceived: 750,
      snapshotsMissed: 6,
      unmatched: 1,
      errors: { E_SERVER_TIMEOUT: 1 },
      durationMs: 1235,
    });
    expect(report.lossUp).toBeCloseTo((0.1 + 0.3 + 0.1) / 3);
    expect(report.timeToMatchMs).toEqual({ count: 3, p50: 10, p95: 30, p99: 30, max: 30 });
    const text = formatReport(report);
    expect(text).toMatch(/time to match +10\.0 ms +30\.0 ms +30\.0 ms +30\.0 ms +3/);
    expect(text).toMatch(/errors +E_SERVER_TIMEOUT 1/);
    expect(text).toMatch(/games completed +1 of 2 expected/);
  });

  it('reports connect -> queued over every client that was queued, failed ones included', () => {
    const outcomes: BotOutcome[] = [
      { ...base, name: 'lt-1', connectToQueuedMs: 1 },
      { ...base, name: 'lt-2', connectToQueuedMs: 3 },
      { ...base, name: 'lt-3', connectToQueuedMs: 40, error: { code: 'E_CONNECTION_CLOSED', message: 'x' } },
      { ...base, name: 'lt-4', connectToQueuedMs: undefined, error: { code: 'E_CONNECT_FAILED', message: 'x' } },
    ];
    const report = buildReport({ clients: 4, rate: 10, perGame: 2, mode: 'duel', durationMs: 1 }, outcomes, new Set());
    expect(report.connectToQueuedMs).toEqual({ count: 3, p50: 3, p95: 40, p99: 40, max: 40 });
    expect(formatReport(report)).toMatch(/connect to queued +3\.0 ms +40\.0 ms +40\.0 ms +40\.0 ms +3/);
  });

  it('does not count a game the server stopped as completed: its players are errors by their E_GAME_ code', () => {
    const stopped = { reasonName: 'SERVER_SHUTDOWN', arenaReason: undefined, standings: [] };
    const error = { code: 'E_GAME_SERVER_SHUTDOWN', message: 'the game ended before its end' };
    const outcomes: BotOutcome[] = [
      { ...base, name: 'lt-1', result: stopped, error, stats, end: 'gameOver' },
      { ...base, name: 'lt-2', result: stopped, error, stats, end: 'gameOver' },
    ];
    const report = buildReport({ clients: 2, rate: 10, perGame: 2, mode: 'duel', durationMs: 1 }, outcomes, new Set());
    expect(report).toMatchObject({ gamesCompleted: 0, playersCompleted: 0, errors: { E_GAME_SERVER_SHUTDOWN: 2 } });
  });
});
