import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdmissionInfo, GameInfo, Readiness, WarmPoolInfo } from './admin-info.js';
import { ADMIN_CHALLENGES, type AdminAccessPolicy, checkAdminAccess, isLoopbackHost } from './admin-access.js';
import { BodyError, PAGE_HEADERS, readJsonBody, send, sendError, sendJson } from './admin-http.js';
import { ServerError } from './errors.js';
import { describeListenFailure } from './listen-failure.js';
import type { PackageLogger } from './logger.js';
import { type MonitorAssets, loadMonitorAssets } from './monitor-assets.js';
import { MonitorEvents } from './monitor-events.js';
import type { MonitorSnapshot } from './monitor-snapshot.js';

export type { AdmissionInfo, GameInfo, Readiness, WarmPoolInfo } from './admin-info.js';

/** The outcome of ending a game from the admin listener. */
export type EndGameOutcome =
  | { readonly ok: true; readonly gameId: string }
  | { readonly ok: false; readonly status: 400 | 404 | 409 | 503; readonly code: string; readonly message: string };

/** What the admin endpoints serve. */
export interface AdminHandlers {
  /** Prometheus text exposition and its content type. */
  metrics(): Promise<{ readonly contentType: string; readonly body: string }>;
  readiness(): Readiness;
  games(): readonly GameInfo[];
  /** The admission control's state, served in /games as `admission` (left out when absent). */
  admission?(): AdmissionInfo;
  /** The warm pool's counts, served in /games as `warmPool` (left out when absent). */
  warmPool?(): WarmPoolInfo;
  /** The monitor page's data (`/monitor/state`, `/monitor/events`); without it those answer 404. */
  monitor?(): Promise<MonitorSnapshot>;
  /** Ends a running game (`POST /games/<id>/end`); without it that answers 404. */
  endGame?(gameId: string, reason: string): EndGameOutcome;
}

/** Options of {@link startAdminServer}. */
export interface AdminServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly handlers: AdminHandlers;
  /** `--admin-token`: when set, every request must carry it (see checkAdminAccess). */
  readonly token?: string;
  /** The monitor page's files; default: the build's (apps/server/dist/monitor). */
  readonly assets?: MonitorAssets;
  /** How often `/monitor/events` sends a snapshot, ms (default 1000). */
  readonly monitorIntervalMs?: number;
  readonly logger?: PackageLogger;
}

/** A listening admin server. */
export interface AdminServer {
  /** The address it listens on (the real port when 0 was asked). */
  readonly address: { readonly host: string; readonly port: number };
  /** Base URL, e.g. 'http://127.0.0.1:7799'. */
  readonly url: string;
  /** Stops listening and closes every connection (event streams included). Idempotent. */
  close(): Promise<void>;
}

const startedAt = Date.now();

/** The read-only endpoints (the page's own files apart), as the 404 answer lists them. */
const ENDPOINTS = ['/', '/healthz', '/readyz', '/metrics', '/games', '/monitor/state', '/monitor/events'];

/** The longest body `POST /games/<id>/end` reads. */
const MAX_BODY_BYTES = 4_096;

/** The longest end reason, and the characters it may not hold (control characters). */
const MAX_REASON_LENGTH = 200;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const END_PATH = /^\/games\/([^/]+)\/end$/;

/** The reason of an end request's body, or why the body is refused. */
export function parseEndGameBody(body: unknown): { readonly reason: string } | { readonly error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: 'the body must be a JSON object: {"reason": "..."}' };
  }
  const reason = (body as { reason?: unknown }).reason;
  if (typeof reason !== 'string' || reason.trim().length === 0)
    return { error: 'reason: a non-empty string is needed' };
  if (reason.length > MAX_REASON_LENGTH) return { error: `reason: at most ${MAX_REASON_LENGTH} characters` };
  if (CONTROL_CHARACTERS.test(reason)) return { error: 'reason: control characters are not allowed' };
  return { reason: reason.trim() };
}

interface Routing {
  readonly handlers: AdminHandlers;
  readonly access: AdminAccessPolicy;
  readonly assets: MonitorAssets;
  readonly events: MonitorEvents | undefined;
  readonly logger: PackageLogger | undefined;
}

function methodNotAllowed(res: ServerResponse, allow: string, head: boolean): void {
  sendJson(res, 405, { error: { code: 'E_METHOD_NOT_ALLOWED', message: `use ${allow.split(',')[0]!}` } }, head, {
    allow,
  });
}

async function endGame(routing: Routing, req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
  const endGameHandler = routing.handlers.endGame;
  if (endGameHandler === undefined) return sendError(res, 404, 'E_NOT_FOUND', 'this server cannot end games');
  let gameId: string;
  try {
    gameId = decodeURIComponent(rawId);
  } catch {
    return sendError(res, 400, 'E_BAD_REQUEST', 'the game id is not valid percent-encoding');
  }
  let body: unknown;
  try {
    body = await readJsonBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    res.setHeader('connection', 'close');
    return sendError(res, error.status, error.code, error.message);
  }
  const parsed = parseEndGameBody(body);
  if ('error' in parsed) return sendError(res, 400, 'E_BAD_REQUEST', parsed.error);
  const outcome = endGameHandler(gameId, parsed.reason);
  if (!outcome.ok) return sendError(res, outcome.status, outcome.code, outcome.message);
  sendJson(res, 202, { gameId: outcome.gameId, status: 'ending' });
}

