import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import {
  IPC_MAX_STATS_COUNT,
  IPC_MAX_STATS_MS,
  IPC_MAX_STATS_REASONS,
  IPC_VERSION,
  ShutdownReason,
  type GameAssignment,
} from './ipc-messages.js';
import { parseChildToParentMessage, parseParentToChildMessage } from './ipc-parse.js';

const game: GameAssignment = {
  gameId: 'g-1',
  mode: 'arena',
  bindHost: '127.0.0.1',
  port: 40001,
  players: [
    { slot: 0, name: 'ada' },
    { slot: 1, name: 'bob' },
  ],
  secretBase64: Buffer.alloc(32, 7).toString('base64'),
  tokenExpiresAt: 1_800_000_000_000,
  maxDurationMs: 60_000,
  options: { tickRate: 30 },
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return (e as ProtocolError).code;
  }
}

describe('IPC contract', () => {
  it('round-trips every message through JSON', () => {
    const start = { type: 'start', ipcVersion: IPC_VERSION, game } as const;
    expect(parseParentToChildMessage(JSON.parse(JSON.stringify(start)))).toEqual(start);
    for (const gameModule of ['/srv/games/clicker.js', 'C:\\games\\clicker.js', '\\\\host\\share\\g.js']) {
      const custom = { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, gameModule } } as const;
      expect(parseParentToChildMessage(JSON.parse(JSON.stringify(custom)))).toEqual(custom);
    }
    const shutdown = { type: 'shutdown', reason: 'orchestratorStopping', graceMs: 2000 } as const;
    expect(parseParentToChildMessage(JSON.parse(JSON.stringify(shutdown)))).toEqual(shutdown);
    expect(parseParentToChildMessage(JSON.parse(JSON.stringify({ type: 'warmUp' })))).toEqual({ type: 'warmUp' });
    const seat = { type: 'seat', slot: 3, name: 'grace' } as const;
    expect(parseParentToChildMessage(JSON.parse(JSON.stringify(seat)))).toEqual(seat);
    const childMessages = [
      { type: 'idle' },
      { type: 'idle', warmUp: true },
      { type: 'ready', gameId: 'g-1', port: 40001 },
      { type: 'bindFailed', gameId: 'g-1', port: 40001, errorCode: 'EADDRINUSE', message: 'address in use' },
      {
        type: 'gameOver',
        gameId: 'g-1',
        reason: 'scoreReached',
        results: [{ slot: 0, name: 'ada', score: 10, connected: true }],
      },
      { type: 'stats', gameId: 'g-1', dropped: { malformed: 3, tokenForged: 1 } },
      { type: 'stats', gameId: 'g-1', dropped: {} },
      { type: 'joinReport', gameId: 'g-1', joined: [0, 2], missing: [1, 3] },
      { type: 'joinReport', gameId: 'g-1', joined: [], missing: [0] },
      { type: 'heartbeat', gameId: 'g-1' },
    ];
    for (const m of childMessages) expect(parseChildToParentMessage(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });

  it('rejects a start of another IPC version with E_UNSUPPORTED_VERSION', () => {
    expect(codeOf(() => parseParentToChildMessage({ type: 'start', ipcVersion: 99, game }))).toBe(
      'E_UNSUPPORTED_VERSION',
    );
  });

  it('rejects bad fields with E_INVALID_IPC_MESSAGE', () => {
    const bad: unknown[] = [
      null,
      [],
      'start',
      { type: 'nope' },
      { type: 'seat', slot: 255, name: 'grace' },
      { type: 'seat', slot: 1.5, name: 'grace' },
      { type: 'seat', slot: 0, name: '' },
      { type: 'seat', slot: 0, name: 'x'.repeat(65) },
      { type: 'seat', name: 'grace' },
      { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, port: 70000 } },
      { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, players: [] } },
      {
        type: 'start',
        ipcVersion: IPC_VERSION,
        game: {
          ...game,
          players: [
            { slot: 0, name: 'a' },
            { slot: 0, name: 'b' },
          ],
        },
      },
      { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, secretBase64: 'c2hvcnQ=' } },
      { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, options: [] } },
      { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, gameModule: '' } },
      { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, gameModule: 42 } },
      { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, gameModule: './games/clicker.js' } },
      { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, gameModule: 'games/clicker.js' } },
      { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, gameModule: '/games/a\nb.js' } },
      { type: 'start', ipcVersion: IPC_VERSION, game: { ...game, gameModule: `/${'a'.repeat(4096)}` } },
      { type: 'shutdown', reason: 'because', graceMs: 1 },
      { type: 'shutdown', reason: 'maxDuration', graceMs: -1 },
    ];
    for (const b of bad) expect(codeOf(() => parseParentToChildMessage(b))).toBe('E_INVALID_IPC_MESSAGE');
    const badChild: unknown[] = [
      { type: 'idle', warmUp: 'yes' },
      { type: 'ready', gameId: '', port: 1 },
      { type: 'ready', gameId: 'g', port: 0 },
      {
        type: 'gameOver',
        gameId: 'g',
        reason: 'r',
        results: [{ slot: 0, name: 'a', score: Number.NaN, connected: true }],
      },
      { type: 'gameOver', gameId: 'g', reason: 'r', results: {} },
      { type: 'heartbeat' },
      { type: 'heartbeat', gameId: '' },
      { type: 'heartbeat', gameId: 'g'.repeat(65) },
      { type: 'heartbeat', gameId: 7 },
    ];
    for (const b of badChild) expect(codeOf(() => parseChildToParentMessage(b))).toBe('E_INVALID_IPC_MESSAGE');
  });

  it('bounds a join report: slots in range, each at most once, in two arrays', () => {
    const report = (joined: unknown, missing: unknown): unknown => ({
      type: 'joinReport',
      gameId: 'g',
      joined,
      missing,
    });
    const all = Array.from({ length: 255 }, (_, i) => i);
    expect(parseChildToParentMessage(report(all, []))).toEqual(report(all, []));
    const bad: unknown[] = [
      report(undefined, []),
      report([0], undefined),
      report([0], 'x'),
      report([-1], []),
      report([255], []),
      report([1.5], []),
      report(['1'], []),
      report([0, 0], []),
      report([0], [0]),
      report([...all, 0], []),
      { type: 'joinReport', joined: [], missing: [] },
    ];
    for (const b of bad)
      expect(
        codeOf(() => parseChildToParentMessage(b)),
        JSON.stringify(b).slice(0, 80),
      ).toBe('E_INVALID_IPC_MESSAGE');
  });

  it('parses a heartbeat to its gameId alone (an older parent rejects the unknown type; nothing else changes)', () => {
    expect(parseChildToParentMessage({ type: 'heartbeat', gameId: 'g-1', extra: 'x'.repeat(1000) })).toEqual({
      type: 'heartbeat',
      gameId: 'g-1',
    });
  });

  it('bounds a stats message: reason names, their number and every count', () => {
    const stats = (dropped: unknown): unknown => ({ type: 'stats', gameId: 'g', dropped });
    const many = Object.fromEntries(Array.from({ length: IPC_MAX_STATS_REASONS }, (_, i) => [`r${i}`, i]));
    expect(parseChildToParentMessage(stats(many))).toEqual(stats(many));
    const edge = { malformed: IPC_MAX_STATS_COUNT, Z_9: 0, ['x'.repeat(32)]: 1 };
    expect(parseChildToParentMessage(stats(edge))).toEqual(stats(edge));
    const bad: unknown[] = [
      stats(undefined),
      stats([1, 2]),
      stats({ malformed: -1 }),
      stats({ malformed: 1.5 }),
      stats({ malformed: '3' }),
      stats({ malformed: IPC_MAX_STATS_COUNT + 1 }),
      stats({ '': 1 }),
      stats({ 'bad reason': 1 }),
      stats({ ['x'.repeat(33)]: 1 }),
      stats({ reason: 1, 'a"}\n': 1 }),
      stats({ ...many, oneMore: 1 }),
      { type: 'stats', dropped: { malformed: 1 } },
      { type: 'stats', gameId: 'g'.repeat(65), dropped: {} },
    ];
    for (const b of bad)
      expect(
        codeOf(() => parseChildToParentMessage(b)),
        JSON.stringify(b).slice(0, 80),
      ).toBe('E_INVALID_IPC_MESSAGE');
  });

  it('parses the optional tick health of a stats message, and bounds every field of it', () => {
    const health = {
      tickRateHz: 30,
      intervalMs: 1000,
      ticks: 30,
      lateP50Ms: 0.5,
      lateP99Ms: 4,
      lateMaxMs: 7.25,
      skippedTicks: 0,
      cpuMs: 33.5,
    };
    const stats = (h: unknown): unknown => ({ type: 'stats', gameId: 'g', dropped: {}, health: h });
    // Old-style stats (no health) still parse, and the field is not invented.
    expect(parseChildToParentMessage({ type: 'stats', gameId: 'g', dropped: {} })).not.toHaveProperty('health');
    expect(parseChildToParentMessage(stats(health))).toEqual(stats(health));
    const edge = {
      tickRateHz: 1000,
      intervalMs: IPC_MAX_STATS_MS,
      ticks: IPC_MAX_STATS_COUNT,
      lateP50Ms: 0,
      lateP99Ms: IPC_MAX_STATS_MS,
      lateMaxMs: IPC_MAX_STATS_MS,
      skippedTicks: IPC_MAX_STATS_COUNT,
      cpuMs: 0,
    };
    expect(parseChildToParentMessage(stats(edge))).toEqual(stats(edge));
    // Unknown fields of health are not carried over.
    expect(parseChildToParentMessage(stats({ ...health, extra: 'x'.repeat(10_000) }))).toEqual(stats(health));
    const bad: unknown[] = [
      stats(null),
      stats([1]),
      stats('fine'),
      stats({ ...health, tickRateHz: 0 }),
      stats({ ...health, tickRateHz: 1001 }),
      stats({ ...health, tickRateHz: '30' }),
      stats({ ...health, intervalMs: 0 }),
      stats({ ...health, intervalMs: IPC_MAX_STATS_MS + 1 }),
      stats({ ...health, ticks: -1 }),
      stats({ ...health, ticks: 1.5 }),
      stats({ ...health, ticks: IPC_MAX_STATS_COUNT + 1 }),
      stats({ ...health, lateP50Ms: -0.1 }),
      stats({ ...health, lateP50Ms: Number.NaN }),
      stats({ ...health, lateP99Ms: Number.POSITIVE_INFINITY }),
      stats({ ...health, lateMaxMs: IPC_MAX_STATS_MS + 1 }),
      stats({ ...health, lateP50Ms: 5, lateP99Ms: 4 }),
      stats({ ...health, lateMaxMs: 3 }),
      stats({ ...health, skippedTicks: -1 }),
      stats({ ...health, skippedTicks: undefined }),
      stats({ ...health, cpuMs: -1 }),
      stats({ ...health, cpuMs: '33' }),
      stats({ ...health, cpuMs: undefined }),
      { type: 'stats', gameId: 'g', health },
    ];
    for (const b of bad)
      expect(
        codeOf(() => parseChildToParentMessage(b)),
        JSON.stringify(b).slice(0, 200),
      ).toBe('E_INVALID_IPC_MESSAGE');
  });

  it('accepts the shutdown reason of an operator ending a game', () => {
    expect(ShutdownReason.ENDED_BY_OPERATOR).toBe('endedByOperator');
    const end = { type: 'shutdown', reason: ShutdownReason.ENDED_BY_OPERATOR, graceMs: 5000 } as const;
    expect(parseParentToChildMessage(JSON.parse(JSON.stringify(end)))).toEqual(end);
    for (const reason of Object.values(ShutdownReason))
      expect(parseParentToChildMessage({ type: 'shutdown', reason, graceMs: 0 })).toMatchObject({ reason });
    expect(codeOf(() => parseParentToChildMessage({ type: 'shutdown', reason: 'EndedByOperator', graceMs: 0 }))).toBe(
      'E_INVALID_IPC_MESSAGE',
    );
  });

  it('parses the optional connected slots of a stats message, strictly', () => {
    const stats = (connected: unknown): unknown => ({ type: 'stats', gameId: 'g', dropped: {}, connected });
    // Absent: not invented; present: kept as sent, empty included.
    expect(parseChildToParentMessage({ type: 'stats', gameId: 'g', dropped: {} })).not.toHaveProperty('connected');
    for (const connected of [[], [0], [2, 0, 1], [254]])
      expect(parseChildToParentMessage(stats(connected))).toEqual(stats(connected));
    const all = Array.from({ length: 255 }, (_, i) => i);
    expect(parseChildToParentMessage(stats(all))).toEqual(stats(all));
    const bad: unknown[] = [
      stats(null),
      stats('0,1'),
      stats({ 0: true }),
      stats([-1]),
      stats([255]),
      stats([1.5]),
      stats(['1']),
      stats([true]),
      stats([0, 1, 0]),
      stats([...all, 0]),
      stats(Array.from({ length: 256 }, (_, i) => i % 255)),
    ];
    for (const b of bad)
      expect(
        codeOf(() => parseChildToParentMessage(b)),
        JSON.stringify(b).slice(0, 200),
      ).toBe('E_INVALID_IPC_MESSAGE');
  });

  it('keeps a hostile stats reason off the prototype chain', () => {
    const raw = JSON.parse('{"type":"stats","gameId":"g","dropped":{"__proto__":{"polluted":1}}}') as unknown;
    expect(codeOf(() => parseChildToParentMessage(raw))).toBe('E_INVALID_IPC_MESSAGE');
    const ok = parseChildToParentMessage({ type: 'stats', gameId: 'g', dropped: { toString: 2, constructor: 1 } });
    expect(ok).toEqual({ type: 'stats', gameId: 'g', dropped: { toString: 2, constructor: 1 } });
    if (ok.type !== 'stats') throw new Error('expected stats');
    expect(Object.getPrototypeOf(ok.dropped)).toBeNull();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('throws only ProtocolError on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        for (const parse of [parseParentToChildMessage, parseChildToParentMessage]) {
          try {
            parse(v);
          } catch (e) {
            if (!(e instanceof ProtocolError)) throw e;
          }
        }
      }),
    );
  });
});
