import type { GameAssignment } from '@proj/protocol';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { FakeHandle } from '../test/helpers/fake-spawner.js';
import type { ChildExit } from './child-process.js';
import { silentLogger } from './logger.js';
import { type ChildObserver, type ChildState, ManagedChild, type StartOutcome, childGraceMs } from './managed-child.js';

const assignment: GameAssignment = {
  gameId: 'g1',
  mode: 'duel',
  bindHost: '127.0.0.1',
  port: 40000,
  players: [
    { slot: 0, name: 'ann' },
    { slot: 1, name: 'bob' },
  ],
  secretBase64: Buffer.alloc(32, 7).toString('base64'),
  tokenExpiresAt: Date.now() + 30_000,
};

function setup() {
  const handle = new FakeHandle();
  const calls: string[] = [];
  const exits: { exit: ChildExit; previous: ChildState }[] = [];
  const observer: ChildObserver = {
    idle: () => calls.push('idle'),
    gameOver: () => calls.push('gameOver'),
    stats: (_child, message) => calls.push(`stats ${JSON.stringify(message.dropped)}`),
    joinReport: (_child, message) => calls.push(`joinReport ${JSON.stringify([message.joined, message.missing])}`),
    exit: (_child, exit, previous) => {
      calls.push('exit');
      exits.push({ exit, previous });
    },
  };
  const child = new ManagedChild(handle, observer, silentLogger);
  return { handle, child, calls, exits };
}

function start(child: ManagedChild, timeoutMs = 10_000): Promise<StartOutcome> {
  return new Promise((resolve) => child.start(assignment, timeoutMs, resolve));
}

