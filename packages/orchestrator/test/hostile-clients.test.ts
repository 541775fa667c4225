import { PROTOCOL_VERSION, WireErrorCode, encodeFrame } from '@proj/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, startHarness } from './helpers/harness.js';
import { TestClient } from './helpers/test-client.js';

afterEach(cleanup);

function frame(version: number, type: number, payload: number[]): Uint8Array {
  const length = 2 + payload.length;
  return Uint8Array.from([
    length >>> 24,
    (length >>> 16) & 0xff,
    (length >>> 8) & 0xff,
    length & 0xff,
    version,
    type,
    ...payload,
  ]);
}

describe('hostile clients', () => {
  it('closes a silent connection at the hello deadline, and a slow one that trickles its hello', async () => {
    const h = await startHarness({ helloTimeoutMs: 500 });
    const silent = await h.connect();
    const slow = await h.connect();
    // Pings are answered before hello, but do not buy a connection more time to say it.
    const pinger = await h.connect();
    pinger.send({ type: 'ping', nonce: 0 });
    expect(await pinger.next('pong')).toEqual({ type: 'pong', nonce: 0 });
    const hello = encodeFrame({ type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'sloooooooooooooow' });
    let i = 0;
    const trickle = setInterval(() => {
      if (i < hello.length && !slow.isClosed) slow.sendRaw(hello.subarray(i, ++i));
      if (!pinger.isClosed) pinger.send({ type: 'ping', nonce: i });
    }, 100);
    try {
      expect((await silent.expectError()).code).toBe(WireErrorCode.HELLO_TIMEOUT);
      expect((await slow.expectError()).code).toBe(WireErrorCode.HELLO_TIMEOUT);
      expect((await pinger.expectError()).code).toBe(WireErrorCode.HELLO_TIMEOUT);
    } finally {
      clearInterval(trickle);
    }
    expect(h.all('frameRejected').map((e) => e.reason)).toEqual(['HELLO_TIMEOUT', 'HELLO_TIMEOUT', 'HELLO_TIMEOUT']);
    await vi.waitFor(() => expect(h.orchestrator.stats()).toMatchObject({ connectedClients: 0, queued: 0 }), {
      timeout: 10_000,
    });
  });

  it('answers malformed, oversized, wrong-version and unexpected frames with an error and closes', async () => {
    const h = await startHarness({ maxFrameBytes: 256 });
    const cases: [Uint8Array, number][] = [
      [Uint8Array.from([0, 0, 0, 3, PROTOCOL_VERSION, 0x77, 1]), WireErrorCode.BAD_FRAME],
      [Uint8Array.from([0, 0x10, 0, 0, PROTOCOL_VERSION, 1]), WireErrorCode.FRAME_TOO_LARGE],
      [frame(99, 1, [3, 97, 98, 99, 0]), WireErrorCode.UNSUPPORTED_VERSION],
      [encodeFrame({ type: 'queued', position: 1 }), WireErrorCode.UNEXPECTED_MESSAGE],
      [
        encodeFrame({ type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'x', mode: 'nope' }),
        WireErrorCode.UNKNOWN_MODE,
      ],
      [frame(PROTOCOL_VERSION, 1, [2, 0x41, 0x07, 0]), WireErrorCode.BAD_NAME],
      [encodeFrame({ type: 'hello', protocolVersion: PROTOCOL_VERSION, name: '   ' }), WireErrorCode.BAD_NAME],
      [Uint8Array.from([0, 0, 0, 0]), WireErrorCode.BAD_FRAME],
    ];
    for (const [bytes, code] of cases) {
      const client = await h.connect();
      client.sendRaw(bytes);
      expect((await client.expectError()).code, `frame ${Buffer.from(bytes).toString('hex')}`).toBe(code);
    }
    expect(h.all('frameRejected')).toHaveLength(cases.length);
    const lost = await h.connect();
    lost.hello('x', 'ctf');
    expect((await lost.expectError()).message).toBe("unknown mode 'ctf': the mode is default");
    await vi.waitFor(() =>
      expect(h.orchestrator.stats()).toMatchObject({
        connectedClients: 0,
        queued: 0,
        processes: 0,
        ports: { inUse: 0 },
      }),
    );
  });

  it('refuses names with format or separator characters with BAD_NAME and the reason; takes non-Latin names and emoji', async () => {
    const h = await startHarness({ modes: { crowd: { playersPerGame: 8 } } });
    for (const [name, what] of [
      ['\u202Enimda', 'a format character U+202E'],
      ['ad\u200Ba', 'a format character U+200B'],
      ['ada\u2028', 'a line separator U+2028'],
    ]) {
      const client = await h.connect();
      // Written by hand: the encoder refuses such names before they reach the wire.
      const bytes = Buffer.from(name!, 'utf8');
      client.sendRaw(frame(PROTOCOL_VERSION, 1, [bytes.length, ...bytes, 0]));
      expect(await client.expectError()).toEqual({
        type: 'error',
        code: WireErrorCode.BAD_NAME,
        message: `player name refused: hello.name holds ${what}`,
      });
    }
    expect(h.all('frameRejected').map((e) => e.reason)).toEqual(['BAD_NAME', 'BAD_NAME', 'BAD_NAME']);
    for (const name of ['Zoë', '名前', 'محمد', 'می‌خواهم', '😀', '👩‍💻']) {
      const client = await h.queued(name);
      expect(client.isClosed).toBe(false);
    }
    expect(h.all('playerQueued').map((e) => e.name)).toEqual(['Zoë', '名前', 'محمد', 'می‌خواهم', '😀', '👩‍💻']);
  });

  it('refuses a second hello, and takes a queued player that sends garbage out of the queue', async () => {
    const h = await startHarness({ modes: { duel: { playersPerGame: 2 } } });
    const a = await h.queued('a');
    a.hello('a');
    expect((await a.expectError()).code).toBe(WireErrorCode.ALREADY_QUEUED);
    const b = await h.queued('b');
    b.sendRaw(Uint8Array.from([0xff, 0xff, 0xff, 0xff]));
    expect((await b.expectError()).code).toBe(WireErrorCode.FRAME_TOO_LARGE);
    expect(h.all('playerLeft').map((e) => e.reason)).toEqual(['protocolError', 'protocolError']);
    expect(h.orchestrator.stats().queued).toBe(0);
  });

  it('answers pings, before and after hello; cancel leaves the queue', async () => {
    const h = await startHarness();
    const a = await h.connect();
    a.send({ type: 'ping', nonce: 7 });
    expect(await a.next('pong')).toEqual({ type: 'pong', nonce: 7 });
    a.hello('a');
    await a.next('queued');
    a.send({ type: 'ping', nonce: 8 });
    expect((await a.next('pong')).nonce).toBe(8);
    a.send({ type: 'cancel' });
    await a.closed;
    expect(await h.waitFor('playerLeft')).toMatchObject({ name: 'a', reason: 'cancelled' });
    expect(h.orchestrator.stats().queued).toBe(0);
  });

  it('drops a queued client that floods pings but never reads the pongs (slow reader), and frees its queue entry', async () => {
    // Rate limits off: this is about a client that does not read, not about one that sends too fast.
    const h = await startHarness({
      modes: { trio: { playersPerGame: 3 } },
      maxWriteBufferBytes: 1_024,
      messagesPerSecond: 0,
      pingsPerSecond: 0,
    });
    const reader = await h.queued('reader');
    const flooder = await h.queued('flooder');
    expect(h.orchestrator.stats().queued).toBe(2);
    // Stop reading: the pongs fill the kernel buffers, then the orchestrator's write buffer.
    flooder.socket.pause();
    const batch = Buffer.concat(Array.from({ length: 4_096 }, (_, i) => encodeFrame({ type: 'ping', nonce: i })));
    let sent = 0;
    const dropped = h.waitFor('playerLeft', (e) => e.name === 'flooder');
    let gone = false;
    void dropped.then(() => (gone = true));
    // Write a batch whenever the socket drains, until the orchestrator gives up on the client (bounded: 64 MB).
    while (!gone && !flooder.socket.destroyed && sent < 64 << 20) {
      sent += batch.length;
      if (!flooder.socket.write(batch)) {
        await Promise.race([new Promise((resolve) => flooder.socket.once('drain', resolve)), dropped, flooder.closed]);
      }
    }
    expect(await dropped).toMatchObject({ name: 'flooder', reason: 'slowReader' });
    expect(h.orchestrator.stats().queued).toBe(1);
    // The other player is untouched and matched with the next arrivals.
    expect(reader.isClosed).toBe(false);
    const next = [await h.queued('n1'), await h.queued('n2')];
    const found = await Promise.all([reader, ...next].map((c) => c.next('matchFound')));
    expect(found.map((m) => m.slot)).toEqual([0, 1, 2]);
  });

  it('closes a queued client that stops pinging, when an idle timeout is set', async () => {
    // Pings every 50 ms: above the default ping rate, which is not what this test is about.
    const h = await startHarness({
      modes: { trio: { playersPerGame: 3 } },
      queuedIdleTimeoutMs: 300,
      pingsPerSecond: 100,
    });
    const pinger = await h.queued('pinger');
    const quiet = await h.queued('quiet');
    const timer = setInterval(() => pinger.send({ type: 'ping', nonce: 1 }), 50);
    try {
      expect((await quiet.expectError()).code).toBe(WireErrorCode.IDLE_TIMEOUT);
    } finally {
      clearInterval(timer);
    }
    expect(pinger.isClosed).toBe(false);
    expect(await h.waitFor('playerLeft')).toMatchObject({ name: 'quiet', reason: 'idleTimeout' });
  });

  it('refuses connections over the total and per-address limits with an error frame', async () => {
    const h = await startHarness({ maxConnections: 3, maxConnectionsPerIp: 2 });
    const a = await h.connect();
    await h.connect();
    const third = await h.connect();
    expect((await third.expectError()).code).toBe(WireErrorCode.TOO_MANY_FROM_IP);
    expect(h.all('clientRejected')).toEqual([
      { remoteAddress: '127.0.0.1', code: WireErrorCode.TOO_MANY_FROM_IP, reason: 'TOO_MANY_FROM_IP' },
    ]);
    a.destroy();
    await vi.waitFor(() => expect(h.orchestrator.stats().connectedClients).toBe(1), { timeout: 10_000 });
    await h.connect();
    expect(h.orchestrator.stats().connectedClients).toBeLessThanOrEqual(2);
  });

  it('refuses connections when full', async () => {
    const h = await startHarness({ maxConnections: 2 });
    await h.connect();
    await h.connect();
    const extra = await TestClient.connect(h.port);
    try {
      expect((await extra.expectError()).code).toBe(WireErrorCode.SERVER_FULL);
    } finally {
      extra.destroy();
    }
    expect(h.orchestrator.stats().connectedClients).toBe(2);
  });

  it('survives a flood of garbage from many connections without leaking a queue entry or a port', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, maxConnectionsPerIp: 1_000 });
    const clients = await Promise.all(Array.from({ length: 50 }, () => h.connect()));
    clients.forEach((c, i) => {
      if (i % 3 === 0) c.sendRaw(Uint8Array.from({ length: 64 }, (_, j) => (i * 31 + j * 7) & 0xff));
      else if (i % 3 === 1) {
        c.hello(`p${i}`);
        c.destroy();
      } else c.destroy();
    });
    await Promise.all(clients.map((c) => c.closed));
    // Whatever got as far as a launch was cancelled: no queue entry, no port, no process is left.
    await vi.waitFor(
      () =>
        expect(h.orchestrator.stats()).toMatchObject({
          connectedClients: 0,
          queued: 0,
          matched: 0,
          processes: 0,
          ports: { inUse: 0 },
        }),
      { timeout: 15_000 },
    );
  });
});
