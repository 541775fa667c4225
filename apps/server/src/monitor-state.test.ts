import { describe, expect, it } from 'vitest';
import type { GameInfo } from './admin-info.js';
import { MONITOR_MAX_GAMES } from './monitor-snapshot.js';
import { type MonitorGameSource, type MonitorSources, type QueueHostReport, MonitorState } from './monitor-state.js';

function game(i: number): GameInfo {
  return {
    id: `g${i}`,
    mode: 'duel',
    port: 7000 + i,
    players: ['ann', 'bob'],
    pid: 100 + i,
    state: 'running',
    launchedAt: new Date(0).toISOString(),
    ageMs: 1000,
    late: false,
  };
}

function sources(overrides: Partial<MonitorSources> = {}): MonitorSources {
  return {
    readiness: () => ({ ready: true, status: 'listening' }),
    players: () => '127.0.0.1:7700',
    maxGames: () => 4,
    clients: () => 3,
    sharedQueue: () => undefined,
    queues: () => [{ mode: 'duel', playersPerGame: 2, waiting: 1, oldestWaitMs: 1200 }],
    ports: () => [
      { port: 7001, state: 'in-use', gameId: 'g1' },
      { port: 7002, state: 'free' },
      { port: 7003, state: 'quarantined' },
      { port: 7004, state: 'free' },
    ],
    games: () => [{ info: game(1), playersConnected: [true, false], ending: true }],
    warmPool: () => ({ target: 2, idle: 1, booting: 1 }),
    admission: () => ({ open: true, reason: 'open', startsInFlight: 0, worstTickLateMs: 0 }),
    history: () => ({ intervalMs: 2000, samples: [] }),
    hosts: () => Promise.resolve(undefined),
    endGames: { allowed: true },
    ...overrides,
  };
}

describe('MonitorState', () => {
  it('builds one snapshot: server, queues, port counts and cells, games with their seats', async () => {
    const snapshot = await new MonitorState(sources({ now: () => 5_000 })).snapshot();
    expect(snapshot).toMatchObject({
      version: 1,
      at: 5_000,
      server: {
        status: 'listening',
        ready: true,
        players: '127.0.0.1:7700',
        maxGames: 4,
        clients: 3,
        canEndGames: true,
      },
      queues: [{ mode: 'duel', waiting: 1, oldestWaitMs: 1200 }],
      ports: { total: 4, free: 2, inUse: 1, quarantined: 1 },
      gamesTotal: 1,
      warmPool: { target: 2, idle: 1, booting: 1 },
    });
    expect(snapshot.ports.cells).toHaveLength(4);
    expect(snapshot.games[0]).toMatchObject({
      id: 'g1',
      ending: true,
      players: [
        { name: 'ann', connected: true },
        { name: 'bob', connected: false },
      ],
    });
    expect(snapshot.hosts).toBeUndefined();
  });

  it('seats whose connection is not known yet carry no `connected`; a refusal to end games says why', async () => {
    const snapshot = await new MonitorState(
      sources({
        games: () => [{ info: game(1), playersConnected: undefined, ending: false }],
        endGames: { allowed: false, reason: 'set --admin-token' },
      }),
    ).snapshot();
    expect(snapshot.games[0]!.players).toEqual([{ name: 'ann' }, { name: 'bob' }]);
    expect(snapshot.server).toMatchObject({ canEndGames: false, endGamesDisabledReason: 'set --admin-token' });
  });

  it(`lists at most the ${MONITOR_MAX_GAMES} oldest games, and counts them all`, async () => {
    const many: MonitorGameSource[] = Array.from({ length: MONITOR_MAX_GAMES + 20 }, (_, i) => ({
      info: game(i),
      playersConnected: undefined,
      ending: false,
    }));
    const snapshot = await new MonitorState(sources({ games: () => many })).snapshot();
    expect(snapshot.gamesTotal).toBe(MONITOR_MAX_GAMES + 20);
    expect(snapshot.games).toHaveLength(MONITOR_MAX_GAMES);
    expect(snapshot.games[0]!.id).toBe('g0');
  });

  it("reads the shared queue's hosts at most once a second, marks itself, keeps the last list while the store is down", async () => {
    let now = 0;
    let reads = 0;
    let down = false;
    const hosts: QueueHostReport[] = [
      { instanceId: 'a', lastHeartbeatAgoMs: 100, tickets: 2, claims: 0 },
      { instanceId: 'b', lastHeartbeatAgoMs: 300, tickets: 0, claims: 1 },
    ];
    const state = new MonitorState(
      sources({
        now: () => now,
        sharedQueue: () => ({ instanceId: 'b', available: !down }),
        hosts: () => {
          reads++;
          return down ? Promise.reject(new Error('store down')) : Promise.resolve(hosts);
        },
      }),
    );
    const first = await state.snapshot();
    expect(first.hosts).toEqual([
      { ...hosts[0], self: false },
      { ...hosts[1], self: true },
    ]);
    expect(first.server.sharedQueue).toEqual({ instanceId: 'b', available: true });
    now = 500;
    await Promise.all([state.snapshot(), state.snapshot()]);
    expect(reads).toBe(1);
    now = 1_600;
    down = true;
    const later = await state.snapshot();
    expect(reads).toBe(2);
    expect(later.hosts).toEqual(first.hosts);
    expect(later.server.sharedQueue).toEqual({ instanceId: 'b', available: false });
  });
});
