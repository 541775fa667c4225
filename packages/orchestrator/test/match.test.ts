import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { verifyConnectToken } from '@proj/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAlive } from '@proj/test-utils';
import { cleanup, startHarness } from './helpers/harness.js';

afterEach(cleanup);

/** Sends one datagram to the game child and resolves with its answer (the fixture echoes `<gameId>:<players>`). */
function udpAsk(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP answer'));
    }, 10_000);
    socket.on('message', (data) => {
      clearTimeout(timer);
      socket.close();
      resolve(data.toString());
    });
    socket.send('hi', port, host);
  });
}

describe('a match of K players', () => {
  it('queues K players, starts one child, sends each match-found with its slot and token, closes TCP', async () => {
    const h = await startHarness({ modes: { trio: { playersPerGame: 3 } } });
    const a = await h.queued('ann');
    const b = await h.queued('bob');
    expect(a.lastPosition()).toBe(1);
    expect(b.lastPosition()).toBe(2);
    expect(h.orchestrator.stats().queuedByMode).toEqual({ trio: 2 });
    const c = await h.connect();
    c.hello('cat', 'trio');

    const found = await Promise.all([a, b, c].map((client) => client.next('matchFound')));
    await Promise.all([a.closed, b.closed, c.closed]);

    const [started] = await h.waitForCount('gameStarted', 1);
    expect(started).toMatchObject({ mode: 'trio', players: ['ann', 'bob', 'cat'], warm: false });
    expect(started!.spawnMs).toBeGreaterThan(0);
    expect(started!.timeToMatchMs).toBeGreaterThanOrEqual(started!.spawnMs);

    const assignment = h.spawner.assignments[0]!;
    expect(assignment.players).toEqual([
      { slot: 0, name: 'ann' },
      { slot: 1, name: 'bob' },
      { slot: 2, name: 'cat' },
    ]);
    const secret = new Uint8Array(Buffer.from(assignment.secretBase64, 'base64'));
    expect(secret).toHaveLength(32);
    found.forEach((message, slot) => {
      expect(message).toMatchObject({ gameId: assignment.gameId, host: '127.0.0.1', port: assignment.port, slot });
      expect(message.tokenExpiresAt).toBe(assignment.tokenExpiresAt);
      const claims = verifyConnectToken(message.token, secret, { gameId: assignment.gameId });
      expect(claims.slot).toBe(slot);
    });
    expect(assignment.port).toBeGreaterThanOrEqual(h.ports.first);
    expect(assignment.port).toBeLessThanOrEqual(h.ports.last);

    // The port is really the child's.
    expect(await udpAsk('127.0.0.1', assignment.port)).toBe(`${assignment.gameId}:3`);

    // The secret is nowhere `ps` can see it.
    const pid = started!.pid!;
    expect(isAlive(pid)).toBe(true);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    expect(cmdline).not.toContain(assignment.secretBase64);
    expect(environ).not.toContain(assignment.secretBase64);

    await vi.waitFor(() =>
      expect(h.orchestrator.stats()).toMatchObject({ queued: 0, gamesRunning: 1, processes: 1, connectedClients: 0 }),
    );
    expect(h.orchestrator.stats().ports.inUse).toBe(1);
    expect(h.orchestrator.games()).toEqual([
      expect.objectContaining({
        gameId: assignment.gameId,
        port: assignment.port,
        players: ['ann', 'bob', 'cat'],
        state: 'running',
      }),
    ]);
  });

  it('sends position updates as the queue moves, and matches in arrival order per mode', async () => {
    const h = await startHarness({ modes: { duel: { playersPerGame: 2 }, solo: { playersPerGame: 1 } }, portCount: 4 });
    const p1 = await h.queued('p1', 'duel');
    const p2 = await h.connect();
    const p3 = await h.queued('p3', 'duel');
    expect(p3.lastPosition()).toBe(2);
    // p1 leaves: p3 moves up.
    p1.destroy();
    await p3.waitForPosition(1);
    await h.waitFor('playerLeft', (e) => e.name === 'p1' && e.reason === 'disconnected');
    const s = await h.queued('s', 'solo');
    await s.next('matchFound');
    p2.hello('p2', 'duel');
    const [m3, m2] = await Promise.all([p3.next('matchFound'), p2.next('matchFound')]);
    expect(m3.slot).toBe(0);
    expect(m2.slot).toBe(1);
    expect(m3.gameId).toBe(m2.gameId);
  });

  it('advertises the configured host', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, advertisedHost: 'play.example.com' });
    const a = await h.queued('ann');
    expect((await a.next('matchFound')).host).toBe('play.example.com');
  });

  it('keeps warm + busy processes within the cap while games keep starting and ending', async () => {
    const cap = 2;
    const h = await startHarness({
      modes: { solo: { playersPerGame: 1, gameOptions: { fake: { lingerMs: 30 } } } },
      portCount: cap,
      warmPoolSize: cap,
    });
    // At each spawn, count the processes of this orchestrator the OS still has (zombies included).
    const aliveAtSpawn: number[] = [];
    h.orchestrator.on('childSpawned', () =>
      aliveAtSpawn.push(h.spawner.handles.filter((handle) => isAlive(handle.pid)).length),
    );
    const players = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const clients = await Promise.all(players.map((name) => h.queued(name)));
    await Promise.all(clients.map((c) => c.next('matchFound')));
    await h.waitForCount('gameEnded', players.length);

    // Live processes by the events (an exit is reported after the OS reaped the process): never above the cap.
    let live = 0;
    let maxLive = 0;
    for (const e of h.events) {
      if (e.name === 'childSpawned') maxLive = Math.max(maxLive, ++live);
      else if (e.name === 'childExited') live--;
    }
    expect(maxLive).toBeLessThanOrEqual(cap);
    expect(Math.max(...aliveAtSpawn)).toBeLessThanOrEqual(cap);
    // Every player played exactly once; warm children took games; every port is back.
    const started = h.all('gameStarted');
    expect(started.flatMap((g) => g.players).toSorted()).toEqual(players.toSorted());
    expect(started.some((g) => g.warm)).toBe(true);
    expect(h.all('childSpawned').length).toBeGreaterThan(cap);
    expect(h.orchestrator.stats()).toMatchObject({ queued: 0, gamesRunning: 0, ports: { free: cap, inUse: 0 } });
    expect(h.orchestrator.stats().processes).toBeLessThanOrEqual(cap);
  });

  it('uses a warm child when the pool has one, and never exceeds the cap', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 2, warmPoolSize: 2 });
    await h.waitForCount('warmChildReady', 2);
    let live = 0;
    let maxLive = 0;
    for (const e of h.events) if (e.name === 'childSpawned') maxLive = Math.max(maxLive, ++live);
    h.orchestrator.on('childSpawned', () => (maxLive = Math.max(maxLive, ++live)));
    h.orchestrator.on('childExited', () => live--);
    const a = await h.queued('a');
    const m = await a.next('matchFound');
    const started = await h.waitFor('gameStarted');
    expect(started.warm).toBe(true);
    expect(h.spawner.assignments[0]!.port).toBe(m.port);
    const b = await h.queued('b');
    await b.next('matchFound');
    expect((await h.waitForCount('gameStarted', 2))[1]!.warm).toBe(true);
    // Two games on two ports: no room for a warm child.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.orchestrator.stats()).toMatchObject({ gamesRunning: 2, processes: 2, warmIdle: 0, warmBooting: 0 });
    expect(maxLive).toBeLessThanOrEqual(2);
  });
});