describe('ManagedChild', () => {
  it('goes booting -> idle -> starting -> running and reports ready with its time', async () => {
    const { handle, child, calls } = setup();
    expect(child.state).toBe('booting');
    handle.message({ type: 'idle' });
    expect(child.state).toBe('idle');
    expect(calls).toEqual(['idle']);
    const outcome = start(child);
    expect(child.state).toBe('starting');
    expect(handle.sent).toEqual([{ type: 'start', ipcVersion: 1, game: assignment }]);
    handle.message({ type: 'ready', gameId: 'g1', port: 40000 });
    const result = await outcome;
    expect(result.ok).toBe(true);
    expect(child.state).toBe('running');
  });

  it('answers an idle that asks for it with one warmUp, sent before the observer hears idle (and may start it)', () => {
    const handle = new FakeHandle();
    const sentWhenIdle: string[] = [];
    const observer: ChildObserver = {
      idle: () => sentWhenIdle.push(...handle.sent.map((m) => m.type)),
      gameOver: () => undefined,
      stats: () => undefined,
      joinReport: () => undefined,
      exit: () => undefined,
    };
    const child = new ManagedChild(handle, observer, silentLogger);
    handle.message({ type: 'idle', warmUp: true });
    expect(sentWhenIdle).toEqual(['warmUp']);
    // A repeated idle is not a new request.
    handle.message({ type: 'idle', warmUp: true });
    void start(child);
    expect(handle.sent.map((m) => m.type)).toEqual(['warmUp', 'start']);
  });

  it('sends no warmUp to a child that did not ask for one', () => {
    const { handle, child } = setup();
    handle.message({ type: 'idle' });
    void start(child);
    expect(handle.sent.map((m) => m.type)).toEqual(['start']);
  });

  it('ignores invalid messages and a ready for another game or port', () => {
    const { handle, child } = setup();
    let outcome: StartOutcome | undefined;
    child.start(assignment, 10_000, (o) => (outcome = o));
    handle.message('garbage');
    handle.message({ type: 'ready', gameId: 'other', port: 40000 });
    handle.message({ type: 'ready', gameId: 'g1', port: 40001 });
    handle.message({ type: 'nope' });
    expect(outcome).toBeUndefined();
    handle.message({ type: 'ready', gameId: 'g1', port: 40000 });
    expect(outcome?.ok).toBe(true);
  });

  it('kills a child that is not ready before the deadline', async () => {
    const { handle, child, exits } = setup();
    const outcome = await start(child, 5);
    expect(outcome).toEqual({ ok: false, reason: 'readyTimeout' });
    expect(handle.signals).toEqual(['SIGKILL']);
    await vi.waitFor(() => expect(exits).toHaveLength(1));
    expect(exits[0]!.previous).toBe('stopping');
  });

  it('reports bindFailed, and SIGKILLs the child if it does not exit by itself', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { handle, child } = setup();
      let outcome: StartOutcome | undefined;
      child.start(assignment, 10_000, (o) => (outcome = o));
      handle.message({ type: 'bindFailed', gameId: 'g1', port: 40000, errorCode: 'EADDRINUSE', message: 'in use' });
      expect(outcome).toEqual({ ok: false, reason: 'bindFailed', errorCode: 'EADDRINUSE', message: 'in use' });
      expect(child.state).toBe('stopping');
      expect(handle.signals).toEqual([]);
      vi.advanceTimersByTime(5_000);
      expect(handle.signals).toEqual(['SIGKILL']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports an exit before ready as the outcome first, then to the observer, exactly once', () => {
    const { handle, child, calls, exits } = setup();
    child.start(assignment, 10_000, (o) => calls.push(`outcome:${o.ok ? 'ok' : o.reason}`));
    handle.exit({ code: 1, signal: null });
    handle.exit({ code: 2, signal: null });
    expect(calls).toEqual(['outcome:exited', 'exit']);
    expect(exits).toEqual([{ exit: { code: 1, signal: null }, previous: 'starting' }]);
    expect(child.state).toBe('exited');
  });

  it('cancelStart resolves cancelled and kills the child', () => {
    const { handle, child } = setup();
    let outcome: StartOutcome | undefined;
    child.start(assignment, 10_000, (o) => (outcome = o));
    child.cancelStart();
    expect(outcome).toEqual({ ok: false, reason: 'cancelled' });
    expect(handle.signals).toEqual(['SIGKILL']);
  });

  it('reports sendFailed when the channel is closed', async () => {
    const { handle, child } = setup();
    handle.connected = false;
    const outcome = await start(child);
    expect(outcome).toEqual({ ok: false, reason: 'sendFailed' });
    expect(handle.signals).toEqual(['SIGKILL']);
  });

  it('refuses a second start', async () => {
    const { child } = setup();
    child.start(assignment, 10_000, () => {});
    expect(await start(child)).toEqual({ ok: false, reason: 'sendFailed' });
  });

  it('stop sends shutdown and SIGKILLs after the grace period; the deadline is not extended', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { handle, child } = setup();
      handle.message({ type: 'idle' });
      child.stop('poolShrink', 1_000);
      expect(handle.sent).toEqual([{ type: 'shutdown', reason: 'poolShrink', graceMs: 800 }]);
      vi.advanceTimersByTime(600);
      child.stop('orchestratorStopping', 1_000);
      vi.advanceTimersByTime(500);
      expect(handle.signals).toEqual(['SIGKILL']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops a game at its maximum duration', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { handle, child } = setup();
      child.start(assignment, 10_000, () => {});
      handle.message({ type: 'ready', gameId: 'g1', port: 40000 });
      child.armMaxDuration(60_000, 2_000);
      vi.advanceTimersByTime(59_999);
      expect(handle.sent.map((m) => m.type)).toEqual(['start']);
      vi.advanceTimersByTime(1);
      expect(handle.sent.at(-1)).toEqual({ type: 'shutdown', reason: 'maxDuration', graceMs: 1_750 });
      vi.advanceTimersByTime(2_000);
      expect(handle.signals).toEqual(['SIGKILL']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes gameOver of a running child to the observer, and clears its timers on exit', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { handle, child, calls } = setup();
      child.start(assignment, 10_000, () => {});
      handle.message({ type: 'ready', gameId: 'g1', port: 40000 });
      child.armMaxDuration(1_000, 100);
      handle.message({ type: 'gameOver', gameId: 'g1', reason: 'done', results: [] });
      handle.exit({ code: 0, signal: null });
      vi.advanceTimersByTime(10_000);
      expect(calls).toEqual(['gameOver', 'exit']);
      expect(handle.sent.map((m) => m.type)).toEqual(['start']);
      expect(handle.signals).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes the join report of its own running game to the observer once; ignores others', async () => {
    const { handle, child, calls } = setup();
    const report = (gameId = 'g1'): void => handle.message({ type: 'joinReport', gameId, joined: [0], missing: [1] });
    report(); // booting: no game yet
    const outcome = start(child);
    report(); // starting: not ready yet
    handle.message({ type: 'ready', gameId: 'g1', port: 40000 });
    await outcome;
    report('other');
    report();
    report(); // a second one
    expect(calls.filter((c) => c.startsWith('joinReport'))).toEqual(['joinReport [[0],[1]]']);
  });

  it('passes stats of its own game to the observer while running or stopping; ignores and logs any other', () => {
    const handle = new FakeHandle();
    const calls: string[] = [];
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    const observer: ChildObserver = {
      idle: () => {},
      gameOver: () => {},
      exit: () => {},
      joinReport: () => {},
      stats: (_c, m) => void calls.push(JSON.stringify(m.dropped)),
    };
    const child = new ManagedChild(handle, observer, logger);
    const stats = (dropped: unknown, gameId = 'g1'): void => handle.message({ type: 'stats', gameId, dropped });
    stats({ malformed: 1 }); // booting: no game yet
    child.start(assignment, 10_000, () => {});
    stats({ malformed: 2 }); // starting: not ready yet
    handle.message({ type: 'ready', gameId: 'g1', port: 40000 });
    stats({ malformed: 3, tokenForged: 1 });
    stats({ malformed: 4 }, 'another-game');
    stats({ 'not a reason': 5 });
    stats({ malformed: -6 });
    stats(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`r${i}`, 1])));
    child.stop('orchestratorStopping', 60_000);
    stats({ stale: 7 });
    expect(calls).toEqual(['{"malformed":3,"tokenForged":1}', '{"stale":7}']);
    expect(warnings.filter((w) => w === 'ignoring unexpected stats from a child')).toHaveLength(3);
    expect(warnings.filter((w) => w === 'ignoring an invalid IPC message from a child')).toHaveLength(3);
    handle.exit({ code: 16, signal: null });
    stats({ stale: 8 });
    expect(calls).toHaveLength(2);
  });
});

describe('childGraceMs', () => {
  it('leaves the child less than the SIGKILL deadline, by at most 250 ms, never below 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_147_483_647 }), (graceMs) => {
        const told = childGraceMs(graceMs);
        expect(Number.isInteger(told)).toBe(true);
        expect(told).toBeGreaterThanOrEqual(0);
        expect(told).toBeLessThanOrEqual(graceMs);
        expect(graceMs - told).toBeLessThanOrEqual(250);
        if (graceMs >= 5) expect(told).toBeLessThan(graceMs);
      }),
    );
    expect([0, 100, 1_000, 5_000].map(childGraceMs)).toEqual([0, 80, 800, 4_750]);
  });
});
