import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers every admin answer carries. */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

/**
 * Headers of the monitor page's own files: its script, styles and data only come from this listener, and no other
 * site may frame it (an "End game" button under someone else's page would be a click away from being abused).
 */
export const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
} as const;

/** Writes a whole answer (no body for HEAD). */
export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  head: boolean,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(head ? undefined : body);
}

/** Writes a JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  head = false,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`, head, headers);
}

/** Writes an error answer: `{ error: { code, message } }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  sendJson(res, status, { error: { code, message } }, false, headers);
}

/** A request body that could not be read as the JSON asked for. */
export class BodyError extends Error {
  readonly status: 400 | 413;
  readonly code: 'E_BAD_BODY' | 'E_BODY_TOO_LARGE';

  constructor(status: 400 | 413, code: 'E_BAD_BODY' | 'E_BODY_TOO_LARGE', message: string) {
    super(message);
    this.name = 'BodyError';
    this.status = status;
    this.code = code;
  }
}

/**
 * Reads a request's JSON body of at most `maxBytes` (the connection is not read further past it).
 * @throws BodyError `E_BODY_TOO_LARGE` (413) past `maxBytes`, `E_BAD_BODY` (400) when it is not JSON.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new BodyError(413, 'E_BODY_TOO_LARGE', `the body is limited to ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyError(413, 'E_BODY_TOO_LARGE', `the body is limited to ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BodyError(400, 'E_BAD_BODY', 'the body is not valid JSON');
  }
}
