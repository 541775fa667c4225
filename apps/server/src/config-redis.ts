import { InvalidValue, describeJson } from './config-values.js';

/** Parsers of the shared queue's settings (`--redis-url`, `--instance-id`, `--redis-key-prefix`). */

function string(raw: unknown): string {
  if (typeof raw !== 'string') throw new InvalidValue(`expected a string, got ${describeJson(raw)}`);
  return raw.trim();
}

/** A Redis URL: `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS). */
export function parseRedisUrl(raw: unknown): string {
  const value = string(raw);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidValue('not a URL (expected redis://host:port[/db])');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InvalidValue(`scheme ${url.protocol} is not redis: or rediss:`);
  }
  if (url.hostname === '') throw new InvalidValue('no host (expected redis://host:port[/db])');
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d{1,2}$/.test(url.pathname)) {
    throw new InvalidValue(`the path must be a database number (/0../99), not ${url.pathname}`);
  }
  return value;
}

/** An instance id: 1..64 of letters, digits, `.`, `_`, `:` and `-`. */
export function parseInstanceId(raw: unknown): string {
  const value = string(raw);
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(value)) {
    throw new InvalidValue('must be 1 to 64 letters, digits, dots, underscores, colons or dashes');
  }
  return value;
}

/** A key prefix: 1..64 printable ASCII characters, no spaces. */
export function parseKeyPrefix(raw: unknown): string {
  const value = string(raw);
  if (!/^[\x21-\x7e]{1,64}$/.test(value)) throw new InvalidValue('must be 1 to 64 printable characters, no spaces');
  return value;
}

/** A Redis URL fit for a log line: its password (and a user's) replaced by `***`. */
export function redactRedisUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}
