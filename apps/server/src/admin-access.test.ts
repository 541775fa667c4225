import { describe, expect, it } from 'vitest';
import { type AdminAccessPolicy, type AdminRequestHead, checkAdminAccess, isLoopbackHost } from './admin-access.js';

const TOKEN = 'a-token-of-24-characters';
const loopback: AdminAccessPolicy = { token: undefined, loopbackListener: true };
const exposed: AdminAccessPolicy = { token: undefined, loopbackListener: false };
const loopbackWithToken: AdminAccessPolicy = { token: TOKEN, loopbackListener: true };
const exposedWithToken: AdminAccessPolicy = { token: TOKEN, loopbackListener: false };

function req(headers: Record<string, string>, method = 'GET'): AdminRequestHead {
  return { method, headers: { host: '127.0.0.1:7799', ...headers } };
}
const post = (headers: Record<string, string> = {}): AdminRequestHead =>
  req({ 'content-type': 'application/json', ...headers }, 'POST');
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const code = (d: ReturnType<typeof checkAdminAccess>): string => (d.allowed ? 'allowed' : d.code);

describe('isLoopbackHost', () => {
  it('knows loopback addresses and names from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.7', '192.168.1.2', 'example.com', 'localhost.evil.com', '128.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('checkAdminAccess', () => {
  it('without a token, on loopback: reads and JSON writes are allowed', () => {
    expect(code(checkAdminAccess(loopback, req({}), 'read'))).toBe('allowed');
    expect(code(checkAdminAccess(loopback, post(), 'write'))).toBe('allowed');
    expect(code(checkAdminAccess(loopback, post({ host: 'localhost:7799' }), 'write'))).toBe('allowed');
    expect(code(checkAdminAccess(loopback, post({ host: '[::1]:7799' }), 'write'))).toBe('allowed');
  });

  it('without a token, on loopback: a request addressed to another name is refused (DNS rebinding)', () => {
    const rebound = { host: 'attacker.example:7799', origin: 'http://attacker.example:7799' };
    expect(code(checkAdminAccess(loopback, req(rebound), 'read'))).toBe('E_HOST_NOT_ALLOWED');
    expect(code(checkAdminAccess(loopback, post(rebound), 'write'))).toBe('E_HOST_NOT_ALLOWED');
  });

  it('without a token, not on loopback: reads are open, writes need a token', () => {
    expect(code(checkAdminAccess(exposed, req({ host: '10.0.0.7:7799' }), 'read'))).toBe('allowed');
    const refused = checkAdminAccess(exposed, post({ host: '10.0.0.7:7799' }), 'write');
    expect(refused).toMatchObject({ allowed: false, status: 403, code: 'E_TOKEN_REQUIRED' });
  });

  it('with a token, on loopback or not: every request needs it, as Bearer or as the Basic password', () => {
    for (const policy of [loopbackWithToken, exposedWithToken]) {
      expect(checkAdminAccess(policy, req({}), 'read')).toMatchObject({ status: 401, code: 'E_UNAUTHORIZED' });
      expect(code(checkAdminAccess(policy, post(), 'write'))).toBe('E_UNAUTHORIZED');
      expect(code(checkAdminAccess(policy, req({ authorization: `Bearer ${TOKEN}x` }), 'read'))).toBe('E_UNAUTHORIZED');
      expect(code(checkAdminAccess(policy, req({ authorization: `Bearer ${TOKEN.slice(1)}` }), 'read'))).toBe(
        'E_UNAUTHORIZED',
      );
      expect(code(checkAdminAccess(policy, req({ authorization: basic(TOKEN, 'x') }), 'read'))).toBe('E_UNAUTHORIZED');
      expect(code(checkAdminAccess(policy, req({ authorization: TOKEN }), 'read'))).toBe('E_UNAUTHORIZED');
      expect(code(checkAdminAccess(policy, req({ authorization: `Bearer ${TOKEN}` }), 'read'))).toBe('allowed');
      expect(code(checkAdminAccess(policy, req({ authorization: `bearer  ${TOKEN}` }), 'read'))).toBe('allowed');
      expect(code(checkAdminAccess(policy, req({ authorization: basic('ops', TOKEN) }), 'read'))).toBe('allowed');
      expect(code(checkAdminAccess(policy, post({ authorization: basic('', TOKEN) }), 'write'))).toBe('allowed');
    }
  });

  it('with a token, any Host is fine (a rebound page has no credentials for the name it uses)', () => {
    const headers = { host: 'monitor.internal:7799', authorization: `Bearer ${TOKEN}` };
    expect(code(checkAdminAccess(loopbackWithToken, req(headers), 'read'))).toBe('allowed');
  });

  it('refuses a write from a page of another origin, even with the right credentials', () => {
    for (const policy of [loopback, loopbackWithToken, exposedWithToken]) {
      const auth: Record<string, string> = policy.token === undefined ? {} : { authorization: basic('ops', TOKEN) };
      expect(code(checkAdminAccess(policy, post({ ...auth, origin: 'http://evil.example' }), 'write'))).toBe(
        'E_CROSS_ORIGIN',
      );
      expect(code(checkAdminAccess(policy, post({ ...auth, origin: 'null' }), 'write'))).toBe('E_CROSS_ORIGIN');
      expect(code(checkAdminAccess(policy, post({ ...auth, 'sec-fetch-site': 'cross-site' }), 'write'))).toBe(
        'E_CROSS_ORIGIN',
      );
      expect(code(checkAdminAccess(policy, post({ ...auth, 'sec-fetch-site': 'same-site' }), 'write'))).toBe(
        'E_CROSS_ORIGIN',
      );
      const sameOrigin = { ...auth, origin: 'http://127.0.0.1:7799', 'sec-fetch-site': 'same-origin' };
      expect(code(checkAdminAccess(policy, post(sameOrigin), 'write'))).toBe('allowed');
    }
  });

  it('behind a TLS proxy: same origin by Sec-Fetch-Site, or by Origin against Host or X-Forwarded-Host', () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const proxied = (headers: Record<string, string>): string =>
      code(checkAdminAccess(exposedWithToken, post({ ...auth, ...headers }), 'write'));
    expect(proxied({ host: 'monitor.example', origin: 'https://monitor.example' })).toBe('allowed');
    expect(proxied({ 'x-forwarded-host': 'monitor.example', origin: 'https://monitor.example' })).toBe('allowed');
    expect(proxied({ origin: 'https://monitor.example', 'sec-fetch-site': 'same-origin' })).toBe('allowed');
    expect(proxied({ 'x-forwarded-host': 'other.example', origin: 'https://monitor.example' })).toBe('E_CROSS_ORIGIN');
    expect(proxied({ host: 'monitor.example', origin: 'ftp://monitor.example' })).toBe('E_CROSS_ORIGIN');
    expect(
      proxied({ host: 'monitor.example', origin: 'https://monitor.example', 'sec-fetch-site': 'cross-site' }),
    ).toBe('E_CROSS_ORIGIN');
  });

  it('a write must be JSON, which a cross-site form cannot send', () => {
    expect(checkAdminAccess(loopback, req({ 'content-type': 'text/plain' }, 'POST'), 'write')).toMatchObject({
      status: 415,
      code: 'E_UNSUPPORTED_MEDIA_TYPE',
    });
    expect(code(checkAdminAccess(loopback, req({}, 'POST'), 'write'))).toBe('E_UNSUPPORTED_MEDIA_TYPE');
    const form = req({ 'content-type': 'application/x-www-form-urlencoded' }, 'POST');
    expect(code(checkAdminAccess(loopback, form, 'write'))).toBe('E_UNSUPPORTED_MEDIA_TYPE');
    const charset = post({ 'content-type': 'Application/JSON; charset=utf-8' });
    expect(code(checkAdminAccess(loopback, charset, 'write'))).toBe('allowed');
  });
});
