import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, startHarness } from './helpers/harness.js';
import type { TestClient } from './helpers/test-client.js';

afterEach(cleanup);

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** A tick health report of a 30 Hz game whose p99 lateness is `lateP99Ms`. */
const health = (lateP99Ms: number) => ({
  tickRateHz: 30,
  intervalMs: 1_000,
  ticks: 30,
  lateP50Ms: Math.min(1, lateP99Ms),
  lateP99Ms,
  lateMaxMs: lateP99Ms,
  skippedTicks: 0,
  cpuMs: 25,
});

/** Sends one UDP datagram to a fake child's game port and waits for its answer. */
async function poke(port: number): Promise<void> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('message', () => resolve());
      socket.once('error', reject);
      socket.send('poke', port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

describe('admission by capacity', () => {
  it('with running games ticking late, new players wait queued with positions; once the games keep up, they are served in FIFO order', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 6 });
    // The first game reports 100 ms late ticks at 30 Hz (3 tick periods) twice right after ready (the first report,
    // its start-up second, is set aside; the second holds launches), then, when the test pokes its port, a healthy
    // interval.
    h.spawner.script.push({
      stats: [
        { dropped: {}, health: health(100) },
        { dropped: {}, health: health(100) },
      ],
      statsOnDatagram: [{ dropped: {}, health: health(5) }],
    });
    const first = await h.queued('first');
    const match = await first.next('matchFound');
    const late = (await h.waitForCount('childTickStats', 2))[1];
    expect(late).toMatchObject({ gameId: match.gameId, lateP99Ms: 100, tickRateHz: 30 });
    expect(h.orchestrator.stats().admission).toMatchObject({ open: false, reason: 'tickLate', worstTickLateMs: 100 });
    expect(h.orchestrator.games()).toEqual([
      expect.objectContaining({ gameId: match.gameId, tickRateHz: 30, tickLateP99Ms: 100, cpuPercent: 2.5 }),
    ]);

    const waiting: TestClient[] = [];
    for (const name of ['p1', 'p2', 'p3']) waiting.push(await h.queued(name, 'solo'));
    await turns(5);
    // Queued with their positions, none launched although ports are free.
    expect(waiting.map((c) => c.lastPosition())).toEqual([1, 2, 3]);
    expect(h.all('gameStarting')).toHaveLength(1);
    expect(h.orchestrator.stats()).toMatchObject({ queued: 3, gamesStarting: 0, gamesRunning: 1, ports: { free: 5 } });

    // The running game keeps up again: matching resumes at once, in arrival order, with no error.
    await poke(match.port);
    const found = await Promise.all(waiting.map((c) => c.next('matchFound')));
    expect(new Set(found.map((m) => m.gameId)).size).toBe(3);
    expect(h.all('gameStarting').map((e) => e.players)).toEqual([['first'], ['p1'], ['p2'], ['p3']]);
    expect(h.all('gameLaunchFailed')).toEqual([]);
    for (const c of [first, ...waiting]) expect(c.received.filter((m) => m.type === 'error')).toEqual([]);
    expect(h.orchestrator.stats().admission).toMatchObject({ open: true, reason: 'open', worstTickLateMs: 5 });
  });

  it('maxConcurrentStarts bounds the games starting at once; the others wait queued and start in FIFO order', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 6, maxConcurrentStarts: 2 });
    for (let i = 0; i < 5; i++) h.spawner.script.push({ readyDelayMs: 500 });
    const clients: TestClient[] = [];
    for (let i = 0; i < 5; i++) clients.push(await h.queued(`p${i}`));
    await Promise.all(clients.map((c) => c.next('matchFound')));
    // Replay the launches: never more than two starting at once.
    let starting = 0;
    let most = 0;
    for (const e of h.events) {
      if (e.name === 'gameStarting') most = Math.max(most, ++starting);
      else if (e.name === 'gameStarted' || e.name === 'gameLaunchFailed') starting--;
    }
    expect(most).toBe(2);
    const started = h.all('gameStarting');
    expect(started.map((e) => e.players[0])).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(h.all('gameLaunchFailed')).toEqual([]);
    expect(h.orchestrator.stats().admission).toMatchObject({ startsInFlight: 0, open: true });
  });
});
