import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { FakeSpawner } from '../test/helpers/fake-spawner.js';
import { OrchestratorError } from './errors.js';
import { ORCHESTRATOR_DEFAULTS, type OrchestratorOptions, resolveOptions } from './options.js';

const base: OrchestratorOptions = { spawner: new FakeSpawner(), ports: { first: 50000, last: 50003 } };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OrchestratorError);
    return (error as OrchestratorError).code;
  }
  return undefined;
}

describe('resolveOptions', () => {
  it('applies the defaults', () => {
    const o = resolveOptions(base);
    expect(o.ring.capacity).toBe(4);
    expect(o.maxGames).toBe(4);
    expect(o.host).toBe('127.0.0.1');
    expect(o.advertisedHost).toBe('127.0.0.1');
    expect(o.udpBindHost).toBe('127.0.0.1');
    expect([...o.modes]).toEqual([['default', { playersPerGame: 2 }]]);
    expect(o.defaultMode).toBe('default');
    expect(o.helloTimeoutMs).toBe(ORCHESTRATOR_DEFAULTS.helloTimeoutMs);
    expect(o.warmPool).toEqual({
      min: 0,
      max: 4,
      buffer: { kind: 'count', count: 0 },
      refillRate: 0,
      shrinkDelayMs: 30_000,
    });
  });

  it('takes a warm pool that follows demand: a buffer as a count or a percentage, bounds, rate, shrink delay', () => {
    expect(
      resolveOptions({
        ...base,
        warmPoolSize: 1,
        warmPoolBuffer: '25%',
        warmPoolMax: 3,
        warmPoolRefillRate: 2.5,
        warmPoolShrinkDelayMs: 0,
      }).warmPool,
    ).toEqual({ min: 1, max: 3, buffer: { kind: 'percent', percent: 25 }, refillRate: 2.5, shrinkDelayMs: 0 });
    expect(resolveOptions({ ...base, warmPoolBuffer: 2 }).warmPool.buffer).toEqual({ kind: 'count', count: 2 });
    expect(resolveOptions({ ...base, warmPoolBuffer: ' 12.5 %' }).warmPool.buffer).toEqual({
      kind: 'percent',
      percent: 12.5,
    });
  });

  it.each([
    [{ warmPoolMax: 5 }, 'warmPoolMax must be an integer in 0..4'],
    [{ warmPoolSize: 3, warmPoolMax: 2 }, 'warmPoolMax (2) must not be below warmPoolSize (3)'],
    [{ warmPoolBuffer: -1 }, 'warmPoolBuffer must be a count >= 0'],
    [{ warmPoolBuffer: '25 percent' }, "warmPoolBuffer '25 percent' is not a count"],
    [{ warmPoolBuffer: '1001%' }, 'warmPoolBuffer a percentage must be in 0..1000%'],
    [{ warmPoolBuffer: true }, 'warmPoolBuffer must be a count (4) or a percentage'],
    [{ warmPoolRefillRate: -1 }, 'warmPoolRefillRate must be a number of starts per second'],
    [{ warmPoolRefillRate: Number.NaN }, 'warmPoolRefillRate must be a number of starts per second'],
    [{ warmPoolShrinkDelayMs: 1.5 }, 'warmPoolShrinkDelayMs must be an integer'],
  ])('refuses the warm pool option %j, saying why', (patch, why) => {
    expect(() => resolveOptions({ ...base, ...(patch as object) })).toThrow(why);
  });

  it('applies the admission defaults and takes its settings, 0 and 1 included', () => {
    const o = resolveOptions(base);
    expect(o.maxConcurrentStarts).toBe(availableParallelism());
    expect(o.admissionCpuThreshold).toBe(0);
    expect(o.admissionMaxTickLate).toBe(1);
    expect(
      resolveOptions({ ...base, maxConcurrentStarts: 1, admissionCpuThreshold: 1, admissionMaxTickLate: 0 }),
    ).toMatchObject({ maxConcurrentStarts: 1, admissionCpuThreshold: 1, admissionMaxTickLate: 0 });
    expect(resolveOptions({ ...base, admissionCpuThreshold: 0, admissionMaxTickLate: 2.5 })).toMatchObject({
      admissionCpuThreshold: 0,
      admissionMaxTickLate: 2.5,
    });
  });

  it('applies the message rate limit defaults, takes its settings, and turns a limit off with a rate of 0', () => {
    const d = ORCHESTRATOR_DEFAULTS;
    expect(resolveOptions(base)).toMatchObject({
      messageLimits: {
        messages: { perSecond: d.messagesPerSecond, burst: d.messageBurst },
        pings: { perSecond: d.pingsPerSecond, burst: d.pingBurst },
        beforeHello: { perSecond: d.beforeHelloPerSecond, burst: d.beforeHelloBurst },
      },
      rateLimitPenaltyMs: d.rateLimitPenaltyMs,
    });
    const o = resolveOptions({
      ...base,
      messagesPerSecond: 0,
      pingsPerSecond: 0.5,
      pingBurst: 1,
      beforeHelloPerSecond: 0,
      rateLimitPenaltyMs: 0,
    });
    expect(o.messageLimits).toEqual({
      messages: undefined,
      pings: { perSecond: 0.5, burst: 1 },
      beforeHello: undefined,
    });
    expect(o.rateLimitPenaltyMs).toBe(0);
  });

  it('advertises "" (the host the client reached) when listening on a wildcard address', () => {
    expect(resolveOptions({ ...base, host: '0.0.0.0' }).advertisedHost).toBe('');
    expect(resolveOptions({ ...base, host: '::', advertisedHost: 'game.example' }).advertisedHost).toBe('game.example');
  });

  it('takes a list of ports and caps games at min(maxConcurrentGames, ports)', () => {
    expect(resolveOptions({ ...base, ports: [50010, 50020] }).maxGames).toBe(2);
    expect(resolveOptions({ ...base, maxConcurrentGames: 3 }).maxGames).toBe(3);
    expect(resolveOptions({ ...base, maxConcurrentGames: 99 }).maxGames).toBe(4);
  });

  it('picks the first mode as default and keeps game options', () => {
    const o = resolveOptions({
      ...base,
      modes: { duel: { playersPerGame: 2, gameOptions: { tick: 30 } }, ffa: { playersPerGame: 8 } },
    });
    expect(o.defaultMode).toBe('duel');
    expect(o.modes.get('duel')).toEqual({ playersPerGame: 2, gameOptions: { tick: 30 } });
  });

  it("keeps a mode's game module (an absolute path)", () => {
    const o = resolveOptions({ ...base, modes: { clicker: { playersPerGame: 2, gameModule: '/srv/clicker.js' } } });
    expect(o.modes.get('clicker')).toEqual({ playersPerGame: 2, gameModule: '/srv/clicker.js' });
  });

  it.each([
    [{ spawner: undefined }],
    [{ spawner: {} }],
    [{ ports: undefined }],
    [{ ports: { first: 10, last: 5 } }],
    [{ ports: [70000] }],
    [{ ports: [] }],
    [{ port: -1 }],
    [{ host: '' }],
    [{ modes: {} }],
    [{ modes: { duel: { playersPerGame: 0 } } }],
    [{ modes: { duel: { playersPerGame: 256 } } }],
    [{ modes: { duel: { playersPerGame: 2, gameOptions: [] } } }],
    [{ modes: { duel: { playersPerGame: 2, gameModule: './clicker.js' } } }],
    [{ modes: { duel: { playersPerGame: 2, gameModule: 42 } } }],
    [{ modes: { 'a\u0007': { playersPerGame: 2 } } }],
    [{ modes: { ['\ud800']: { playersPerGame: 2 } } }],
    [{ modes: { ['m'.repeat(33)]: { playersPerGame: 2 } } }],
    [{ advertisedHost: 'bad\nhost' }],
    [{ advertisedHost: 'h'.repeat(256) }],
    [{ defaultMode: 'nope' }],
    [{ warmPoolSize: 5 }],
    [{ helloTimeoutMs: 0 }],
    [{ readyTimeoutMs: 1.5 }],
    [{ maxFrameBytes: 10 }],
    [{ maxConnections: 0 }],
    [{ logger: { info() {} } }],
    [{ maxConcurrentStarts: 0 }],
    [{ maxConcurrentStarts: 1.5 }],
    [{ maxConcurrentStarts: '2' }],
    [{ admissionCpuThreshold: -0.1 }],
    [{ admissionCpuThreshold: 1.01 }],
    [{ admissionCpuThreshold: Number.NaN }],
    [{ admissionCpuThreshold: '0.9' }],
    [{ admissionMaxTickLate: -1 }],
    [{ admissionMaxTickLate: Number.POSITIVE_INFINITY }],
    [{ admissionMaxTickLate: 1_001 }],
    [{ messagesPerSecond: -1 }],
    [{ messagesPerSecond: Number.NaN }],
    [{ messageBurst: 0 }],
    [{ pingsPerSecond: '2' }],
    [{ pingBurst: 1.5 }],
    [{ beforeHelloPerSecond: Number.POSITIVE_INFINITY }],
    [{ beforeHelloBurst: 0 }],
    [{ rateLimitPenaltyMs: -1 }],
  ])('refuses %j with E_INVALID_OPTIONS', (patch) => {
    expect(code(() => resolveOptions({ ...base, ...(patch as object) }))).toBe('E_INVALID_OPTIONS');
  });

  it('refuses a non-object', () => {
    expect(code(() => resolveOptions(null as unknown as OrchestratorOptions))).toBe('E_INVALID_OPTIONS');
  });
});
