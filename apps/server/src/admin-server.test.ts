import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdminHandlers, type AdminServer, type GameInfo, startAdminServer } from './admin-server.js';
import { ServerError } from './errors.js';

const games: GameInfo[] = [
  {
    id: 'g1',
    mode: 'arena',
    port: 7701,
    players: ['ann', 'bob'],
    pid: 4242,
    state: 'running',
    launchedAt: new Date(0).toISOString(),
    ageMs: 1500,
    lastHeardMs: 300,
    late: false,
  },
];

function handlers(overrides: Partial<AdminHandlers> = {}): AdminHandlers {
  return {
    metrics: () =>
      Promise.resolve({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'proj_games_running 1\n' }),
    readiness: () => ({ ready: true, status: 'listening' }),
    games: () => games,
    ...overrides,
  };
}

const open: AdminServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(h: AdminHandlers = handlers()): Promise<AdminServer> {
  const server = await startAdminServer({ host: '127.0.0.1', port: 0, handlers: h });
  open.push(server);
  return server;
}

describe('admin HTTP server', () => {
  it('serves /healthz, /readyz, /metrics and /games', async () => {
    const server = await start();
    expect(server.address.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.address.port}`);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'listening', ready: true });

    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toBe('proj_games_running 1\n');

    const list = await fetch(`${server.url}/games?x=1`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toContain('application/json');
    expect(await list.json()).toEqual({ count: 1, games });
  });

  it('/readyz answers 503 when not ready', async () => {
    const server = await start(handlers({ readiness: () => ({ ready: false, status: 'draining' }) }));
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'draining', ready: false });
  });

  it('404 for unknown paths, 405 for other methods, HEAD without a body', async () => {
    const server = await start();
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    const post = await fetch(`${server.url}/games`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('a failing handler gives a 500, and the server keeps serving', async () => {
    const server = await start(
      handlers({
        metrics: () => Promise.reject(new Error('boom')),
        games: () => {
          throw new Error('boom');
        },
      }),
    );
    expect((await fetch(`${server.url}/metrics`)).status).toBe(500);
    expect((await fetch(`${server.url}/games`)).status).toBe(500);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('close() is idempotent and closes kept-alive connections', async () => {
    const server = await startAdminServer({ host: '127.0.0.1', port: 0, handlers: handlers() });
    await fetch(`${server.url}/healthz`, { headers: { connection: 'keep-alive' } });
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('rejects with E_START_FAILED naming the flags when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const error = await startAdminServer({ host: '127.0.0.1', port, handlers: handlers() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerError);
      expect((error as ServerError).code).toBe('E_START_FAILED');
      expect((error as Error).message).toContain('--admin-port');
      expect((error as Error).message).toContain('EADDRINUSE');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
