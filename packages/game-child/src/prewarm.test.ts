import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IPC_VERSION } from '@proj/protocol';
import { freeUdpPort } from '@proj/test-utils';
import { runChildProcess, type ChildProcessHost } from './child-process.js';
import { prewarmChild } from './prewarm.js';

const udpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;

/** A fake IPC host that records what the child sends and lets the test deliver messages. */
function fakeHost() {
  const sent: { type?: string }[] = [];
  const listeners: { message: ((m: unknown) => void)[]; disconnect: (() => void)[] } = { message: [], disconnect: [] };
  const exits: number[] = [];
  let onSend: (() => void) | undefined;
  const host: ChildProcessHost = {
    connected: true,
    send: (message, callback) => {
      sent.push(message as { type?: string });
      callback?.(null);
      onSend?.();
      return true;
    },
    on: (event: 'message' | 'disconnect', listener: (m: unknown) => void) => listeners[event].push(listener as never),
    exit: (code) => exits.push(code),
  };
  const next = (type: string): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (sent.some((m) => m.type === type)) resolve();
      };
      const previous = onSend;
      onSend = () => {
        previous?.();
        check();
      };
      check();
    });
  return {
    host,
    sent,
    exits,
    next,
    deliver: (m: unknown) => listeners.message.forEach((l) => l(m)),
    disconnect: () => listeners.disconnect.forEach((l) => l()),
  };
}

describe('prewarmChild', () => {
  it('resolves and leaves no UDP socket open', async () => {
    const before = udpHandles();
    await prewarmChild();
    // A closed dgram handle is released on the next turn of the loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(udpHandles()).toBe(before);
  });
});

describe('runChildProcess warm-up', () => {
  it('without prewarm, says idle at once', () => {
    const f = fakeHost();
    runChildProcess({ host: f.host, prewarm: false });
    expect(f.sent.map((m) => m.type)).toEqual(['idle']);
    f.disconnect();
  });

  it('asks for a warmUp in its idle, ignores the warmUp and still takes its start', async () => {
    const port = await freeUdpPort();
    const f = fakeHost();
    runChildProcess({ host: f.host, prewarm: false });
    expect(f.sent).toEqual([{ type: 'idle', warmUp: true }]);
    f.deliver({ type: 'warmUp' });
    expect(f.exits).toEqual([]);
    f.deliver(startMessage('g0', port));
    await f.next('ready');
    f.deliver({ type: 'shutdown', reason: 'orchestratorStopping', graceMs: 0 });
    await f.next('gameOver');
  });

  it('with the default prewarm, says idle only once warmed up', async () => {
    const f = fakeHost();
    runChildProcess({ host: f.host });
    expect(f.sent).toEqual([]);
    await f.next('idle');
    expect(f.sent.map((m) => m.type)).toEqual(['idle']);
    f.disconnect();
    expect(f.exits).toHaveLength(1);
  });

  for (const when of ['at once (a cold child: no warm-up)', 'during the warm-up'] as const) {
    it(`a start that arrives ${when} is answered with ready, and no idle follows it`, async () => {
      const port = await freeUdpPort();
      const f = fakeHost();
      runChildProcess({ host: f.host });
      // The warm-up begins after the first turn of the event loop.
      if (when === 'during the warm-up') await new Promise((resolve) => setImmediate(resolve));
      f.deliver(startMessage('g1', port));
      await f.next('ready');
      expect(f.sent.map((m) => m.type)).not.toContain('idle');
      f.deliver({ type: 'shutdown', reason: 'orchestratorStopping', graceMs: 0 });
      await f.next('gameOver');
    });
  }
});

/** A `start` for a one-seat arena game on `port` that ends 200 ms after nobody joined. */
function startMessage(gameId: string, port: number) {
  return {
    type: 'start',
    ipcVersion: IPC_VERSION,
    game: {
      gameId,
      mode: 'arena',
      bindHost: '127.0.0.1',
      port,
      players: [{ slot: 0, name: 'a' }],
      secretBase64: randomBytes(32).toString('base64'),
      tokenExpiresAt: Date.now() + 30_000,
      options: { joinTimeoutMs: 200 },
    },
  };
}
