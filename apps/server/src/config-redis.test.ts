import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactRedisUrl } from './config-redis.js';

describe('the shared queue settings', () => {
  it('takes redis:// and rediss:// URLs with a host, an optional port, credentials and database', () => {
    for (const url of ['redis://127.0.0.1:6379', 'rediss://cache.example.com', 'redis://:pw@h:1/3', 'redis://u:p@h/']) {
      expect(parseRedisUrl(` ${url} `)).toBe(url);
    }
    expect(() => parseRedisUrl(6379)).toThrow(/expected a string/);
  });

  it('never logs a password', () => {
    expect(redactRedisUrl('redis://user:s3cret@h:6379/0')).toBe('redis://user:***@h:6379/0');
    expect(redactRedisUrl('redis://:s3cret@h')).toBe('redis://:***@h');
    expect(redactRedisUrl('redis://h:6379')).toBe('redis://h:6379');
    expect(redactRedisUrl('not a url s3cret')).toBe('(invalid URL)');
  });
});
