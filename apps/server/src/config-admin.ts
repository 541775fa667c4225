import { redactRedisUrl } from './config-redis.js';
import { InvalidValue, describeJson } from './config-values.js';

/** The shortest and longest `--admin-token`. */
export const ADMIN_TOKEN_LENGTH = { min: 16, max: 256 } as const;

/**
 * An admin token: 16..256 visible ASCII characters (no spaces), so that it survives a header and a shell, and is not
 * a word a person would guess. `openssl rand -hex 24` makes a good one.
 */
export function parseAdminToken(raw: unknown): string {
  if (typeof raw !== 'string') throw new InvalidValue(`expected a string, got ${describeJson(raw)}`);
  const value = raw.trim();
  if (value.length < ADMIN_TOKEN_LENGTH.min || value.length > ADMIN_TOKEN_LENGTH.max) {
    throw new InvalidValue(
      `must be ${ADMIN_TOKEN_LENGTH.min} to ${ADMIN_TOKEN_LENGTH.max} characters (got ${value.length}); ` +
        'e.g. openssl rand -hex 24',
    );
  }
  if (!/^[\x21-\x7e]+$/.test(value)) throw new InvalidValue('must be visible ASCII characters, without spaces');
  return value;
}

/** What --print-config and logs show of a secret setting: that it is set, never its value. */
export const REDACTED = '(set, redacted)';

/**
 * The configuration as --print-config shows it: the admin token replaced by {@link REDACTED} and the Redis URL's
 * password by `***`, so that the output can be pasted into an issue.
 */
export function redactSecrets<
  C extends { readonly adminToken: string | undefined; readonly redisUrl: string | undefined },
>(config: C): C {
  return {
    ...config,
    ...(config.adminToken !== undefined ? { adminToken: REDACTED } : {}),
    ...(config.redisUrl !== undefined ? { redisUrl: redactRedisUrl(config.redisUrl) } : {}),
  };
}
