// The connect handshake's return-routability step against a fake child on 127.0.0.1: the child answers a valid
// request with a challenge, and accepts only once this socket echoed it.
import { waitUntil } from '@proj/test-utils';
import { describe, expect, it } from 'vitest';
import { ClientError, connect, type GameSession } from '../src/index.js';
import { closedAfterEach } from './helpers/closed-after-each.js';
import type { FakeChild } from './helpers/fake-child.js';

const { startChild, track } = closedAfterEach();

async function join(child: FakeChild, options: Parameters<typeof connect>[1] = {}): Promise<GameSession> {
  return track(await connect(child.match(0), { resendInitialMs: 50, ...options }));
}

describe('connect handshake: return-routability challenge', () => {
  it('echoes the challenge from the same socket and is accepted after it, once', async () => {
    const child = await startChild();
    const session = await join(child);
    expect(child).toMatchObject({ requests: 1, challenges: 1, responses: 1 });
    const peer = child.peers.get(0)!;
    expect(peer.received[0]!.type).toBe('challengeResponse');
    expect(peer.port).toBe(session.localPort);
    expect(session.stats().connectAttempts).toBe(1);
    await waitUntil(() => session.stats().snapshotsReceived > 2, 'snapshots after the challenge');
  });

  it('resends a lost challenge response with the backoff until accepted', async () => {
    const child = await startChild({ ignoreResponses: 2 });
    const session = await join(child);
    expect(child).toMatchObject({ requests: 1, challenges: 1, responses: 3 });
    expect(session.state).toBe('open');
  });

  it('asks for a fresh challenge after unanswered responses, and fails with a clear E_CONNECT_TIMEOUT if none passes', async () => {
    const child = await startChild();
    child.rejectResponses = true;
    const error = await connect(child.match(0), { connectTimeoutMs: 1500, resendInitialMs: 50, resendMaxMs: 100 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('E_CONNECT_TIMEOUT');
    expect((error as ClientError).message).toMatch(/sent \d+ address challenges but accepted none of \d+ responses/);
    expect(child.requests).toBeGreaterThanOrEqual(2); // a new request after 3 unanswered responses
    expect(child.responses).toBeGreaterThanOrEqual(4);
    expect(child.challenges).toBe(child.requests);
  });

  it('still connects to a child that accepts without a challenge', async () => {
    const child = await startChild({ challenge: false });
    const session = await join(child);
    expect(child).toMatchObject({ requests: 1, challenges: 0, responses: 0 });
    expect(session.state).toBe('open');
  });

  it('answers a new challenge on reconnect from the new socket', async () => {
    const child = await startChild();
    const session = await join(child);
    await session.reconnect();
    expect(child).toMatchObject({ challenges: 2, responses: 2 });
    expect(child.peers.get(0)!.port).toBe(session.localPort);
    expect(child.peers.get(0)!.received[0]!.type).toBe('challengeResponse');
  });
});
