import { createSocket } from 'node:dgram';
import type { GameAssignment } from '@proj/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildExit, type ChildProcessHandle, ForkSpawner, OrchestratorError } from '../src/index.js';
import { FAKE_CHILD_ENTRY } from './helpers/fixture-spawner.js';
import { freeUdpPortRange, isAlive } from '@proj/test-utils';

const handles: ChildProcessHandle[] = [];
afterEach(() => {
  for (const h of handles.splice(0)) h.kill('SIGKILL');
});

interface Spawned {
  handle: ChildProcessHandle;
  messages: unknown[];
  /** Resolves with the first message (received already or later) of `type`. */
  message(type: string): Promise<unknown>;
  exit: Promise<ChildExit>;
}

function spawn(env: Record<string, string> = {}): Spawned {
  const handle = new ForkSpawner({ entry: FAKE_CHILD_ENTRY, env: { ...process.env, ...env } }).spawn();
  handles.push(handle);
  const messages: unknown[] = [];
  const waiters: (() => void)[] = [];
  handle.onMessage((m) => {
    messages.push(m);
    for (const waiter of waiters.splice(0)) waiter();
  });
  const message = (type: string): Promise<unknown> =>
    new Promise((resolve) => {
      const check = (): void => {
        const found = messages.find((m) => (m as { type?: unknown }).type === type);
        if (found !== undefined) resolve(found);
        else waiters.push(check);
      };
      check();
    });
  let exits = 0;
  const exit = new Promise<ChildExit>((resolve) =>
    handle.onExit((e) => {
      exits++;
      expect(exits).toBe(1);
      resolve(e);
    }),
  );
  return { handle, messages, message, exit };
}

async function assignment(options: Record<string, unknown> = {}): Promise<GameAssignment> {
  const { first } = await freeUdpPortRange(1);
  return {
    gameId: 'g',
    mode: 'm',
    bindHost: '127.0.0.1',
    port: first,
    players: [{ slot: 0, name: 'a' }],
    secretBase64: Buffer.alloc(32, 9).toString('base64'),
    tokenExpiresAt: Date.now() + 10_000,
    options,
  };
}

describe('ForkSpawner', () => {
  it('validates its options', () => {
    expect(() => new ForkSpawner({ entry: '' })).toThrow(OrchestratorError);
    expect(() => new ForkSpawner({ entry: 'x', execArgv: 'no' as unknown as string[] })).toThrow(OrchestratorError);
    expect(() => new ForkSpawner({ entry: 'x', stdio: 'pipe' as 'inherit' })).toThrow(OrchestratorError);
  });

  it('says idle when started ahead', async () => {
    const { messages, message } = spawn();
    await message('idle');
    expect(messages[0]).toEqual({ type: 'idle', warmUp: true });
  });

  it('forks a child that speaks IPC: start, ready, shutdown; exit reported once', async () => {
    const { handle, message, exit } = spawn();
    expect(handle.pid).toBeGreaterThan(0);
    const game = await assignment();
    expect(handle.send({ type: 'start', ipcVersion: 1, game })).toBe(true);
    expect(await message('ready')).toEqual({ type: 'ready', gameId: 'g', port: game.port });
    handle.send({ type: 'shutdown', reason: 'orchestratorStopping', graceMs: 100 });
    expect(await exit).toEqual({ code: 16, signal: null });
    expect(handle.send({ type: 'shutdown', reason: 'orchestratorStopping', graceMs: 100 })).toBe(false);
    expect(handle.kill('SIGKILL')).toBe(false);
    expect(isAlive(handle.pid)).toBe(false);
  });

  it('delivers a message sent just before the exit (bindFailed) before reporting the exit', async () => {
    const game = await assignment();
    const holder = createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(game.port, '127.0.0.1', resolve));
    try {
      const { handle, messages, exit } = spawn();
      handle.send({ type: 'start', ipcVersion: 1, game });
      const e = await exit;
      expect(e.code).toBe(13);
      expect(messages).toContainEqual(
        expect.objectContaining({ type: 'bindFailed', gameId: 'g', port: game.port, errorCode: 'EADDRINUSE' }),
      );
    } finally {
      holder.close();
    }
  });

  it('reports a signal exit', async () => {
    const { handle, exit } = spawn();
    expect(handle.kill('SIGKILL')).toBe(true);
    expect(await exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('reports an entry that does not load as an exit with code 1', async () => {
    const handle = new ForkSpawner({ entry: '/nonexistent/entry.mjs', stdio: 'ignore' }).spawn();
    handles.push(handle);
    const e = await new Promise<ChildExit>((resolve) => handle.onExit(resolve));
    expect(e.code).toBe(1);
  });
});
