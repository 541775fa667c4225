import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { IPC_VERSION } from '@proj/protocol';
import { freeUdpPort } from '@proj/test-utils';
import { runChildProcess, type ChildProcessHost } from './child-process.js';

// The child's liveness contract over a fake IPC host: from `start` until its exit it never stays silent longer than
// its heartbeat interval; before `start` (a warm child) it sends nothing.

interface Sent {
  readonly at: number;
  readonly message: { readonly type?: string; readonly gameId?: string };
}

function fakeHost() {
  const sent: Sent[] = [];
  const listeners: { message: ((m: unknown) => void)[]; disconnect: (() => void)[] } = { message: [], disconnect: [] };
  const exits: number[] = [];
  const host: ChildProcessHost = {
    connected: true,
    send: (message, callback) => {
      sent.push({ at: performance.now(), message: message as Sent['message'] });
      callback?.(null);
      return true;
    },
    on: (event: 'message' | 'disconnect', listener: (m: unknown) => void) => listeners[event].push(listener as never),
    exit: (code) => exits.push(code),
  };
  return {
    host,
    sent,
    exits,
    types: () => sent.map((s) => s.message.type),
    deliver: (m: unknown) => listeners.message.forEach((l) => l(m)),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

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
      options: { joinTimeoutMs: 60_000 },
    },
  };
}

const stop = { type: 'shutdown', reason: 'orchestratorStopping', graceMs: 0 };

describe('runChildProcess heartbeat', () => {
  it('a warm child waiting for its start sends nothing after idle', async () => {
    const f = fakeHost();
    runChildProcess({ host: f.host, prewarm: false, heartbeatIntervalMs: 20 });
    await sleep(150);
    expect(f.types()).toEqual(['idle']);
    f.deliver(stop);
    expect(f.exits).toHaveLength(1);
  });

  it('with no periodic stats, heartbeats for its game at the interval from the start until the exit, then none', async () => {
    const f = fakeHost();
    runChildProcess({ host: f.host, prewarm: false, statsIntervalMs: 3_600_000, heartbeatIntervalMs: 40 });
    f.deliver(startMessage('g-hb', await freeUdpPort()));
    await until(() => f.types().filter((t) => t === 'heartbeat').length >= 4, 'four heartbeats');
    const beats = f.sent.filter((s) => s.message.type === 'heartbeat');
    for (const b of beats) expect(b.message).toEqual({ type: 'heartbeat', gameId: 'g-hb' });
    f.deliver(stop);
    await until(() => f.exits.length === 1, 'the exit');
    const count = f.sent.length;
    await sleep(150);
    expect(f.sent).toHaveLength(count);
    // Never silent for much longer than the interval (timers may run late on a loaded machine, not early).
    const afterStart = f.sent.slice(1);
    for (let i = 1; i < afterStart.length; i++) {
      const gap = afterStart[i]!.at - afterStart[i - 1]!.at;
      expect(gap).toBeLessThan(40 + 400);
      if (afterStart[i]!.message.type === 'heartbeat') expect(gap).toBeGreaterThanOrEqual(35);
    }
  });

  it('sends no heartbeat while the running game sends its stats at least as often', async () => {
    const f = fakeHost();
    runChildProcess({ host: f.host, prewarm: false, statsIntervalMs: 30, heartbeatIntervalMs: 30 });
    f.deliver(startMessage('g-stats', await freeUdpPort()));
    await until(() => f.types().filter((t) => t === 'stats').length >= 6, 'six stats');
    expect(f.types()).not.toContain('heartbeat');
    f.deliver(stop);
    await until(() => f.exits.length === 1, 'the exit');
  });
});
