import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

// Importing @proj/protocol must not load node:crypto (about 1 MiB of RSS that an idle game child does without):
// the token functions load it on first use through process.getBuiltinModule, which the test watches. Vitest
// gives each test file fresh modules, so the package is first evaluated by the dynamic import below.

const srcDir = new URL('.', import.meta.url);

describe('node:crypto on demand', () => {
  it('no module imports node:crypto as it loads', () => {
    const eagerImport = /^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+['"](?:node:)?crypto['"]/m;
    const modules = readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(modules).toContain('connect-token.ts');
    expect(modules.filter((f) => eagerImport.test(readFileSync(new URL(f, srcDir), 'utf8')))).toEqual([]);
  });

  it('loading the package asks for no node:crypto; the first token operation loads it, once', async () => {
    const spy = vi.spyOn(process, 'getBuiltinModule');
    const requests = (): number => spy.mock.calls.filter(([id]) => id === 'node:crypto').length;
    const protocol = await import('./index.js');
    expect(requests()).toBe(0);
    const secret = protocol.generateGameSecret();
    const token = protocol.signConnectToken({ gameId: 'g', slot: 1, expiresAt: Date.now() + 1000 }, secret);
    expect(protocol.verifyConnectToken(token, secret).slot).toBe(1);
    expect(requests()).toBe(1);
    spy.mockRestore();
  });
});
