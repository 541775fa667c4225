import { readFileSync } from 'node:fs';
import { isAlive, waitUntil } from '@proj/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildExit, type ChildProcessHandle, ForkServerSpawner, OrchestratorError } from '../src/index.js';
import { FAKE_CHILD_ENTRY } from './helpers/fixture-spawner.js';

const spawners: ForkServerSpawner[] = [];
const handles: ChildProcessHandle[] = [];
afterEach(async () => {
  for (const handle of handles.splice(0)) handle.kill('SIGKILL');
  await Promise.all(spawners.splice(0).map((spawner) => spawner.close()));
});

function forkServer(childNice?: number): ForkServerSpawner {
  const spawner = new ForkServerSpawner({
    entry: FAKE_CHILD_ENTRY,
    ...(childNice !== undefined ? { childNice } : {}),
  });
  spawners.push(spawner);
  return spawner;
}

function spawned(spawner: ForkServerSpawner): { handle: ChildProcessHandle; pid: Promise<number> } {
  const handle = spawner.spawn();
  handles.push(handle);
  return { handle, pid: new Promise((resolve) => handle.onSpawn!(resolve)) };
}

function exitOf(handle: ChildProcessHandle): Promise<ChildExit> {
  return new Promise((resolve) => handle.onExit(resolve));
}

/** Fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, ... [16] nice. */
function statOf(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

describe('ForkServerSpawner', () => {
  it('returns the handle before the process exists: the fork happens in the fork server, the parent of the child', async () => {
    const spawner = forkServer();
    const { handle, pid } = spawned(spawner);
    expect(handle.pid).toBeUndefined();
    const childPid = await pid;
    expect(handle.pid).toBe(childPid);
    expect(Number(statOf(childPid)[1])).toBe(spawner.serverPid);
    expect(spawner.serverPid).not.toBe(process.pid);
  });

  it('gives each child the nice value asked for', async () => {
    const childPid = await spawned(forkServer(7)).pid;
    expect(Number(statOf(childPid)[16])).toBe(7);
  });

  it('when the fork server dies: its children are killed and reported exited with a reason, and the next spawn works', async () => {
    const spawner = forkServer();
    const { handle, pid } = spawned(spawner);
    const childPid = await pid;
    const serverPid = spawner.serverPid!;
    const exit = exitOf(handle);
    process.kill(serverPid, 'SIGKILL');
    expect(await exit).toMatchObject({ code: null, signal: 'SIGKILL', error: new Error('the fork server exited') });
    await waitUntil(() => !isAlive(childPid), 'the orphaned child to be gone');
    const next = spawned(spawner);
    expect(await next.pid).toBeGreaterThan(0);
    expect(spawner.serverPid).not.toBe(serverPid);
  });

  it('close() ends the fork server; a child still alive is killed and reported exited; no spawn after', async () => {
    const spawner = forkServer();
    const { handle, pid } = spawned(spawner);
    const childPid = await pid;
    const serverPid = spawner.serverPid!;
    const exit = exitOf(handle);
    const closed = spawner.close();
    expect(await exit).toMatchObject({ code: null, signal: 'SIGKILL' });
    await closed;
    expect(isAlive(serverPid)).toBe(false);
    await waitUntil(() => !isAlive(childPid), 'its child to be gone');
    expect(() => spawner.spawn()).toThrow(OrchestratorError);
  });
});
