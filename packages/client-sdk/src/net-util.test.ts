import { describe, expect, it } from 'vitest';
import { unmapAddress } from './net-util.js';

describe('unmapAddress', () => {
  it('turns IPv4-mapped IPv6 addresses into IPv4 and leaves the rest alone', () => {
    expect(unmapAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(unmapAddress('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(unmapAddress('::1')).toBe('::1');
    expect(unmapAddress('::ffff:zz')).toBe('::ffff:zz');
    expect(unmapAddress('games.example.com')).toBe('games.example.com');
  });
});
