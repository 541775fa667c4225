import { IPC_MAX_STATS_COUNT, IPC_MAX_STATS_REASONS, parseChildToParentMessage } from '@proj/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DropReport } from './drop-report.js';

describe('DropReport', () => {
  it('reports only what moved since the previous message, and nothing when nothing did', () => {
    const counts: Record<string, number> = { malformed: 0, tokenForged: 0, stale: 0 };
    const report = new DropReport('g-1', () => counts);
    expect(report.next()).toBeUndefined();
    counts['malformed'] = 3;
    counts['tokenForged'] = 1;
    expect(report.next()).toEqual({ type: 'stats', gameId: 'g-1', dropped: { malformed: 3, tokenForged: 1 } });
    expect(report.next()).toBeUndefined();
    counts['malformed'] = 5;
    expect(report.next()).toEqual({ type: 'stats', gameId: 'g-1', dropped: { malformed: 2 } });
  });

  it('splits what is beyond the contract bounds over several messages, each one valid', () => {
    const counts = Object.fromEntries(Array.from({ length: IPC_MAX_STATS_REASONS + 2 }, (_, i) => [`r${i}`, 1]));
    counts['r0'] = IPC_MAX_STATS_COUNT + 5;
    const report = new DropReport('g', () => counts);
    const first = report.next()!;
    expect(Object.keys(first.dropped)).toHaveLength(IPC_MAX_STATS_REASONS);
    expect(first.dropped['r0']).toBe(IPC_MAX_STATS_COUNT);
    expect(parseChildToParentMessage(first)).toEqual(first);
    expect(report.next()!.dropped).toEqual({
      r0: 5,
      [`r${IPC_MAX_STATS_REASONS}`]: 1,
      [`r${IPC_MAX_STATS_REASONS + 1}`]: 1,
    });
    expect(report.next()).toBeUndefined();
  });

  it('the messages add up to the counters, whatever the order and size of the increments', () => {
    const reasons = ['malformed', 'rateLimited', 'tokenForged', 'stale'] as const;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...reasons), fc.nat(1000), fc.boolean())), (steps) => {
        const counts: Record<string, number> = Object.fromEntries(reasons.map((r) => [r, 0]));
        const report = new DropReport('g', () => counts);
        const summed: Record<string, number> = Object.fromEntries(reasons.map((r) => [r, 0]));
        const add = (m: ReturnType<DropReport['next']>): void => {
          if (m === undefined) return;
          for (const [r, n] of Object.entries(m.dropped)) {
            expect(n).toBeGreaterThan(0);
            summed[r] = (summed[r] ?? 0) + n;
          }
        };
        for (const [reason, n, flush] of steps) {
          counts[reason] = (counts[reason] ?? 0) + n;
          if (flush) add(report.next());
        }
        add(report.next());
        expect(summed).toEqual(counts);
      }),
    );
  });
});
