import { type Socket, createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '@proj/test-utils';
import { FixtureSpawner } from './helpers/fixture-spawner.js';
import { cleanup, startHarness } from './helpers/harness.js';

const held: Socket[] = [];
afterEach(async () => {
  for (const socket of held.splice(0)) socket.close();
  await cleanup();
});

function holdUdpPort(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => {
      held.push(socket);
      resolve();
    });
  });
}

describe('child failures', () => {
  it('a child that cannot bind: its port is quarantined, its players requeued at the front and matched on another port', async () => {
    const h = await startHarness({ modes: { duel: { playersPerGame: 2 } }, portCount: 2, quarantineMs: 60_000 });
    await holdUdpPort(h.ports.first);
    const a = await h.queued('a');
    const b = await h.queued('b');
    const [ma, mb] = await Promise.all([a.next('matchFound'), b.next('matchFound')]);
    expect(ma.port).toBe(h.ports.last);
    expect([ma.slot, mb.slot]).toEqual([0, 1]);
    expect(await h.waitFor('portQuarantined')).toMatchObject({ port: h.ports.first, errorCode: 'EADDRINUSE' });
    expect(await h.waitFor('gameLaunchFailed')).toMatchObject({
      reason: 'bindFailed',
      requeued: 2,
      errorCode: 'EADDRINUSE',
    });
    await h.waitForCount('childExited', 1);
    expect(h.orchestrator.stats().ports).toEqual({ total: 2, free: 0, inUse: 1, quarantined: 1 });
    expect(h.all('portReleased')).toHaveLength(0);
    expect(h.portProblems([h.all('gameStarted')[0]!.gameId])).toEqual([]);
  });

  it('with every port held elsewhere, players stay queued until a quarantine ends', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 1, quarantineMs: 300 });
    await holdUdpPort(h.ports.first);
    const a = await h.queued('a');
    await h.waitFor('portQuarantined');
    expect(h.orchestrator.stats()).toMatchObject({ queued: 1, ports: { quarantined: 1 } });
    held.splice(0).forEach((socket) => socket.close());
    const m = await a.next('matchFound');
    expect(m.port).toBe(h.ports.first);
  });

  it('a child not ready within the deadline is killed, its port returned, its players requeued', async () => {
    const h = await startHarness({ modes: { duel: { playersPerGame: 2 } }, portCount: 1, readyTimeoutMs: 300 });
    h.spawner.script.push({ neverReady: true });
    const a = await h.queued('a');
    const b = await h.queued('b');
    const [ma, mb] = await Promise.all([a.next('matchFound'), b.next('matchFound')]);
    expect([ma.slot, mb.slot]).toEqual([0, 1]);
    expect(ma.port).toBe(h.ports.first);
    const failed = await h.waitFor('gameLaunchFailed');
    expect(failed).toMatchObject({ reason: 'readyTimeout', requeued: 2 });
    const exited = h.all('childExited')[0]!;
    expect(exited).toMatchObject({ signal: 'SIGKILL' });
    expect(isAlive(exited.pid)).toBe(false);
    expect(h.all('portReleased')[0]).toMatchObject({ port: h.ports.first, gameId: failed.gameId });
    await h.waitFor('gameStarted');
    expect(h.portProblems(h.all('gameStarted').map((g) => g.gameId))).toEqual([]);
  });

  it('the players of a failed launch go back to the FRONT, in their old order, ahead of players who came later', async () => {
    // The deadline must be longer than a fixture child takes to boot on a loaded machine (forks of Node under a
    // load of 10 on 2 cores took over 300 ms), or the later launches time out too and take the port more often.
    const h = await startHarness({ modes: { duel: { playersPerGame: 2 } }, portCount: 1, readyTimeoutMs: 2_000 });
    h.spawner.script.push({ neverReady: true });
    const a = await h.queued('a');
    const b = await h.queued('b');
    const failing = await h.waitFor('gameStarting');
    // c and d form a full group while a and b wait for their child; the only port is taken, so they wait.
    const c = await h.queued('c');
    const d = await h.queued('d');
    expect([c.lastPosition(), d.lastPosition()]).toEqual([1, 2]);
    expect(h.orchestrator.stats()).toMatchObject({ queued: 2, matched: 2, gamesStarting: 1 });

    const failed = await h.waitFor('gameLaunchFailed');
    expect(failed).toMatchObject({ gameId: failing.gameId, reason: 'readyTimeout', requeued: 2 });
    // The port comes back with the killed child's exit, and the requeued a and b (not c and d) take it.
    const [ma, mb] = await Promise.all([a.next('matchFound'), b.next('matchFound')]);
    expect(ma.gameId).toBe(mb.gameId);
    expect(ma.gameId).not.toBe(failing.gameId);
    expect([ma.slot, mb.slot]).toEqual([0, 1]);
    const second = await h.waitFor('gameStarted', (e) => e.gameId === ma.gameId);
    expect(second.players).toEqual(['a', 'b']);
    expect(c.received.some((m) => m.type === 'matchFound')).toBe(false);
    expect(d.received.some((m) => m.type === 'matchFound')).toBe(false);
    await c.waitForPosition(1);
    await d.waitForPosition(2);

    // When that game ends, c and d follow, in their order.
    process.kill(second.pid!, 'SIGTERM');
    const [mc, md] = await Promise.all([c.next('matchFound'), d.next('matchFound')]);
    expect(mc.gameId).toBe(md.gameId);
    expect([mc.slot, md.slot]).toEqual([0, 1]);
    expect(h.all('gameStarted').map((g) => g.players)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    // One port, three launches: acquired three times, released after each exit (the third still runs).
    expect(h.all('portAcquired')).toHaveLength(3);
    expect(h.all('portReleased').map((e) => e.gameId)).toEqual([failing.gameId, second.gameId]);
    expect(h.portProblems([h.all('gameStarted')[1]!.gameId])).toEqual([]);
  });

  it('a child that crashes before ready: players requeued; after ready: the game ends CRASHED and the port returns', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 1 });
    h.spawner.script.push({ crash: 'beforeReady' }, { crash: 'afterReady', crashAfterMs: 50 });
    const a = await h.queued('a');
    await a.next('matchFound');
    expect(await h.waitFor('gameLaunchFailed')).toMatchObject({ reason: 'exited', requeued: 1 });
    const ended = await h.waitFor('gameEnded');
    expect(ended).toMatchObject({ reason: 'CRASHED', exitCode: 1 });
    expect(h.orchestrator.stats()).toMatchObject({ processes: 0, ports: { free: 1 } });
    expect(h.portProblems()).toEqual([]);
  });

  it('a spawner whose children die at boot does not lose players or spin: launches pause and resume', async () => {
    const spawner = new FixtureSpawner({ FAKE_CHILD_BOOT: 'crash' });
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 1, spawner });
    const a = await h.queued('a');
    await h.waitForCount('gameLaunchFailed', 4);
    const failures = h.all('gameLaunchFailed');
    expect(failures.every((f) => f.reason === 'exited' && f.requeued === 1)).toBe(true);
    expect(a.isClosed).toBe(false);
    expect(h.orchestrator.stats()).toMatchObject({ queued: 1 });
  });

  it('a warm pool whose children die at boot keeps retrying with backoff, within the cap', async () => {
    const spawner = new FixtureSpawner({ FAKE_CHILD_BOOT: 'crash' });
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 2, warmPoolSize: 2, spawner });
    await h.waitForCount('childExited', 4);
    expect(h.orchestrator.stats().processes).toBeLessThanOrEqual(2);
    expect(h.all('warmChildReady')).toHaveLength(0);
  });
});
