import { afterEach } from 'vitest';
import type { GameSession } from '../../src/index.js';
import { FakeChild, type FakeChildOptions } from './fake-child.js';

/**
 * Registers an `afterEach` that closes what a test opened through the returned functions: its sessions, then its
 * fake child (the one started last).
 */
export function closedAfterEach(): {
  startChild(options?: FakeChildOptions): Promise<FakeChild>;
  track(session: GameSession): GameSession;
} {
  const open: { child?: FakeChild; sessions: GameSession[] } = { sessions: [] };
  afterEach(async () => {
    for (const s of open.sessions) await s.close();
    open.sessions = [];
    await open.child?.close();
    delete open.child;
  });
  return {
    async startChild(options: FakeChildOptions = {}) {
      const child = await FakeChild.start(options);
      open.child = child;
      return child;
    },
    track(session) {
      open.sessions.push(session);
      return session;
    },
  };
}
