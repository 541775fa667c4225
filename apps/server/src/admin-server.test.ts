import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AdminHandlers,
  type AdminServer,
  type AdminServerOptions,
  type GameInfo,
  startAdminServer,
} from './admin-server.js';
import { ServerError } from './errors.js';
import { type MonitorAssets, loadMonitorAssets } from './monitor-assets.js';
import type { MonitorSnapshot } from './monitor-snapshot.js';

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

/** A built page in a temporary directory, as `pnpm build` writes it. */
function builtAssets(): MonitorAssets {
  const dir = mkdtempSync(join(tmpdir(), 'monitor-assets-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>monitor</title>');
  writeFileSync(join(dir, 'monitor.js'), 'export {};');
  writeFileSync(join(dir, 'monitor.css'), 'body{}');
  return loadMonitorAssets(dir);
}

async function start(
  h: AdminHandlers = handlers(),
  options: Partial<Omit<AdminServerOptions, 'handlers'>> = {},
): Promise<AdminServer> {
  const server = await startAdminServer({ host: '127.0.0.1', port: 0, handlers: h, assets: builtAssets(), ...options });
  open.push(server);
  return server;
}

const snapshot = { version: 1, at: 1 } as unknown as MonitorSnapshot;

/** POSTs `body` (a string, sent as is) to `/games/<id>/end` with the given headers. */
function postEnd(
  server: AdminServer,
  id: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Response> {
  return fetch(`${server.url}/games/${id}/end`, { method: 'POST', headers, body });
}

/** A raw request, for headers fetch() will not send as asked (Host). */
function rawGet(server: AdminServer, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.address.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
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
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'E_NOT_FOUND' }, endpoints: expect.any(Array) });
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
    const server = await startAdminServer({
      host: '127.0.0.1',
      port: 0,
      handlers: handlers({ monitor: () => Promise.resolve(snapshot) }),
    });
    await fetch(`${server.url}/healthz`, { headers: { connection: 'keep-alive' } });
    const stream = await fetch(`${server.url}/monitor/events`);
    expect(stream.status).toBe(200);
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

describe('admin HTTP server: the monitor page', () => {
  it('serves the page and its files with a strict content security policy', async () => {
    const server = await start();
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('<title>monitor</title>');
    const script = await fetch(`${server.url}/monitor/monitor.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${server.url}/monitor/monitor.css`)).headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${server.url}/monitor/other.js`)).status).toBe(404);
  });

  it('answers 503 with the reason when the page was not built', async () => {
    const server = await start(handlers(), { assets: loadMonitorAssets(join(tmpdir(), 'no-such-monitor-dir')) });
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('run pnpm build');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('/monitor/state answers one snapshot, /monitor/events streams them', async () => {
    let n = 0;
    const server = await start(
      handlers({ monitor: () => Promise.resolve({ ...snapshot, at: ++n } as MonitorSnapshot) }),
      { monitorIntervalMs: 50 },
    );
    expect(await (await fetch(`${server.url}/monitor/state`)).json()).toMatchObject({ version: 1 });
    const controller = new AbortController();
    const res = await fetch(`${server.url}/monitor/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    let text = '';
    while ((text.match(/event: snapshot/g) ?? []).length < 3)
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const ats = [...text.matchAll(/^data: (.*)$/gm)].map((m) => (JSON.parse(m[1]!) as MonitorSnapshot).at);
    expect(ats.length).toBeGreaterThanOrEqual(3);
    expect(ats).toEqual([...ats].sort((a, b) => a - b)); // fresh snapshots, in order
    expect(new Set(ats).size).toBe(ats.length);
  });

  it('without a monitor handler, its endpoints answer 404', async () => {
    const server = await start();
    expect((await fetch(`${server.url}/monitor/state`)).status).toBe(404);
    expect((await fetch(`${server.url}/monitor/events`)).status).toBe(404);
  });

  it('bounds the event-stream subscribers', async () => {
    const server = await startAdminServer({
      host: '127.0.0.1',
      port: 0,
      handlers: handlers({ monitor: () => Promise.resolve(snapshot) }),
      assets: builtAssets(),
    });
    open.push(server);
    const controller = new AbortController();
    const streams = await Promise.all(
      Array.from({ length: 32 }, () => fetch(`${server.url}/monitor/events`, { signal: controller.signal })),
    );
    expect(streams.every((r) => r.status === 200)).toBe(true);
    const refused = await fetch(`${server.url}/monitor/events`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: 'E_TOO_MANY_SUBSCRIBERS' } });
    controller.abort();
  });
});

