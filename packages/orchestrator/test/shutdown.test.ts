import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WireErrorCode } from '@proj/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAlive } from '@proj/test-utils';
import { cleanup, startHarness } from './helpers/harness.js';
import { TestClient } from './helpers/test-client.js';

const processes: ChildProcess[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) p.kill('SIGKILL');
  await cleanup();
});

describe('graceful shutdown', () => {
  it('stops accepting, tells queued players SHUTTING_DOWN, drains running games, then stops the children', async () => {
    const h = await startHarness({
      modes: { solo: { playersPerGame: 1 }, duel: { playersPerGame: 2 } },
      portCount: 3,
      shutdownGraceMs: 500,
    });
    h.spawner.script.push({ lingerMs: 100 }, {}, { ignoreShutdown: true });
    const games = [];
    for (const name of ['short', 'long', 'stubborn']) {
      const c = await h.queued(name, 'solo');
      games.push(await c.next('matchFound'));
    }
    const started = await h.waitForCount('gameStarted', 3);
    const waiting = await h.queued('waiting', 'duel');
    const fresh = await h.connect();

    const closed = h.orchestrator.close({ drainMs: 400 });
    expect((await waiting.expectError()).code).toBe(WireErrorCode.SHUTTING_DOWN);
    expect((await fresh.expectError()).code).toBe(WireErrorCode.SHUTTING_DOWN);
    await expect(TestClient.connect(h.port)).rejects.toThrow();
    await closed;

    const ended = new Map(h.all('gameEnded').map((e) => [e.gameId, e.reason]));
    expect(ended.get(started[0]!.gameId)).toBe('GAME_OVER');
    expect(ended.get(started[1]!.gameId)).toBe('SHUTDOWN');
    expect(ended.get(started[2]!.gameId)).toBe('SIGNAL_SIGKILL');
    for (const s of started) expect(isAlive(s.pid)).toBe(false);
    expect(h.all('shutdown').map((e) => e.phase)).toEqual(['draining', 'stopping', 'closed']);
    expect(h.all('playerLeft')).toContainEqual(expect.objectContaining({ name: 'waiting', reason: 'shutdown' }));
    expect(h.orchestrator.stats()).toMatchObject({
      connectedClients: 0,
      processes: 0,
      queued: 0,
      closing: true,
      ports: { inUse: 0 },
    });
    expect(h.portProblems()).toEqual([]);
    // close() is idempotent; listen() after it fails.
    await h.orchestrator.close();
    await expect(h.orchestrator.listen()).rejects.toMatchObject({ code: 'E_CLOSED' });
  });

  it('a child that lingers as long as it is told (to resend its game-over) exits by itself before the SIGKILL', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 3, shutdownGraceMs: 1_500 });
    h.spawner.script.push({ useFullGrace: true }, { useFullGrace: true }, { useFullGrace: true });
    for (const name of ['a', 'b', 'c']) await (await h.queued(name)).next('matchFound');
    await h.waitForCount('gameStarted', 3);
    await h.orchestrator.close({ drainMs: 0 });
    const ended = h.all('gameEnded');
    expect(ended).toHaveLength(3);
    // Told 250 ms less than the 1.5 s before SIGKILL: each ended on its own, with the shutdown exit code.
    for (const e of ended) expect(e).toMatchObject({ reason: 'SHUTDOWN', exitCode: 16, signal: null });
    const shutdowns = h.spawner.sent.filter((m) => m.type === 'shutdown');
    expect(shutdowns).toHaveLength(3);
    for (const m of shutdowns) expect(m).toEqual({ type: 'shutdown', reason: 'orchestratorStopping', graceMs: 1_250 });
  });

  it('cancels launches still starting and stops warm children', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } }, portCount: 3, warmPoolSize: 1 });
    await h.waitFor('warmChildReady');
    h.spawner.script.push({ readyDelayMs: 60_000 });
    const a = await h.queued('a');
    await h.waitFor('gameStarting');
    await h.orchestrator.close({ drainMs: 5_000 });
    expect((await a.expectError()).code).toBe(WireErrorCode.SHUTTING_DOWN);
    expect(await h.waitFor('gameLaunchFailed')).toMatchObject({ reason: 'cancelled', requeued: 0 });
    expect(h.orchestrator.stats().processes).toBe(0);
    for (const e of h.all('childSpawned')) expect(isAlive(e.pid)).toBe(false);
    expect(h.portProblems()).toEqual([]);
  });

  it('drains quickly when no game runs', async () => {
    const h = await startHarness();
    await h.orchestrator.close({ drainMs: 60_000 });
    expect(h.all('shutdown').map((e) => e.phase)).toEqual(['draining', 'stopping', 'closed']);
  });

  it.each(['fork', 'forkServer'])(
    'after SIGKILL of the orchestrator, its children notice the IPC disconnect and exit (%s)',
    async (via) => {
      const script = fileURLToPath(new URL('./fixtures/orchestrator-process.ts', import.meta.url));
      // Node itself (not the tsx CLI, which would run the script in a grandchild) so that SIGKILL hits the
      // orchestrator.
      const root = fileURLToPath(new URL('../../../', import.meta.url));
      const proc = spawn(process.execPath, ['--import', 'tsx', '--conditions=@proj/source', script], {
        cwd: root,
        env: { ...process.env, FIXTURE_VIA: via },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      processes.push(proc);
      const lines = createInterface({ input: proc.stdout });
      const messages: Record<string, unknown>[] = [];
      let wake: (() => void) | undefined;
      lines.on('line', (line) => {
        messages.push(JSON.parse(line) as Record<string, unknown>);
        wake?.();
      });
      const waitMessage = async (event: string): Promise<Record<string, unknown>> => {
        for (;;) {
          const found = messages.find((m) => m['event'] === event);
          if (found !== undefined) return found;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      };
      const { port } = (await waitMessage('listening')) as { port: number };
      const client = await TestClient.connect(port);
      client.hello('a');
      await client.next('matchFound');
      const { pid } = (await waitMessage('gameStarted')) as { pid: number };
      expect(isAlive(pid)).toBe(true);
      proc.kill('SIGKILL');
      await vi.waitFor(() => expect(isAlive(pid)).toBe(false), { timeout: 15_000, interval: 50 });
      client.destroy();
    },
  );
});
