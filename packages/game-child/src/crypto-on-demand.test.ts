import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IPC_VERSION } from '@proj/protocol';
import { freeUdpPort } from '@proj/test-utils';
import { runChildProcess, type ChildProcessHost } from './child-process.js';

// An idle game child does without node:crypto (about 1 MiB of RSS, see lazy-crypto.ts in @proj/protocol): nothing
// imports it when the package loads, the warm-up before `idle` leaves it alone, and the token warm-up after `ready`
// loads it. Loads go through process.getBuiltinModule, which the test watches. Vitest gives each test file fresh
// modules, so nothing loaded it through the lazy loader before this file runs.

const srcDir = new URL('.', import.meta.url);
const here = (name: string): URL => new URL(name, srcDir);

/** Value imports of node:crypto that run when a module loads (static import, export-from, require). */
const EAGER_CRYPTO =
  /^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+['"](?:node:)?crypto['"]|\brequire\(\s*['"](?:node:)?crypto['"]\s*\)/m;

const cryptoRequests = (spy: { mock: { calls: unknown[][] } }): number =>
  spy.mock.calls.filter(([id]) => id === 'node:crypto').length;

function host() {
  const sent: { type?: string }[] = [];
  const onMessage: ((m: unknown) => void)[] = [];
  const onDisconnect: (() => void)[] = [];
  let waiting: { type: string; resolve: () => void } | undefined;
  const h: ChildProcessHost = {
    connected: true,
    send: (message, callback) => {
      sent.push(message as { type?: string });
      callback?.(null);
      if (waiting !== undefined && (message as { type?: string }).type === waiting.type) waiting.resolve();
      return true;
    },
    on: (event: 'message' | 'disconnect', listener: (m: unknown) => void) =>
      event === 'message' ? onMessage.push(listener) : onDisconnect.push(listener as () => void),
    exit: () => undefined,
  };
  const next = (type: string): Promise<void> =>
    sent.some((m) => m.type === type) ? Promise.resolve() : new Promise((resolve) => (waiting = { type, resolve }));
  return {
    h,
    next,
    deliver: (m: unknown) => onMessage.forEach((l) => l(m)),
    disconnect: () => onDisconnect.forEach((l) => l()),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('node:crypto in a game child', () => {
  it("no module of the package imports it as it loads (only @proj/protocol's lazy loader asks for it, on first use)", () => {
    const modules = readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(modules.length).toBeGreaterThan(10);
    const eager = modules.filter((f) => EAGER_CRYPTO.test(readFileSync(here(f), 'utf8')));
    expect(eager).toEqual([]);
    // The check itself catches what it is for.
    expect(EAGER_CRYPTO.test("import { randomBytes } from 'node:crypto';")).toBe(true);
    expect(EAGER_CRYPTO.test("import type * as C from 'node:crypto';")).toBe(false);
  });

  it('is not loaded by the warm-up before idle, and is loaded (with the token path) right after ready', async () => {
    const spy = vi.spyOn(process, 'getBuiltinModule');
    const f = host();
    runChildProcess({ host: f.h });
    await f.next('idle');
    expect(cryptoRequests(spy)).toBe(0);

    f.deliver({
      type: 'start',
      ipcVersion: IPC_VERSION,
      game: {
        gameId: 'g1',
        mode: 'arena',
        bindHost: '127.0.0.1',
        port: await freeUdpPort(),
        players: [{ slot: 0, name: 'a' }],
        // Any 32 bytes: no token is presented in this test.
        secretBase64: Buffer.alloc(32, 7).toString('base64'),
        tokenExpiresAt: Date.now() + 30_000,
        options: { joinTimeoutMs: 200 },
      },
    });
    await f.next('ready');
    expect(cryptoRequests(spy)).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    // Challenge cookies and token MACs share one loader (@proj/protocol/internal's nodeCrypto): it asked once.
    expect(cryptoRequests(spy)).toBe(1);
    f.deliver({ type: 'shutdown', reason: 'orchestratorStopping', graceMs: 0 });
    await f.next('gameOver');
    f.disconnect();
  });
});
