import { WireErrorCode, encodeFrame } from '@proj/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, startHarness } from './helpers/harness.js';
import { TestClient } from './helpers/test-client.js';

afterEach(cleanup);

/** `count` ping frames in one buffer, written at once (they arrive in one or a few chunks). */
function pings(count: number): Buffer {
  return Buffer.concat(Array.from({ length: count }, (_, i) => encodeFrame({ type: 'ping', nonce: i })));
}

const pongs = (c: TestClient): number => c.received.filter((m) => m.type === 'pong').length;

describe('message rate limits', () => {
  it('answers a ping flood before hello with at most the before-hello burst of pongs, then RATE_LIMITED and a close', async () => {
    const h = await startHarness({ beforeHelloBurst: 5, pingBurst: 50, rateLimitPenaltyMs: 0 });
    const flooder = await h.connect();
    flooder.sendRaw(pings(5_000));
    const error = await flooder.expectError();
    expect(error.code).toBe(WireErrorCode.RATE_LIMITED);
    expect(error.message).toBe('messages too fast: frames before hello over 1/s (burst 5)');
    expect(pongs(flooder)).toBeLessThanOrEqual(5);
    expect(h.all('frameRejected')).toEqual([
      {
        clientId: expect.any(Number),
        remoteAddress: '127.0.0.1',
        code: WireErrorCode.RATE_LIMITED,
        reason: 'RATE_LIMITED',
      },
    ]);
  });

  it('takes a queued player that floods pings out of the queue after its ping burst', async () => {
    const h = await startHarness({ modes: { trio: { playersPerGame: 3 } }, pingBurst: 4, rateLimitPenaltyMs: 0 });
    const stays = await h.queued('stays');
    const flooder = await h.queued('flooder');
    flooder.sendRaw(pings(2_000));
    const error = await flooder.expectError();
    expect(error.code).toBe(WireErrorCode.RATE_LIMITED);
    expect(error.message).toBe('messages too fast: pings over 2/s (burst 4)');
    expect(pongs(flooder)).toBeLessThanOrEqual(4);
    expect(await h.waitFor('playerLeft')).toMatchObject({ name: 'flooder', reason: 'protocolError' });
    expect(h.orchestrator.stats().queued).toBe(1);
    expect(stays.isClosed).toBe(false);
  });

  it('limits every frame, not only pings', async () => {
    const h = await startHarness({ messageBurst: 6, pingsPerSecond: 0, rateLimitPenaltyMs: 0 });
    const flooder = await h.queued('flooder'); // the hello spent one
    flooder.sendRaw(Buffer.concat([pings(3), Buffer.from(encodeFrame({ type: 'pong', nonce: 1 })), pings(100)]));
    expect((await flooder.expectError()).message).toBe('messages too fast: frames over 10/s (burst 6)');
    expect(pongs(flooder)).toBe(4); // hello + 3 pings + 1 pong + 1 ping = 6 frames
  });

  it('refuses new connections from a rate-limited address for the penalty, then takes them again', async () => {
    const h = await startHarness({ beforeHelloBurst: 2, rateLimitPenaltyMs: 400 });
    const flooder = await h.connect();
    flooder.sendRaw(pings(100));
    expect((await flooder.expectError()).code).toBe(WireErrorCode.RATE_LIMITED);
    const again = await TestClient.connect(h.port);
    try {
      expect((await again.expectError()).code).toBe(WireErrorCode.RATE_LIMITED);
    } finally {
      again.destroy();
    }
    expect(h.all('clientRejected')).toContainEqual({
      remoteAddress: '127.0.0.1',
      code: WireErrorCode.RATE_LIMITED,
      reason: 'RATE_LIMITED',
    });
    // Once the penalty is over, the address is welcome again.
    await vi.waitFor(
      async () => {
        const c = await h.connect();
        c.send({ type: 'ping', nonce: 9 });
        expect(await c.next('pong', 1_000)).toEqual({ type: 'pong', nonce: 9 });
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('lets a client that pings within its rate go on, and limits nothing when the limits are off', async () => {
    const h = await startHarness({ messagesPerSecond: 0, pingsPerSecond: 0, beforeHelloPerSecond: 0 });
    const client = await h.queued('fast');
    client.sendRaw(pings(5_000));
    await vi.waitFor(() => expect(pongs(client)).toBe(5_000), { timeout: 20_000 });
    expect(client.isClosed).toBe(false);
    expect(h.all('frameRejected')).toEqual([]);
  });
});
