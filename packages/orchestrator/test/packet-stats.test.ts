import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, startHarness } from './helpers/harness.js';

afterEach(() => cleanup());

describe('packet stats from children', () => {
  it('emits childPacketStats for each valid report of a running game, ignores invalid or foreign ones, and the game carries on', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 1 });
    h.spawner.script.push({
      lingerMs: 50,
      stats: [
        { dropped: { malformed: 3, tokenForged: 1 } },
        { dropped: { 'no spaces': 1 } },
        { dropped: { malformed: -1 } },
        { dropped: ['malformed'] },
        { gameId: 'someone-else', dropped: { malformed: 100 } },
        { dropped: { rateLimited: 7 } },
      ],
    });
    const a = await h.queued('a');
    const match = await a.next('matchFound');
    const ended = await h.waitFor('gameEnded');
    expect(ended).toMatchObject({ gameId: match.gameId, reason: 'GAME_OVER' });
    const started = h.all('gameStarted')[0]!;
    expect(h.all('childPacketStats')).toEqual([
      {
        gameId: match.gameId,
        mode: 'solo',
        port: match.port,
        pid: started.pid,
        dropped: { malformed: 3, tokenForged: 1 },
      },
      { gameId: match.gameId, mode: 'solo', port: match.port, pid: started.pid, dropped: { rateLimited: 7 } },
    ]);
    // Reported before the end of the game (the IPC channel is ordered).
    const names = h.events.map((e) => e.name);
    expect(names.lastIndexOf('childPacketStats')).toBeLessThan(names.indexOf('gameEnded'));
    expect(h.portProblems()).toEqual([]);
  });
});
