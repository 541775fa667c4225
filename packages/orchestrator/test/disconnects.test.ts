import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAlive } from '@proj/test-utils';
import { cleanup, startHarness } from './helpers/harness.js';

afterEach(cleanup);

describe('players who leave', () => {
  it('a queued player who disconnects is removed at once and the others move up', async () => {
    const h = await startHarness({ modes: { trio: { playersPerGame: 3 } } });
    const a = await h.queued('a');
    const b = await h.queued('b');
    expect(b.lastPosition()).toBe(2);
    a.destroy();
    expect(await h.waitFor('playerLeft')).toMatchObject({ name: 'a', mode: 'trio', reason: 'disconnected' });
    expect(h.orchestrator.stats().queued).toBe(1);
    await b.waitForPosition(1);
    const c = await h.queued('c');
    expect(c.lastPosition()).toBe(2);
  });

  it('a player who disconnects between match and match-found is replaced by the next queued one: same child, same slot', async () => {
    const h = await startHarness({ modes: { trio: { playersPerGame: 3 } }, portCount: 2 });
    // The child takes its time to bind, so the departure lands between match and ready.
    h.spawner.script.push({ readyDelayMs: 1_000 });
    const a = await h.queued('a');
    const b = await h.queued('b');
    const c = await h.queued('c');
    const starting = await h.waitFor('gameStarting');
    const d = await h.queued('d');
    expect(d.lastPosition()).toBe(1);
    const e = await h.queued('e');
    expect(e.lastPosition()).toBe(2);
    b.destroy();
    const left = await h.waitFor('playerLeft');
    expect(left).toMatchObject({ name: 'b', reason: 'disconnected' });
    expect(await h.waitFor('seatBackfilled')).toMatchObject({
      gameId: starting.gameId,
      mode: 'trio',
      slot: 1,
      leftClientId: left.clientId,
      name: 'd',
    });
    // The player behind d moved up.
    await e.waitForPosition(1);
    // The child learns the new name of the seat.
    expect(h.spawner.sent).toContainEqual({ type: 'seat', slot: 1, name: 'd' });
    const [ma, md, mc] = await Promise.all([a.next('matchFound'), d.next('matchFound'), c.next('matchFound')]);
    expect([ma.slot, md.slot, mc.slot]).toEqual([0, 1, 2]);
    expect(new Set([ma.gameId, md.gameId, mc.gameId])).toEqual(new Set([starting.gameId]));
    const started = await h.waitFor('gameStarted');
    expect(started).toMatchObject({ gameId: starting.gameId, players: ['a', 'd', 'c'], pid: starting.pid });
    // The started child was used: one launch, no failure, no second process for this group.
    expect(h.all('gameLaunchFailed')).toEqual([]);
    expect(h.all('gameStarting')).toHaveLength(1);
    expect(h.orchestrator.games().find((g) => g.gameId === starting.gameId)?.players).toEqual(['a', 'd', 'c']);
    expect(h.portProblems([starting.gameId])).toEqual([]);
  });

  it('with nobody queued, the seat stays open while the child starts, and a player who queues meanwhile takes it', async () => {
    const h = await startHarness({ modes: { trio: { playersPerGame: 3 } }, portCount: 2 });
    h.spawner.script.push({ readyDelayMs: 1_500 });
    const a = await h.queued('a');
    const b = await h.queued('b');
    const c = await h.queued('c');
    const starting = await h.waitFor('gameStarting');
    a.destroy();
    await h.waitFor('playerLeft');
    expect(h.all('gameLaunchFailed')).toEqual([]);
    const e = await h.connect();
    e.hello('e');
    expect(await h.waitFor('seatBackfilled')).toMatchObject({ gameId: starting.gameId, slot: 0, name: 'e' });
    const [me, mb, mc] = await Promise.all([e.next('matchFound'), b.next('matchFound'), c.next('matchFound')]);
    expect([me.slot, mb.slot, mc.slot]).toEqual([0, 1, 2]);
    expect(new Set([me.gameId, mb.gameId, mc.gameId])).toEqual(new Set([starting.gameId]));
    expect(e.received.filter((m) => m.type === 'queued').length).toBeLessThanOrEqual(1);
  });

  it('a seat still empty when the child is ready cancels the match; the others go back to the front', async () => {
    const h = await startHarness({ modes: { trio: { playersPerGame: 3 } }, portCount: 2 });
    // The child takes its time to bind, so the departure lands between match and ready.
    h.spawner.script.push({ readyDelayMs: 1_000 });
    const a = await h.queued('a');
    const b = await h.queued('b');
    const c = await h.queued('c');
    const starting = await h.waitFor('gameStarting');
    b.destroy();
    const failed = await h.waitFor('gameLaunchFailed');
    expect(failed).toMatchObject({ gameId: starting.gameId, reason: 'cancelled', requeued: 2 });
    expect(await h.waitFor('playerLeft')).toMatchObject({ name: 'b', reason: 'disconnected' });
    // a and c are back at the front, in their old order, and are told their fresh positions.
    await c.waitForPosition(2);
    await vi.waitFor(() => expect(a.received.filter((m) => m.type === 'queued')).toHaveLength(2));
    expect(a.lastPosition()).toBe(1);
    expect(a.received.some((m) => m.type === 'matchFound')).toBe(false);
    // The cancelled game's child is killed and its port comes back through its exit.
    const exited = await h.waitFor('childExited', (e) => e.pid === starting.pid);
    expect(exited.signal).toBe('SIGKILL');
    expect(isAlive(starting.pid)).toBe(false);
    await h.waitFor('portReleased', (e) => e.gameId === starting.gameId);
    // The next arrival completes the group: a, c, d in that order.
    const d = await h.queued('d');
    expect(d.lastPosition()).toBe(3);
    const [ma, mc, md] = await Promise.all([a.next('matchFound'), c.next('matchFound'), d.next('matchFound')]);
    expect([ma.slot, mc.slot, md.slot]).toEqual([0, 1, 2]);
    expect(new Set([ma.gameId, mc.gameId, md.gameId]).size).toBe(1);
    expect(ma.gameId).not.toBe(starting.gameId);
    // Nobody got a match-found for the cancelled game.
    expect(h.all('gameStarted').map((g) => g.gameId)).not.toContain(starting.gameId);
    expect(h.portProblems([ma.gameId])).toEqual([]);
  });

  it('when every player of a starting game leaves, the launch is cancelled at once', async () => {
    const h = await startHarness({ modes: { duel: { playersPerGame: 2 } }, portCount: 2 });
    h.spawner.script.push({ readyDelayMs: 60_000 });
    const a = await h.queued('a');
    const b = await h.queued('b');
    const starting = await h.waitFor('gameStarting');
    a.destroy();
    b.destroy();
    expect(await h.waitFor('gameLaunchFailed')).toMatchObject({
      gameId: starting.gameId,
      reason: 'cancelled',
      requeued: 0,
    });
    await h.waitFor('portReleased', (e) => e.gameId === starting.gameId);
  });

  it('closed connections leave no trace in the table', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } } });
    const a = await h.queued('a');
    await a.next('matchFound');
    await a.closed;
    await vi.waitFor(() =>
      expect(h.orchestrator.stats()).toMatchObject({ connectedClients: 0, queued: 0, matched: 0 }),
    );
  });
});