describe('admin HTTP server: ending a game', () => {
  function ending(): { calls: [string, string][]; h: AdminHandlers } {
    const calls: [string, string][] = [];
    const h = handlers({
      endGame: (gameId, reason) => {
        calls.push([gameId, reason]);
        return gameId === 'g1'
          ? { ok: true, gameId }
          : { ok: false, status: 404, code: 'E_GAME_NOT_FOUND', message: `no game ${gameId}` };
      },
    });
    return { calls, h };
  }

  it('POST /games/<id>/end with a JSON reason: 202, and the handler gets the id and the reason', async () => {
    const { calls, h } = ending();
    const server = await start(h);
    const res = await postEnd(server, 'g1', JSON.stringify({ reason: '  cheater reported  ' }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ gameId: 'g1', status: 'ending' });
    const missing = await postEnd(server, 'g%2F2', JSON.stringify({ reason: 'x' }));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'E_GAME_NOT_FOUND', message: 'no game g/2' } });
    expect(calls).toEqual([
      ['g1', 'cheater reported'],
      ['g/2', 'x'],
    ]);
  });

  it('refuses bad bodies with a typed 4xx and never calls the handler', async () => {
    const { calls, h } = ending();
    const server = await start(h);
    const cases: [string, number, string][] = [
      ['not json', 400, 'E_BAD_BODY'],
      ['[]', 400, 'E_BAD_REQUEST'],
      ['{}', 400, 'E_BAD_REQUEST'],
      ['{"reason": ""}', 400, 'E_BAD_REQUEST'],
      ['{"reason": 7}', 400, 'E_BAD_REQUEST'],
      [JSON.stringify({ reason: 'x'.repeat(201) }), 400, 'E_BAD_REQUEST'],
      [JSON.stringify({ reason: 'bell\u0007' }), 400, 'E_BAD_REQUEST'],
      [JSON.stringify({ reason: 'x'.repeat(5_000) }), 413, 'E_BODY_TOO_LARGE'],
    ];
    for (const [body, status, code] of cases) {
      const res = await postEnd(server, 'g1', body);
      expect([body.slice(0, 20), res.status]).toEqual([body.slice(0, 20), status]);
      expect(await res.json()).toMatchObject({ error: { code } });
    }
    const bad = await postEnd(server, '%E0%A4%A', '{"reason":"x"}');
    expect(bad.status).toBe(400);
    const form = await postEnd(server, 'g1', 'reason=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const get = await fetch(`${server.url}/games/g1/end`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(calls).toEqual([]);
  });

  it('refuses a POST from a page of another origin', async () => {
    const { calls, h } = ending();
    const server = await start(h);
    const res = await postEnd(server, 'g1', '{"reason":"x"}', {
      'content-type': 'application/json',
      origin: 'http://evil.example',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'E_CROSS_ORIGIN' } });
    const same = await postEnd(server, 'g1', '{"reason":"x"}', {
      'content-type': 'application/json',
      origin: server.url,
    });
    expect(same.status).toBe(202);
    expect(calls).toEqual([['g1', 'x']]);
  });
});

describe('admin HTTP server: the token', () => {
  const token = 'admin-token-for-tests-0123';

  it('with a token, every endpoint needs it (Bearer, or Basic with it as the password)', async () => {
    const ended: string[] = [];
    const server = await start(
      handlers({
        monitor: () => Promise.resolve(snapshot),
        endGame: (gameId) => {
          ended.push(gameId);
          return { ok: true, gameId };
        },
      }),
      { token },
    );
    for (const path of ['/', '/healthz', '/readyz', '/metrics', '/games', '/monitor/state', '/monitor/events']) {
      const refused = await fetch(`${server.url}${path}`);
      expect([path, refused.status]).toEqual([path, 401]);
      expect(refused.headers.get('www-authenticate')).toContain('Basic realm="proj-server admin"');
      expect(await refused.json()).toMatchObject({ error: { code: 'E_UNAUTHORIZED' } });
      const wrong = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}x` } });
      expect([path, wrong.status]).toEqual([path, 401]);
    }
    const bearer = { authorization: `Bearer ${token}` };
    for (const path of ['/', '/healthz', '/metrics', '/games', '/monitor/state']) {
      expect([path, (await fetch(`${server.url}${path}`, { headers: bearer })).status]).toEqual([path, 200]);
    }
    const basic = { authorization: `Basic ${Buffer.from(`ops:${token}`).toString('base64')}` };
    expect((await fetch(`${server.url}/`, { headers: basic })).status).toBe(200);
    expect((await postEnd(server, 'g1', '{"reason":"x"}', { 'content-type': 'application/json' })).status).toBe(401);
    const ok = await postEnd(server, 'g1', '{"reason":"x"}', { 'content-type': 'application/json', ...basic });
    expect(ok.status).toBe(202);
    expect(ended).toEqual(['g1']);
  });

  it('without a token, a loopback listener refuses requests addressed to another host name', async () => {
    const server = await start();
    expect(await rawGet(server, '/games', { host: `127.0.0.1:${server.address.port}` })).toBe(200);
    expect(await rawGet(server, '/games', { host: `localhost:${server.address.port}` })).toBe(200);
    expect(await rawGet(server, '/games', { host: `rebound.example:${server.address.port}` })).toBe(403);
  });

  it('with a token, the host name does not matter', async () => {
    const server = await start(handlers(), { token });
    const headers = { host: `monitor.internal:${server.address.port}`, authorization: `Bearer ${token}` };
    expect(await rawGet(server, '/games', headers)).toBe(200);
  });
});
