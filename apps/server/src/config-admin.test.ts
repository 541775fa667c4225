import { describe, expect, it } from 'vitest';
import { REDACTED, parseAdminToken, redactSecrets } from './config-admin.js';
import { loadConfig } from './config-load.js';
import { ServerConfigError } from './errors.js';

describe('--admin-token', () => {
  it('takes 16 to 256 visible characters, trimmed', () => {
    expect(parseAdminToken('  0123456789abcdef  ')).toBe('0123456789abcdef');
    expect(parseAdminToken('x'.repeat(256))).toBe('x'.repeat(256));
    expect(parseAdminToken('a:b/c+d=e~f!g@h#')).toBe('a:b/c+d=e~f!g@h#');
  });

  it('refuses short, long, spaced, non-ASCII and non-string tokens, saying how to make one', () => {
    expect(() => parseAdminToken('short')).toThrow(/16 to 256 characters \(got 5\); e\.g\. openssl rand -hex 24/);
    expect(() => parseAdminToken('x'.repeat(257))).toThrow(/16 to 256/);
    expect(() => parseAdminToken('0123456789 abcdef')).toThrow(/visible ASCII/);
    expect(() => parseAdminToken('0123456789abcdéf')).toThrow(/visible ASCII/);
    expect(() => parseAdminToken(1234567890123456)).toThrow(/expected a string/);
  });

  it('comes from the flag, PROJ_ADMIN_TOKEN or the config file; a bad one is a configuration error', () => {
    expect(loadConfig({ env: { PROJ_ADMIN_TOKEN: 'env-token-0123456789' } }).config.adminToken).toBe(
      'env-token-0123456789',
    );
    expect(loadConfig({ flags: { adminToken: 'flag-token-0123456789' } }).config.adminToken).toBe(
      'flag-token-0123456789',
    );
    expect(loadConfig({}).config.adminToken).toBeUndefined();
    const error = (() => {
      try {
        loadConfig({ env: { PROJ_ADMIN_TOKEN: 'letmein' } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ServerConfigError);
    expect((error as Error).message).toContain('PROJ_ADMIN_TOKEN');
    expect((error as Error).message).not.toContain('letmein');
  });

  it('--print-config shows that secrets are set, never their values', () => {
    const { config } = loadConfig({
      env: { PROJ_ADMIN_TOKEN: 'secret-token-0123456789', PROJ_REDIS_URL: 'redis://user:hunter2@127.0.0.1:6379/0' },
    });
    const printed = JSON.stringify(redactSecrets(config));
    expect(printed).not.toContain('secret-token-0123456789');
    expect(printed).not.toContain('hunter2');
    expect(redactSecrets(config)).toMatchObject({
      adminToken: REDACTED,
      redisUrl: 'redis://user:***@127.0.0.1:6379/0',
    });
    expect(redactSecrets(loadConfig({}).config).adminToken).toBeUndefined();
  });
});
