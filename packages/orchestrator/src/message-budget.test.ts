import { describe, expect, it } from 'vitest';
import { MessageBudget, type MessageLimits, describeExceeded } from './message-budget.js';

const limits: MessageLimits = {
  messages: { perSecond: 10, burst: 6 },
  pings: { perSecond: 1, burst: 4 },
  beforeHello: { perSecond: 1, burst: 3 },
};

function spendUntilExceeded(budget: MessageBudget, isPing: boolean, beforeHello: boolean): [number, string] {
  for (let n = 0; n < 1_000; n++) {
    const exceeded = budget.spend(isPing, beforeHello, 0);
    if (exceeded !== undefined) return [n, exceeded];
  }
  throw new Error('never exceeded');
}

describe('MessageBudget', () => {
  it('holds a connection before hello to the tighter budget', () => {
    expect(spendUntilExceeded(new MessageBudget(limits, 0), false, true)).toEqual([3, 'beforeHello']);
    expect(spendUntilExceeded(new MessageBudget(limits, 0), true, true)).toEqual([3, 'beforeHello']);
  });

  it('after hello, limits pings by their own budget and every frame by the all-frames one', () => {
    expect(spendUntilExceeded(new MessageBudget(limits, 0), true, false)).toEqual([4, 'pings']);
    expect(spendUntilExceeded(new MessageBudget(limits, 0), false, false)).toEqual([6, 'messages']);
    // Frames before hello count against the all-frames budget too.
    const budget = new MessageBudget(limits, 0);
    for (let i = 0; i < 3; i++) expect(budget.spend(false, true, 0)).toBeUndefined();
    expect(spendUntilExceeded(budget, false, false)).toEqual([3, 'messages']);
  });

  it('enforces nothing for a limit left undefined', () => {
    const budget = new MessageBudget({ messages: undefined, pings: undefined, beforeHello: undefined }, 0);
    for (let i = 0; i < 10_000; i++) expect(budget.spend(i % 2 === 0, i % 3 === 0, 0)).toBeUndefined();
  });

  it('lets an SDK client that pings every 5 s go on forever', () => {
    const budget = new MessageBudget(limits, 0);
    expect(budget.spend(false, true, 0)).toBeUndefined(); // hello
    for (let t = 5_000; t < 3_600_000; t += 5_000) expect(budget.spend(true, false, t)).toBeUndefined();
  });

  it('describes the limit that was exceeded', () => {
    expect(describeExceeded('pings', limits)).toBe('pings over 1/s (burst 4)');
    expect(describeExceeded('beforeHello', limits)).toBe('frames before hello over 1/s (burst 3)');
    expect(describeExceeded('messages', limits)).toBe('frames over 10/s (burst 6)');
  });
});
