import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { GameAssignment } from '@proj/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ChildExit,
  type ChildProcessHandle,
  type ChildSpawner,
  ForkServerSpawner,
  type ForkSpawnerOptions,
  ForkSpawner,
  OrchestratorError,
} from '../src/index.js';
import { FAKE_CHILD_ENTRY } from './helpers/fixture-spawner.js';
import { freeUdpPortRange, isAlive } from '@proj/test-utils';

const handles: ChildProcessHandle[] = [];
const spawners: ChildSpawner[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) h.kill('SIGKILL');
  for (const s of spawners.splice(0)) await s.close?.();
});

/** The two spawners of the package: they keep the same promises (the fork server's pid comes a little later). */
const SPAWNERS = [
  ['ForkSpawner', (options: ForkSpawnerOptions) => new ForkSpawner(options)],
  ['ForkServerSpawner', (options: ForkSpawnerOptions) => new ForkServerSpawner(options)],
] as const;
let makeSpawner: (options: ForkSpawnerOptions) => ChildSpawner;

function spawner(options: ForkSpawnerOptions): ChildSpawner {
  const made = makeSpawner(options);
  spawners.push(made);
  return made;
}

/** The handle's pid, once the process exists. */
function pidOf(handle: ChildProcessHandle): Promise<number> {
  if (handle.pid !== undefined) return Promise.resolve(handle.pid);
  return new Promise((resolve) => handle.onSpawn!(resolve));
}

interface Spawned {
  handle: ChildProcessHandle;
  messages: unknown[];
  /** Resolves with the first message (received already or later) of `type`. */
  message(type: string): Promise<unknown>;
  exit: Promise<ChildExit>;
}

function spawn(env: Record<string, string> = {}): Spawned {
  const handle = spawner({ entry: FAKE_CHILD_ENTRY, env: { ...process.env, ...env } }).spawn();
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

describe.each(SPAWNERS)('%s', (_name, make) => {
  beforeEach(() => {
    makeSpawner = make;
  });

  it('validates its options', () => {
    expect(() => make({ entry: '' })).toThrow(OrchestratorError);
    expect(() => make({ entry: 'x', execArgv: 'no' as unknown as string[] })).toThrow(OrchestratorError);
    expect(() => make({ entry: 'x', stdio: 'pipe' as 'inherit' })).toThrow(OrchestratorError);
    expect(() => make({ entry: 'x', childNice: 20 })).toThrow(OrchestratorError);
    expect(() => make({ entry: 'x', childNice: 1.5 })).toThrow(OrchestratorError);
  });

  it('gives each child the nice value asked for', async () => {
    const handle = spawner({ entry: FAKE_CHILD_ENTRY, childNice: 6 }).spawn();
    handles.push(handle);
    const stat = readFileSync(`/proc/${await pidOf(handle)}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])).toBe(6);
  });

  it('says idle when started ahead', async () => {
    const { messages, message } = spawn();
    await message('idle');
    expect(messages[0]).toEqual({ type: 'idle', warmUp: true });
  });

  it('forks a child that speaks IPC: start, ready, shutdown; exit reported once', async () => {
    const { handle, message, exit } = spawn();
    const pid = await pidOf(handle);
    expect(pid).toBeGreaterThan(0);
    const game = await assignment();
    expect(handle.send({ type: 'start', ipcVersion: 1, game })).toBe(true);
    expect(await message('ready')).toEqual({ type: 'ready', gameId: 'g', port: game.port });
    handle.send({ type: 'shutdown', reason: 'orchestratorStopping', graceMs: 100 });
    expect(await exit).toEqual({ code: 16, signal: null });
    expect(handle.send({ type: 'shutdown', reason: 'orchestratorStopping', graceMs: 100 })).toBe(false);
    expect(handle.kill('SIGKILL')).toBe(false);
    expect(isAlive(pid)).toBe(false);
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
    const handle = spawner({ entry: '/nonexistent/entry.mjs', stdio: 'ignore' }).spawn();
    handles.push(handle);
    const e = await new Promise<ChildExit>((resolve) => handle.onExit(resolve));
    expect(e.code).toBe(1);
  });
});
