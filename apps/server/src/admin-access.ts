import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** Who may use the admin listener: its token (if any), and whether it listens on loopback only. */
export interface AdminAccessPolicy {
  /** `--admin-token`: required on every request when set. */
  readonly token: string | undefined;
  /** True when the listener's address is a loopback one (127.0.0.0/8, ::1, localhost). */
  readonly loopbackListener: boolean;
}

/** The request fields the access rules read. */
export interface AdminRequestHead {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** The outcome of {@link checkAdminAccess}: allowed, or the status, code and message of a refusal. */
export type AdminAccessDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly status: 401 | 403 | 415;
      /** E_UNAUTHORIZED, E_TOKEN_REQUIRED, E_CROSS_ORIGIN, E_HOST_NOT_ALLOWED, E_UNSUPPORTED_MEDIA_TYPE. */
      readonly code: string;
      readonly message: string;
    };

/** The realm of the admin listener's authentication challenges. */
export const ADMIN_REALM = 'proj-server admin';

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', '::1', '[::1]']);

/** True when `host` (an address or a name, without port) only ever means this machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  const mapped = /^(?:\[)?::ffff:(\d+\.\d+\.\d+\.\d+)(?:\])?$/.exec(h);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

/** The host part of a Host header (`127.0.0.1:7799`, `[::1]:7799`, `localhost`), lower-cased. */
function hostOfHeader(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith('[')) return v.slice(0, v.indexOf(']') + 1);
  const colon = v.indexOf(':');
  return colon < 0 ? v : v.slice(0, colon);
}

function header(head: AdminRequestHead, name: string): string | undefined {
  const value = head.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * True when the Authorization header carries the token: `Bearer <token>` (scripts, Prometheus), or Basic with the
 * token as the password and any user name (what a browser sends after its login prompt: a page cannot add a bearer
 * header to its own navigation or to an EventSource). Compared in constant time.
 */
function carriesToken(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined) return false;
  const space = authorization.indexOf(' ');
  if (space < 0) return false;
  const scheme = authorization.slice(0, space).toLowerCase();
  const value = authorization.slice(space + 1).trim();
  let offered: string | undefined;
  if (scheme === 'bearer') offered = value;
  else if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    offered = colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return offered !== undefined && timingSafeEqual(digest(offered), digest(token));
}

/**
 * True when the request says it comes from a page of another origin than the one it is addressed to. A browser's
 * `Sec-Fetch-Site` (which no page can set) decides when present, which also covers a TLS proxy in front; else the
 * host of `Origin` must be the request's `Host` or, behind a proxy, its `X-Forwarded-Host` (a cross-site page cannot
 * send that header without a preflight this listener never grants). No `Origin` at all: not a browser (curl,
 * scripts), nothing to forge.
 */
function crossOrigin(head: AdminRequestHead): boolean {
  const site = header(head, 'sec-fetch-site');
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = header(head, 'origin');
  if (origin === undefined) return false;
  let originHost: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return true;
    originHost = url.host.toLowerCase();
  } catch {
    return true; // 'null' (a sandboxed or file: page) and anything else that is not an origin
  }
  const addressed = [header(head, 'host'), header(head, 'x-forwarded-host')?.split(',')[0]]
    .filter((h): h is string => h !== undefined)
    .map((h) => h.trim().toLowerCase());
  return !addressed.includes(originHost);
}

function refuse(status: 401 | 403 | 415, code: string, message: string): AdminAccessDecision {
  return { allowed: false, status, code, message };
}

/**
 * The admin listener's access rules, for one request (`write`: a request that changes something, such as ending a
 * game; the rest only read):
 * - with a token, every request must carry it (401 `E_UNAUTHORIZED` otherwise);
 * - without one, a loopback listener only answers requests addressed to a loopback name (Host 127.0.0.1, [::1] or
 *   localhost; 403 `E_HOST_NOT_ALLOWED`), so that a web page cannot reach it through a DNS name rebound to 127.0.0.1;
 * - a write needs the token unless the listener is on loopback (403 `E_TOKEN_REQUIRED`), is refused from a page of
 *   another origin (403 `E_CROSS_ORIGIN`: the Sec-Fetch-Site or Origin header), and must be JSON
 *   (`content-type: application/json`, which a cross-site form cannot send; 415 `E_UNSUPPORTED_MEDIA_TYPE`).
 */
export function checkAdminAccess(
  policy: AdminAccessPolicy,
  head: AdminRequestHead,
  kind: 'read' | 'write',
): AdminAccessDecision {
  if (policy.token !== undefined) {
    if (!carriesToken(header(head, 'authorization'), policy.token)) {
      return refuse(401, 'E_UNAUTHORIZED', 'this admin listener needs its token (--admin-token)');
    }
  } else if (policy.loopbackListener) {
    const host = header(head, 'host');
    if (host !== undefined && !isLoopbackHost(hostOfHeader(host))) {
      return refuse(403, 'E_HOST_NOT_ALLOWED', 'address this admin listener as 127.0.0.1, [::1] or localhost');
    }
  }
  if (kind === 'read') return { allowed: true };
  if (policy.token === undefined && !policy.loopbackListener) {
    return refuse(
      403,
      'E_TOKEN_REQUIRED',
      'this admin listener is not on loopback: set --admin-token to end games through it',
    );
  }
  if (crossOrigin(head))
    return refuse(403, 'E_CROSS_ORIGIN', 'refused: the request came from a page of another origin');
  const type = header(head, 'content-type');
  if (type === undefined || type.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
    return refuse(415, 'E_UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  }
  return { allowed: true };
}

/** The WWW-Authenticate challenges of a 401: Basic first, so that a browser shows its login prompt. */
export const ADMIN_CHALLENGES: readonly string[] = [
  `Basic realm="${ADMIN_REALM}", charset="UTF-8"`,
  `Bearer realm="${ADMIN_REALM}"`,
];