function page(routing: Routing, res: ServerResponse, path: string, head: boolean): void {
  const { assets } = routing;
  if (!assets.available) return send(res, 503, 'text/plain; charset=utf-8', `${assets.reason}\n`, head);
  const file = assets.files.get(path)!;
  send(res, 200, file.contentType, file.body, head, PAGE_HEADERS);
}

/**
 * Routes: GET (or HEAD) `/` (the monitor page) and its files under `/monitor/`, `/monitor/state` (one
 * MonitorSnapshot), `/monitor/events` (server-sent events), `/healthz` (200 while the process serves requests),
 * `/readyz` (200 when taking players, 503 while starting or draining), `/metrics` (Prometheus), `/games` (JSON:
 * `{ count, games: GameInfo[], admission, warmPool }`); POST `/games/<id>/end` with `{"reason": "..."}` (202).
 * Every request passes checkAdminAccess first. Anything else: 404, or 405 for another method.
 */
async function handle(routing: Routing, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { handlers } = routing;
  const method = req.method ?? 'GET';
  const path = (req.url ?? '/').split('?')[0]!;
  const head = method === 'HEAD';
  const endMatch = END_PATH.exec(path);
  const isPage = routing.assets.available ? routing.assets.files.has(path) : path === '/';
  const known = endMatch !== null || isPage || ENDPOINTS.includes(path);
  if (!known)
    return sendJson(res, 404, { error: { code: 'E_NOT_FOUND', message: 'not found' }, endpoints: ENDPOINTS }, head);
  const write = endMatch !== null;
  if (write ? method !== 'POST' : method !== 'GET' && !head)
    return methodNotAllowed(res, write ? 'POST' : 'GET, HEAD', head);
  const access = checkAdminAccess(routing.access, { method, headers: req.headers }, write ? 'write' : 'read');
  if (!access.allowed) {
    if (write) res.setHeader('connection', 'close'); // its body is not read
    return sendError(
      res,
      access.status,
      access.code,
      access.message,
      access.status === 401 ? { 'www-authenticate': ADMIN_CHALLENGES } : {},
    );
  }
  if (endMatch !== null) return endGame(routing, req, res, endMatch[1]!);
  if (isPage) return page(routing, res, path, head);
  switch (path) {
    case '/healthz':
      return sendJson(res, 200, { status: 'ok', uptimeS: Math.round((Date.now() - startedAt) / 1000) }, head);
    case '/readyz': {
      const r = handlers.readiness();
      return sendJson(res, r.ready ? 200 : 503, { status: r.status, ready: r.ready }, head);
    }
    case '/games': {
      const games = handlers.games();
      const admission = handlers.admission?.();
      const warmPool = handlers.warmPool?.();
      return sendJson(
        res,
        200,
        {
          count: games.length,
          games,
          ...(admission !== undefined ? { admission } : {}),
          ...(warmPool !== undefined ? { warmPool } : {}),
        },
        head,
      );
    }
    case '/monitor/state': {
      if (handlers.monitor === undefined) return sendError(res, 404, 'E_NOT_FOUND', 'no monitor on this server');
      return sendJson(res, 200, await handlers.monitor(), head);
    }
    case '/monitor/events': {
      if (routing.events === undefined) return sendError(res, 404, 'E_NOT_FOUND', 'no monitor on this server');
      if (head) return send(res, 200, 'text/event-stream; charset=utf-8', '', true);
      if (!routing.events.subscribe(res)) {
        return sendError(res, 503, 'E_TOO_MANY_SUBSCRIBERS', 'too many monitor pages are open; close one');
      }
      return;
    }
    default: {
      let exposition: { readonly contentType: string; readonly body: string };
      try {
        exposition = await handlers.metrics();
      } catch (error) {
        routing.logger?.error('metrics collection failed', {
          err: error instanceof Error ? error.message : String(error),
        });
        return send(res, 500, 'text/plain; charset=utf-8', 'metrics collection failed\n', head);
      }
      return send(res, 200, exposition.contentType, exposition.body, head);
    }
  }
}

/**
 * Starts the admin HTTP listener (node:http): the monitor page, the JSON and Prometheus endpoints, and the one write,
 * ending a game. Access follows checkAdminAccess: keep it on loopback or a private interface, and set a token
 * (`token`) whenever it is not on loopback.
 * @throws ServerError `E_START_FAILED` (with the system error as `cause`) when it cannot listen (port taken...).
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const monitor = options.handlers.monitor?.bind(options.handlers);
  const routing: Routing = {
    handlers: options.handlers,
    access: { token: options.token, loopbackListener: isLoopbackHost(options.host) },
    assets: options.assets ?? loadMonitorAssets(),
    events:
      monitor === undefined
        ? undefined
        : new MonitorEvents({
            snapshot: monitor,
            ...(options.monitorIntervalMs !== undefined ? { intervalMs: options.monitorIntervalMs } : {}),
            ...(options.logger !== undefined ? { logger: options.logger } : {}),
          }),
    logger: options.logger,
  };
  const server: Server = createServer((req, res) => {
    handle(routing, req, res).catch((error: unknown) => {
      options.logger?.error('admin request failed', {
        path: req.url,
        err: error instanceof Error ? error.message : String(error),
      });
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n', false);
      else res.destroy();
    });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new ServerError(
          'E_START_FAILED',
          `admin HTTP listener cannot listen on ${options.host}:${options.port}: ${describeListenFailure(error, { host: '--admin-host', port: '--admin-port' })}`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => options.logger?.error('admin HTTP listener error', { err: error.message }));
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    address: { host: address.address, port: address.port },
    url: `http://${host}:${address.port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        routing.events?.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
