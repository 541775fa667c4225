import { WireErrorCode } from '@proj/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, cleanup, startHarness } from './helpers/harness.js';
import { MemoryQueueBackend, MemoryQueueStore } from './helpers/memory-queue.js';
import type { TestClient } from './helpers/test-client.js';

// The SharedQueueFlow of two real orchestrators (real TCP clients, real fixture children) sharing one in-memory
// queue store: what each host tells its players and its children. Redis itself is tested in @proj/matchmaker-redis
// and, with real servers, in apps/server/test/shared-queue.test.ts.

afterEach(cleanup);

const READY_DELAY_MS = 1_500;

async function twoHosts(
  store: MemoryQueueStore,
  gameOptions: Record<string, unknown> = {},
): Promise<[Harness, Harness]> {
  const modes = { duel: { playersPerGame: 2, gameOptions } };
  const a = await startHarness({ modes, queueBackend: new MemoryQueueBackend(store, 'a') });
  const b = await startHarness({ modes, queueBackend: new MemoryQueueBackend(store, 'b') });
  return [a, b];
}

function matchFounds(client: TestClient): { readonly gameId: string }[] {
  return client.received.filter((m): m is Extract<typeof m, { type: 'matchFound' }> => m.type === 'matchFound');
}

describe('SharedQueueFlow', () => {
  it('matches players of two hosts together: one host runs the game, the other passes its match-found on', async () => {
    const store = new MemoryQueueStore({ duel: 2 });
    const [a, b] = await twoHosts(store);
    const ann = await a.queued('ann', 'duel');
    expect(ann.lastPosition()).toBe(1);
    const bob = await b.queued('bob', 'duel');
    expect(bob.lastPosition()).toBe(2); // counts ann, on the other host
    const [annFound, bobFound] = await Promise.all([ann.next('matchFound'), bob.next('matchFound')]);
    expect(annFound.gameId).toBe(bobFound.gameId);
    expect(annFound.port).toBe(bobFound.port);
    expect(new Set([annFound.slot, bobFound.slot])).toEqual(new Set([0, 1]));
    const started = [...a.all('gameStarted'), ...b.all('gameStarted')];
    expect(started).toHaveLength(1);
    expect(started[0]!.players).toEqual(['ann', 'bob']);
    const remote = [...a.all('playerMatchedRemotely'), ...b.all('playerMatchedRemotely')];
    expect(remote).toHaveLength(1);
    expect(remote[0]!.gameId).toBe(annFound.gameId);
    expect(a.orchestrator.stats().sharedQueue).toEqual({ instanceId: 'a', available: true });
  });

  it('refuses new players with QUEUE_UNAVAILABLE while the store is down, keeps the waiting ones', async () => {
    const store = new MemoryQueueStore({ duel: 2 });
    const [a, b] = await twoHosts(store);
    const ann = await a.queued('ann', 'duel');
    store.setUp(false);
    await a.waitFor('queueAvailability', (e) => !e.available);
    expect(a.orchestrator.stats().sharedQueue?.available).toBe(false);
    const refused = await b.connect();
    refused.hello('bob', 'duel');
    const error = await refused.expectError();
    expect(error.code).toBe(WireErrorCode.QUEUE_UNAVAILABLE);
    store.setUp(true);
    await a.waitFor('queueAvailability', (e) => e.available);
    const cat = await b.queued('cat', 'duel');
    const [annFound, catFound] = await Promise.all([ann.next('matchFound'), cat.next('matchFound')]);
    expect(annFound.gameId).toBe(catFound.gameId);
  });

  it('drops the game of a claim it lost (its child killed) and matches its players again, once each', async () => {
    const store = new MemoryQueueStore({ duel: 2 });
    const [a] = await twoHosts(store);
    store.loseConfirms = 1;
    const ann = await a.queued('ann', 'duel');
    const bob = await a.queued('bob', 'duel');
    const failed = await a.waitFor('gameLaunchFailed');
    expect(failed.reason).toBe('claimLost');
    await Promise.all([ann.next('matchFound'), bob.next('matchFound')]);
    expect(matchFounds(ann)).toHaveLength(1);
    expect(matchFounds(bob)).toHaveLength(1);
    expect(matchFounds(ann)[0]!.gameId).not.toBe(failed.gameId);
    await a.waitFor('gameEnded', (e) => e.gameId === failed.gameId); // the dropped game's child is gone
  });

  it('a player who leaves while the game starts sends the rest back to the front of the queue', async () => {
    const store = new MemoryQueueStore({ duel: 2 });
    const [a, b] = await twoHosts(store, { fake: { readyDelayMs: READY_DELAY_MS } });
    const ann = await a.queued('ann', 'duel');
    const bob = await b.queued('bob', 'duel');
    await Promise.race([a.waitFor('gameStarting'), b.waitFor('gameStarting')]);
    ann.destroy();
    // Whichever host claimed: the group is cancelled (ann's host) or its confirm finds ann gone (bob's host).
    await Promise.race([a.waitFor('gameLaunchFailed'), b.waitFor('gameLaunchFailed')]);
    const cat = await a.queued('cat', 'duel');
    const [bobFound, catFound] = await Promise.all([bob.next('matchFound'), cat.next('matchFound')]);
    expect(bobFound.gameId).toBe(catFound.gameId);
    expect(matchFounds(bob)).toHaveLength(1);
    expect(store.waiting('duel')).toEqual([]);
  });
});
