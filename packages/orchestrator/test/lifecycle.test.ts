import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OrchestratorError, createOrchestrator } from '../src/index.js';
import { FixtureSpawner } from './helpers/fixture-spawner.js';
import { cleanup, startHarness } from './helpers/harness.js';
import { freeUdpPortRange } from '@proj/test-utils';

afterEach(cleanup);

describe('listen and close', () => {
  it('refuses bad options at construction', () => {
    expect(() => createOrchestrator({ spawner: new FixtureSpawner(), ports: { first: 9, last: 1 } })).toThrow(
      OrchestratorError,
    );
  });

  it('reports a taken TCP port as E_LISTEN_FAILED, and a second listen() as E_ALREADY_LISTENING', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const orchestrator = createOrchestrator({
      spawner: new FixtureSpawner(),
      ports: await freeUdpPortRange(1),
      port: taken,
    });
    try {
      await expect(orchestrator.listen()).rejects.toMatchObject({
        code: 'E_LISTEN_FAILED',
        cause: expect.objectContaining({ code: 'EADDRINUSE' }),
      });
    } finally {
      blocker.close();
      await orchestrator.close({ drainMs: 0 });
    }
    const h = await startHarness();
    await expect(h.orchestrator.listen()).rejects.toMatchObject({ code: 'E_ALREADY_LISTENING' });
    expect(h.orchestrator.address).toEqual({ host: '127.0.0.1', port: h.port });
  });

  it('can be closed without ever listening', async () => {
    const orchestrator = createOrchestrator({ spawner: new FixtureSpawner(), ports: await freeUdpPortRange(1) });
    await orchestrator.close();
    expect(orchestrator.stats().closing).toBe(true);
  });

  it('keeps working when an event listener throws', async () => {
    const h = await startHarness({ modes: { solo: { playersPerGame: 1 } } });
    h.orchestrator.on('playerQueued', () => {
      throw new Error('faulty metrics hook');
    });
    const a = await h.queued('a');
    await a.next('matchFound');
  });
});
