import { WireErrorCode } from '@proj/protocol';
import { describe, expect, it } from 'vitest';
import { resolveNoShowPolicy } from './no-show-options.js';
import { PlayerHolds } from './player-holds.js';

function holds(maxQueuedPerIp = 2): PlayerHolds {
  const policy = resolveNoShowPolicy({
    maxQueuedPerIp,
    noShowLimit: 1,
    noShowWindowMs: 60_000,
    noShowBackoffMs: 1_000,
  });
  if (typeof policy === 'string') throw new Error(policy);
  return new PlayerHolds(policy, new Map([['duel', {}]]));
}

const hello = (name: string, mode?: string) =>
  ({ type: 'hello', protocolVersion: 1, name, ...(mode === undefined ? {} : { mode }) }) as const;

describe('PlayerHolds', () => {
  it('refuses a blank name, an unknown mode, and an address over its cap until a hold is released', () => {
    const h = holds(2);
    expect(h.admit('1.1.1.1', hello(' '), 'duel')?.code).toBe(WireErrorCode.BAD_NAME);
    expect(h.admit('1.1.1.1', hello('ann', 'nope'), 'nope')).toEqual({
      code: WireErrorCode.UNKNOWN_MODE,
      message: "unknown mode 'nope': the mode is duel",
    });
    h.hold('1.1.1.1');
    h.hold('1.1.1.1');
    expect(h.admit('1.1.1.1', hello('ann'), 'duel')?.code).toBe(WireErrorCode.TOO_MANY_QUEUED_FROM_IP);
    expect(h.admit('2.2.2.2', hello('bob'), 'duel')).toBeUndefined();
    h.release('1.1.1.1');
    expect(h.admit('1.1.1.1', hello('ann'), 'duel')).toBeUndefined();
  });

  it('keeps matched players held until the join report, counting a no-show that then refuses the address', () => {
    const h = holds(1);
    h.hold('1.1.1.1');
    h.awaitJoins('g1', [{ remoteAddress: '1.1.1.1', name: 'ann' }]);
    expect(h.admit('1.1.1.1', hello('cat'), 'duel')?.code).toBe(WireErrorCode.TOO_MANY_QUEUED_FROM_IP);
    const report = h.joinReported('g1', [], [0]);
    expect(report?.players).toEqual([{ slot: 0, name: 'ann', remoteAddress: '1.1.1.1' }]);
    const refusal = h.admit('1.1.1.1', hello('cat'), 'duel');
    expect(refusal?.code).toBe(WireErrorCode.NO_SHOW_BACKOFF);
    expect(refusal?.message).toMatch(/refused for 1 s/);
    expect(h.joinReported('g1', [], [0])).toBeUndefined(); // reported once
  });

  it('takes games whose seats are partly held by other hosts (undefined slots) through join reports and ends', () => {
    const h = holds(1);
    h.hold('1.1.1.1');
    h.awaitJoins('g1', [undefined, { remoteAddress: '1.1.1.1', name: 'ann' }, undefined]);
    expect(h.joinReported('g1', [0, 1], [2])).toBeUndefined();
    expect(h.admit('1.1.1.1', hello('ann'), 'duel')).toBeUndefined();
    h.hold('1.1.1.1');
    h.awaitJoins('g2', [{ remoteAddress: '1.1.1.1', name: 'ann' }, undefined]);
    h.gameEnded('g2');
    expect(h.admit('1.1.1.1', hello('ann'), 'duel')).toBeUndefined();
  });
});
