import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { destroyAll, freeUdpPorts, isAlive, startServer, waitUntil } from '@proj/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';
import { GameOverReason, UdpPlayer, UdpType, WireClient } from './helpers/wire-client.js';

// A game child that freezes (SIGSTOP: it ignores SIGTERM, its socket stays bound, it says nothing) must not keep
// its port until the maximum game duration: the built server kills it once it has been silent on IPC for
// --child-silence-timeout, tells its players the game is over, frees its port and goes on matching players onto
// it. One UDP port only, so the next game can only start on the port the frozen child held.

const clients: (WireClient | UdpPlayer)[] = [];
beforeAll(() => ensureBuilt(), 240_000);
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  destroyAll();
});

interface Listed {
  readonly id: string;
  readonly port: number;
  readonly pid: number;
  readonly state: string;
  readonly lastHeardMs?: number;
  readonly late: boolean;
}

// Late shows at 2 s of silence (two heartbeat intervals): a 3 s bound leaves /games a second to show it.
const SILENCE_MS = 3_000;

describe('a frozen game child', () => {
  it('is killed within --child-silence-timeout, shown late before, counted; its port serves the next game', async () => {
    const [udpPort] = await freeUdpPorts(1);
    const server = await startServer(
      [
        '--port',
        '0',
        '--admin-port',
        '0',
        '--udp-ports',
        String(udpPort),
        '--warm-pool',
        '0',
        '--child-silence-timeout',
        '3s',
      ],
      { PROJ_MODES: 'duel:2' },
    );
    const games = async (): Promise<Listed[]> =>
      ((await (await server.get('/games')).json()) as { games: Listed[] }).games;

    const play = async (
      names: [string, string],
    ): Promise<{ gameId: string; players: UdpPlayer[]; tokens: Buffer[] }> => {
      const tcp = await Promise.all(names.map((n) => WireClient.join(server.tcpPort, n, 'duel')));
      clients.push(...tcp);
      const found = await Promise.all(tcp.map((c) => c.next('matchFound')));
      expect(found.map((f) => f.port)).toEqual([udpPort, udpPort]);
      const players = await Promise.all(found.map((f) => UdpPlayer.connect(f.port, f.token)));
      clients.push(...players);
      await waitUntil(
        () => players.every((p) => p.received.includes(UdpType.snapshot)),
        'both players to get snapshots',
      );
      return { gameId: found[0]!.gameId, players, tokens: found.map((f) => f.token) };
    };

    const first = await play(['ann', 'bob']);
    const [listed] = await games();
    expect(listed).toMatchObject({ id: first.gameId, port: udpPort, state: 'running', late: false });
    expect(listed!.lastHeardMs).toBeLessThan(SILENCE_MS);
    const pid = listed!.pid;

    process.kill(pid, 'SIGSTOP');
    const frozenAt = performance.now();
    // Watch /games until the game is gone: it must have shown `late` before.
    let sawLate = false;
    await waitUntil(
      async () => {
        const game = (await games()).find((g) => g.id === first.gameId);
        if (game?.late === true) sawLate = true;
        return game === undefined;
      },
      'the frozen game to leave /games',
      { timeoutMs: 15_000, pollMs: 100 },
    );
    const goneAfterMs = performance.now() - frozenAt;
    expect(sawLate).toBe(true);
    // Its players, still sending to the port (a real client sends an input every tick), are told at once that the
    // game is over (ABORTED) by the port itself for a little while, before it goes back to the ring.
    first.players.forEach((p, i) => p.sendConnect(first.tokens[i]!));
    await waitUntil(
      () => first.players.every((p) => p.gameOverReasons.includes(GameOverReason.ABORTED)),
      'both players told the game is over (ABORTED)',
      { timeoutMs: 1_500 },
    );
    const warned = await server.waitForLog(
      (l) => l.msg?.startsWith('game child silent too long') === true && l['gameId'] === first.gameId,
      'the unresponsive child warning',
    );
    expect(warned).toMatchObject({ port: udpPort, childPid: pid, state: 'running' });
    // Silent since its last report, at most a heartbeat (1 s) before the SIGSTOP; killed at 3 s of silence, within
    // one watchdog period (300 ms); plus slack for a loaded machine.
    expect(warned['silentMs']).toBeGreaterThan(SILENCE_MS);
    expect(goneAfterMs).toBeGreaterThan(SILENCE_MS - 1_000);
    expect(goneAfterMs).toBeLessThan(SILENCE_MS + 2_000);
    await waitUntil(() => !isAlive(pid), 'the frozen child to be gone');
    await server.waitForLog(
      (l) => l.msg === 'game ended abnormally' && l['gameId'] === first.gameId && l['reason'] === 'SIGNAL_SIGKILL',
      'the game end',
    );

    expect(await server.metric('proj_children_unresponsive_total{state="running"}')).toBe(1);
    await waitUntil(async () => (await server.metric('proj_ports_free')) === 1, 'the port back in the ring');
    // Nobody holds it any more: it can be bound (and is let go at once for the next game).
    const probe = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind(udpPort, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    // The server goes on matching, onto that port.
    const second = await play(['carl', 'dave']);
    expect(second.gameId).not.toBe(first.gameId);
    expect(await games()).toMatchObject([{ id: second.gameId, port: udpPort, state: 'running', late: false }]);
    expect(await server.metric('proj_children_unresponsive_total{state="running"}')).toBe(1);
  }, 90_000);
});
