import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServerError } from './errors.js';
import { describeListenFailure } from './listen-failure.js';
import type { PackageLogger } from './logger.js';

/** One running (or starting) game, as /games lists it. */
export interface GameInfo {
  readonly id: string;
  readonly mode: string;
  readonly port: number;
  /** Player names, in slot order. */
  readonly players: readonly string[];
  /** The child process's pid, when known. */
  readonly pid: number | undefined;
  /** 'starting' until the child reported its UDP port bound, then 'running'. */
  readonly state: 'starting' | 'running';
  /** When the game was launched (ISO 8601). */
  readonly launchedAt: string;
  /** Milliseconds since launch. */
  readonly ageMs: number;
  /** From the child's latest tick report (absent before it, about 1 s after the start): its tick rate. */
  readonly tickRateHz?: number;
  /** Tick lateness p99 over the child's latest reporting interval, ms. */
  readonly tickLateP99Ms?: number;
  /** The child's CPU use over its latest reporting interval, % of one core. */
  readonly cpuPercent?: number;
  /** Milliseconds since the child last sent anything over IPC (absent while a cold child boots). */
  readonly lastHeardMs?: number;
  /**
   * True once the child has been silent about two heartbeat intervals (2 s): frozen or starved. It is killed at
   * --child-silence-timeout.
   */
  readonly late: boolean;
}

/** The admission control's state, as /games shows it next to the games. */
export interface AdmissionInfo {
  readonly open: boolean;
  /** 'open', 'startsInFlight', 'hostCpu' or 'tickLate'. */
  readonly reason: string;
  /** Smoothed host CPU utilisation 0..1 (absent until known). */
  readonly hostCpu?: number;
  readonly startsInFlight: number;
  readonly worstTickLateMs: number;
}

/** The warm pool, as /games shows it next to the games. */
export interface WarmPoolInfo {
  /** The size it aims at now (fixed, or following demand). */
  readonly target: number;
  /** Warm children ready to take a game. */
  readonly idle: number;
  /** Warm children still starting. */
  readonly booting: number;
}

/** Readiness: ready to take players, or why not. */
export interface Readiness {
  readonly ready: boolean;
  /** 'listening', 'starting', 'draining', 'closed'. */
  readonly status: string;
}

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
}

/** Options of {@link startAdminServer}. */
export interface AdminServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly handlers: AdminHandlers;
  readonly logger?: PackageLogger;
}

/** A listening admin server. */
export interface AdminServer {
  /** The address it listens on (the real port when 0 was asked). */
  readonly address: { readonly host: string; readonly port: number };
  /** Base URL, e.g. 'http://127.0.0.1:7799'. */
  readonly url: string;
  /** Stops listening and closes every connection. Idempotent. */
  close(): Promise<void>;
}

const startedAt = Date.now();

function send(res: ServerResponse, status: number, contentType: string, body: string, head: boolean): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : body);
}

function json(res: ServerResponse, status: number, value: unknown, head: boolean): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`, head);
}

/**
 * Routes: GET (or HEAD) `/healthz` (200 while the process serves requests), `/readyz` (200 when taking players, 503
 * while starting or draining), `/metrics` (Prometheus), `/games` (JSON: `{ count, games: GameInfo[], admission }`).
 * Anything else: 404, or 405 for another method.
 */
function handle(
  handlers: AdminHandlers,
  logger: PackageLogger | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const method = req.method ?? 'GET';
  const path = (req.url ?? '/').split('?')[0];
  const head = method === 'HEAD';
  const known = path === '/healthz' || path === '/readyz' || path === '/metrics' || path === '/games' || path === '/';
  if (!known)
    return json(res, 404, { error: 'not found', endpoints: ['/healthz', '/readyz', '/metrics', '/games'] }, head);
  if (method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    return json(res, 405, { error: 'method not allowed' }, head);
  }
  switch (path) {
    case '/':
      return json(res, 200, { endpoints: ['/healthz', '/readyz', '/metrics', '/games'] }, head);
    case '/healthz':
      return json(res, 200, { status: 'ok', uptimeS: Math.round((Date.now() - startedAt) / 1000) }, head);
    case '/readyz': {
      const r = handlers.readiness();
      return json(res, r.ready ? 200 : 503, { status: r.status, ready: r.ready }, head);
    }
    case '/games': {
      const games = handlers.games();
      const admission = handlers.admission?.();
      const warmPool = handlers.warmPool?.();
      return json(
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
    default:
      handlers.metrics().then(
        ({ contentType, body }) => send(res, 200, contentType, body, head),
        (error: unknown) => {
          logger?.error('metrics collection failed', { err: error instanceof Error ? error.message : String(error) });
          send(res, 500, 'text/plain; charset=utf-8', 'metrics collection failed\n', head);
        },
      );
  }
}

/**
 * Starts the admin HTTP listener (node:http). It answers nothing but the four read-only endpoints, so exposing it
 * beyond loopback only discloses stats; still, keep it on a private interface.
 * @throws ServerError `E_START_FAILED` (with the system error as `cause`) when it cannot listen (port taken...).
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    try {
      handle(options.handlers, options.logger, req, res);
    } catch (error) {
      options.logger?.error('admin request failed', {
        path: req.url,
        err: error instanceof Error ? error.message : String(error),
      });
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n', false);
      else res.destroy();
    }
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
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
