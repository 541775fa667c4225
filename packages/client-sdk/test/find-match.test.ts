import { WireErrorCode } from '@proj/protocol';
import { freeTcpPort } from '@proj/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientError, findMatch, type QueueStatus } from '../src/index.js';
import { FakeOrchestrator } from './helpers/fake-orchestrator.js';

const token = Uint8Array.from({ length: 60 }, (_, i) => i);
let fake: FakeOrchestrator | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<ClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientError);
  return error as ClientError;
}

describe('findMatch against a fake orchestrator', () => {
  it('says hello, reports queue positions, resolves on match-found with the reached host and closes TCP', async () => {
    fake = await FakeOrchestrator.start((c) => {
      void c.waitFor('hello').then(() => {
        c.send({ type: 'queued', position: 3, mode: 'arena' });
        c.send({ type: 'queued', position: 1, mode: 'arena' });
        c.sendAndClose({
          type: 'matchFound',
          gameId: 'g-1',
          host: '',
          port: 40001,
          slot: 2,
          token,
          tokenExpiresAt: 1234,
        });
      });
    });
    const positions: QueueStatus[] = [];
    const match = await findMatch({
      host: 'localhost',
      port: fake.port,
      name: 'ada',
      mode: 'arena',
      onQueued: (q) => positions.push(q),
    });
    expect(positions).toEqual([
      { position: 3, mode: 'arena' },
      { position: 1, mode: 'arena' },
    ]);
    expect(match).toMatchObject({
      gameId: 'g-1',
      host: '127.0.0.1',
      port: 40001,
      slot: 2,
      tokenExpiresAt: 1234,
      name: 'ada',
      mode: 'arena',
    });
    expect(Array.from(match.token)).toEqual(Array.from(token));
    expect(match.timeToMatchMs).toBeGreaterThanOrEqual(0);
    const c = await fake.connection();
    expect(c.received[0]).toEqual({ type: 'hello', protocolVersion: 1, name: 'ada', mode: 'arena' });
    await c.waitClosed();
  });

  it('keeps a non-empty match host as given', async () => {
    fake = await FakeOrchestrator.start((c) => {
      void c.waitFor('hello').then(() =>
        c.sendAndClose({
          type: 'matchFound',
          gameId: 'g',
          host: 'games.example.com',
          port: 7701,
          slot: 0,
          token,
          tokenExpiresAt: 1,
        }),
      );
    });
    const match = await findMatch({ host: '127.0.0.1', port: fake.port, name: 'ada' });
    expect(match.host).toBe('games.example.com');
    expect(match.mode).toBeUndefined();
  });

  it('maps a SERVER_FULL error frame (sent at accept, before hello) to E_SERVER_FULL with the wire code', async () => {
    fake = await FakeOrchestrator.start((c) =>
      c.sendAndClose({ type: 'error', code: WireErrorCode.SERVER_FULL, message: 'full' }),
    );
    const error = await rejection(findMatch({ host: '127.0.0.1', port: fake.port, name: 'ada' }));
    expect(error.code).toBe('E_SERVER_FULL');
    expect(error.wireCode).toBe(7);
    expect(error.wireName).toBe('SERVER_FULL');
    expect(error.message).toContain('full');
  });

  it('maps SHUTTING_DOWN while queued to E_SHUTTING_DOWN, other codes to E_REFUSED', async () => {
    fake = await FakeOrchestrator.start((c) => {
      void c.waitFor('hello').then((hello) => {
        if (hello.name === 'bob')
          return c.sendAndClose({ type: 'error', code: WireErrorCode.BAD_NAME, message: 'reserved' });
        c.send({ type: 'queued', position: 1 });
        setTimeout(() => c.sendAndClose({ type: 'error', code: WireErrorCode.SHUTTING_DOWN, message: '' }), 20);
      });
    });
    const down = await rejection(findMatch({ host: '127.0.0.1', port: fake.port, name: 'ada' }));
    expect(down.code).toBe('E_SHUTTING_DOWN');
    expect(down.wireName).toBe('SHUTTING_DOWN');
    const refused = await rejection(findMatch({ host: '127.0.0.1', port: fake.port, name: 'bob' }));
    expect(refused.code).toBe('E_REFUSED');
    expect(refused.wireCode).toBe(WireErrorCode.BAD_NAME);
    expect(refused.wireName).toBe('BAD_NAME');
    const unknown = await rejection(
      (async () => {
        const f = await FakeOrchestrator.start((c) => c.sendAndClose({ type: 'error', code: 999, message: '' }));
        try {
          return await findMatch({ host: '127.0.0.1', port: f.port, name: 'ada' });
        } finally {
          await f.close();
        }
      })(),
    );
    expect(unknown.code).toBe('E_REFUSED');
    expect(unknown.wireName).toBe('WIRE_999');
  });

  it('cancels while queued: sends cancel, closes the connection, rejects with E_ABORTED', async () => {
    fake = await FakeOrchestrator.start(
      (c) => void c.waitFor('hello').then(() => c.send({ type: 'queued', position: 1 })),
    );
    const controller = new AbortController();
    const promise = findMatch({
      host: '127.0.0.1',
      port: fake.port,
      name: 'ada',
      signal: controller.signal,
      onQueued: () => controller.abort('bored'),
    });
    const error = await rejection(promise);
    expect(error.code).toBe('E_ABORTED');
    expect(error.cause).toBe('bored');
    const c = await fake.connection();
    await c.waitFor('cancel');
    await c.waitClosed();
  });

  it('rejects at once with E_ABORTED for an already aborted signal, and E_INVALID_ARGUMENT before connecting', async () => {
    expect(
      (await rejection(findMatch({ host: '127.0.0.1', port: 1, name: 'ada', signal: AbortSignal.abort() }))).code,
    ).toBe('E_ABORTED');
    await expect(findMatch({ host: '127.0.0.1', port: 1, name: 'a\u0000b' })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
    // The protocol's name rule: format characters and separators are refused before connecting, with the reason.
    await expect(findMatch({ host: '127.0.0.1', port: 1, name: '\u202Enimda' })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
      message: expect.stringContaining('hello.name holds a format character U+202E') as unknown,
    });
    await expect(findMatch({ host: '127.0.0.1', port: 1, name: 'x'.repeat(33) })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
    await expect(findMatch({ host: '127.0.0.1', port: 70000, name: 'ada' })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
    await expect(findMatch({ host: '', port: 1, name: 'ada' })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });

  it('pings while queued and answers the server pings', async () => {
    fake = await FakeOrchestrator.start((c) => void c.waitFor('hello').then(() => c.send({ type: 'ping', nonce: 77 })));
    const controller = new AbortController();
    const promise = findMatch({
      host: '127.0.0.1',
      port: fake.port,
      name: 'ada',
      pingIntervalMs: 20,
      silenceTimeoutMs: 60_000,
      signal: controller.signal,
    });
    const c = await fake.connection();
    expect(await c.waitFor('pong')).toEqual({ type: 'pong', nonce: 77 });
    await c.waitFor('ping');
    controller.abort();
    await expect(promise).rejects.toMatchObject({ code: 'E_ABORTED' });
  });

  it('fails with E_CONNECTION_CLOSED when the server closes without a match, or goes silent', async () => {
    fake = await FakeOrchestrator.start((c) => void c.waitFor('hello').then(() => c.socket.end()));
    expect((await rejection(findMatch({ host: '127.0.0.1', port: fake.port, name: 'ada' }))).code).toBe(
      'E_CONNECTION_CLOSED',
    );
    await fake.close();
    // A server that reads but never answers anything, not even pings.
    fake = await FakeOrchestrator.start();
    const silent = await rejection(
      findMatch({ host: '127.0.0.1', port: fake.port, name: 'ada', pingIntervalMs: 20, silenceTimeoutMs: 100 }),
    );
    expect(silent.code).toBe('E_CONNECTION_CLOSED');
    expect(silent.message).toContain('silent');
  });

  it('fails with E_PROTOCOL on undecodable bytes', async () => {
    fake = await FakeOrchestrator.start((c) => c.socket.write(Buffer.from([0, 0, 0, 2, 1, 0x7e])));
    const error = await rejection(findMatch({ host: '127.0.0.1', port: fake.port, name: 'ada' }));
    expect(error.code).toBe('E_PROTOCOL');
  });

  it('fails with E_CONNECT_FAILED when nothing listens', async () => {
    const port = await freeTcpPort();
    const error = await rejection(findMatch({ host: '127.0.0.1', port, name: 'ada' }));
    expect(error.code).toBe('E_CONNECT_FAILED');
    expect(error.cause).toBeDefined();
  });
});
