import { describe, expect, it } from 'vitest';
import { Matchmaker, MatchmakerError, MatchmakerErrorCode, type Group } from './index.js';

const modes = { duel: { playersPerGame: 2 }, arena: { playersPerGame: 4 } };

function ids<Id>(group: Group<Id, unknown> | undefined): Id[] | undefined {
  return group?.members.map((m) => m.id);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MatchmakerError);
    return (error as MatchmakerError).code;
  }
  return undefined;
}

describe('constructor', () => {
  it('keeps the modes in key order with their K', () => {
    const mm = new Matchmaker<string>({ modes });
    expect(mm.modes).toEqual(['duel', 'arena']);
    expect(mm.playersPerGame('duel')).toBe(2);
    expect(mm.playersPerGame('arena')).toBe(4);
    expect(mm.size()).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity, 2 ** 53, '2', undefined])('rejects playersPerGame %s', (k) => {
    const options = { modes: { duel: { playersPerGame: k } } } as unknown as ConstructorParameters<
      typeof Matchmaker
    >[0];
    expect(codeOf(() => new Matchmaker(options))).toBe('E_INVALID_GROUP_SIZE');
  });

  it('rejects options without modes, with no mode, or with a mode that is not an object', () => {
    for (const options of [undefined, null, {}, { modes: null }, { modes: {} }, { modes: { duel: 2 } }]) {
      const bad = options as unknown as ConstructorParameters<typeof Matchmaker>[0];
      expect(codeOf(() => new Matchmaker(bad))).toBe(MatchmakerErrorCode.INVALID_CONFIG);
    }
  });

  it('accepts K = 1', () => {
    const mm = new Matchmaker<number>({ modes: { solo: { playersPerGame: 1 } } });
    mm.join(7, 'solo');
    expect(ids(mm.takeNextGroup())).toEqual([7]);
  });
});

describe('join, leave, has, modeOf, size', () => {
  it('returns the 0-based position on join and counts per mode', () => {
    const mm = new Matchmaker<string>({ modes });
    expect(mm.join('a', 'duel')).toBe(0);
    expect(mm.join('b', 'arena')).toBe(0);
    expect(mm.join('c', 'duel')).toBe(1);
    expect(mm.size()).toBe(3);
    expect(mm.size('duel')).toBe(2);
    expect(mm.sizes()).toEqual(
      new Map([
        ['duel', 2],
        ['arena', 1],
      ]),
    );
    expect(mm.has('a')).toBe(true);
    expect(mm.modeOf('b')).toBe('arena');
    expect(mm.modeOf('z')).toBeUndefined();
  });

  it('rejects an unknown mode and a second join in any mode, changing nothing', () => {
    const mm = new Matchmaker<string>({ modes });
    mm.join('a', 'duel');
    expect(codeOf(() => mm.join('b', 'chess'))).toBe('E_UNKNOWN_MODE');
    expect(codeOf(() => mm.join('a', 'duel'))).toBe('E_ALREADY_QUEUED');
    expect(codeOf(() => mm.join('a', 'arena'))).toBe('E_ALREADY_QUEUED');
    expect(codeOf(() => mm.size('chess'))).toBe('E_UNKNOWN_MODE');
    expect(codeOf(() => mm.playersPerGame('chess'))).toBe('E_UNKNOWN_MODE');
    expect(mm.size()).toBe(1);
    expect(mm.has('b')).toBe(false);
  });

  it('leave returns true once, then false; unknown players give false', () => {
    const mm = new Matchmaker<string>({ modes });
    mm.join('a', 'duel');
    expect(mm.leave('a')).toBe(true);
    expect(mm.leave('a')).toBe(false);
    expect(mm.leave('nobody')).toBe(false);
    expect(mm.size()).toBe(0);
    expect(mm.join('a', 'arena')).toBe(0);
  });

  it('accepts object ids by identity and hands payloads back', () => {
    const alice = { name: 'alice' };
    const twin = { name: 'alice' };
    const mm = new Matchmaker<object, { rating: number }>({ modes });
    mm.join(alice, 'duel', { rating: 1200 });
    mm.join(twin, 'duel', { rating: 900 });
    const group = mm.takeGroup('duel');
    expect(group?.members.map((m) => m.id)).toEqual([alice, twin]);
    expect(group?.members[0]?.id).toBe(alice);
    expect(group?.members.map((m) => m.payload.rating)).toEqual([1200, 900]);
  });

  it('makes the payload optional only when it may be undefined', () => {
    const loose = new Matchmaker<number>({ modes });
    loose.join(1, 'duel');
    const strict = new Matchmaker<number, string>({ modes });
    // @ts-expect-error a required payload is missing
    expect(() => strict.join(1, 'duel')).not.toThrow();
    strict.join(2, 'duel', 'two');
    expect([...strict.waiting('duel')].map((p) => p.payload)).toEqual([undefined, 'two']);
  });
});

describe('position', () => {
  it('tracks joins, leaves from the front, middle and back, takes and requeues', () => {
    const mm = new Matchmaker<string>({ modes });
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) mm.join(id, 'duel');
    expect(mm.position('d')).toBe(3);
    mm.leave('c');
    expect(['a', 'b', 'd', 'e', 'f'].map((id) => mm.position(id))).toEqual([0, 1, 2, 3, 4]);
    mm.leave('a');
    mm.leave('f');
    mm.leave('d');
    mm.join('g', 'duel');
    expect(['b', 'e', 'g'].map((id) => mm.position(id))).toEqual([0, 1, 2]);
    const group = mm.takeGroup('duel');
    expect(ids(group)).toEqual(['b', 'e']);
    expect(mm.position('g')).toBe(0);
    mm.requeueFront(group as Group<string, undefined>);
    expect(['b', 'e', 'g'].map((id) => mm.position(id))).toEqual([0, 1, 2]);
    expect(mm.position('a')).toBeUndefined();
  });

  it('stays right with several middle leaves between reads', () => {
    const mm = new Matchmaker<number>({ modes });
    for (let i = 0; i < 100; i++) mm.join(i, 'arena');
    for (let i = 1; i < 100; i += 3) mm.leave(i);
    const left = [...Array(100).keys()].filter((i) => i % 3 !== 1);
    // Read from the back first: the first read renumbers, the rest are O(1).
    for (let j = left.length - 1; j >= 0; j--) expect(mm.position(left[j] as number)).toBe(j);
  });
});

describe('groups', () => {
  it('forms a group of exactly K in arrival order and leaves the rest', () => {
    const mm = new Matchmaker<string>({ modes });
    mm.join('a', 'arena');
    mm.join('b', 'arena');
    mm.join('c', 'arena');
    expect(mm.hasReadyGroup('arena')).toBe(false);
    expect(mm.takeGroup('arena')).toBeUndefined();
    mm.join('d', 'arena');
    mm.join('e', 'arena');
    expect(mm.hasReadyGroup()).toBe(true);
    const group = mm.takeGroup('arena');
    expect(group?.mode).toBe('arena');
    expect(ids(group)).toEqual(['a', 'b', 'c', 'd']);
    expect(group?.members.map((m) => m.arrival)).toEqual([0, 1, 2, 3]);
    expect([...mm.waiting('arena')].map((p) => p.id)).toEqual(['e']);
    expect(mm.has('a')).toBe(false);
    expect(mm.leave('a')).toBe(false);
  });

  it('takeNextGroup serves the mode whose next group has the earliest first arrival', () => {
    const mm = new Matchmaker<string>({ modes });
    mm.join('a1', 'arena');
    mm.join('d1', 'duel');
    mm.join('a2', 'arena');
    mm.join('d2', 'duel');
    mm.join('a3', 'arena');
    expect(mm.hasReadyGroup('arena')).toBe(false);
    // Only duel is full, though arena's first player arrived earlier.
    expect(ids(mm.takeNextGroup())).toEqual(['d1', 'd2']);
    mm.join('d3', 'duel');
    mm.join('d4', 'duel');
    mm.join('a4', 'arena');
    expect(ids(mm.takeNextGroup())).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(ids(mm.takeNextGroup())).toEqual(['d3', 'd4']);
    expect(mm.takeNextGroup()).toBeUndefined();
    expect(mm.hasReadyGroup()).toBe(false);
  });

  it('a requeued group keeps its arrival stamps, so it wins the next cross-mode pick', () => {
    const mm = new Matchmaker<string>({ modes });
    mm.join('d1', 'duel');
    mm.join('d2', 'duel');
    const duel = mm.takeNextGroup() as Group<string, undefined>;
    for (const id of ['a1', 'a2', 'a3', 'a4']) mm.join(id, 'arena');
    mm.requeueFront(duel);
    expect(ids(mm.takeNextGroup())).toEqual(['d1', 'd2']);
  });

  it('takeGroup of an unknown mode throws', () => {
    const mm = new Matchmaker<string>({ modes });
    expect(codeOf(() => mm.takeGroup('chess'))).toBe('E_UNKNOWN_MODE');
    expect(codeOf(() => mm.hasReadyGroup('chess'))).toBe('E_UNKNOWN_MODE');
  });
});

describe('requeueFront', () => {
  it('puts the group before everyone of its mode, in its old order', () => {
    const mm = new Matchmaker<string>({ modes });
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) mm.join(id, 'duel');
    const first = mm.takeGroup('duel') as Group<string, undefined>;
    const second = mm.takeGroup('duel') as Group<string, undefined>;
    mm.join('g', 'duel');
    mm.requeueFront(second);
    mm.requeueFront(first);
    expect([...mm.waiting('duel')].map((p) => [p.id, p.position])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['d', 3],
      ['e', 4],
      ['f', 5],
      ['g', 6],
    ]);
  });

  it('requeues the members that are still there; the next arrival completes the group', () => {
    const mm = new Matchmaker<string>({ modes });
    for (const id of ['a', 'b', 'c', 'd', 'e']) mm.join(id, 'arena');
    const group = mm.takeGroup('arena') as Group<string, undefined>;
    const gone = new Set(['b']);
    mm.requeueFront({ ...group, members: group.members.filter((m) => !gone.has(m.id)) });
    expect([...mm.waiting('arena')].map((p) => p.id)).toEqual(['a', 'c', 'd', 'e']);
    expect(ids(mm.takeGroup('arena'))).toEqual(['a', 'c', 'd', 'e']);
  });

  it('works on an empty queue and with an empty group', () => {
    const mm = new Matchmaker<string>({ modes });
    mm.join('a', 'duel');
    mm.join('b', 'duel');
    const group = mm.takeGroup('duel') as Group<string, undefined>;
    mm.requeueFront({ mode: 'duel', members: [] });
    expect(mm.size()).toBe(0);
    mm.requeueFront(group);
    expect([...mm.waiting()].map((p) => p.id)).toEqual(['a', 'b']);
    expect(mm.position('b')).toBe(1);
  });

  it('throws E_ALREADY_QUEUED when a member joined again, requeueing nobody', () => {
    const mm = new Matchmaker<string>({ modes });
    for (const id of ['a', 'b', 'c']) mm.join(id, 'duel');
    const group = mm.takeGroup('duel') as Group<string, undefined>;
    mm.join('b', 'arena');
    expect(codeOf(() => mm.requeueFront(group))).toBe('E_ALREADY_QUEUED');
    expect(mm.has('a')).toBe(false);
    expect([...mm.waiting()].map((p) => p.id)).toEqual(['c', 'b']);
  });

  it('rejects groups that cannot be a group of that mode', () => {
    const mm = new Matchmaker<string>({ modes });
    for (const id of ['a', 'b', 'c', 'd']) mm.join(id, 'arena');
    const group = mm.takeGroup('arena') as Group<string, undefined>;
    const bad: unknown[] = [
      null,
      { ...group, members: 'abcd' },
      { ...group, mode: 'duel' }, // 4 members > K = 2
      { ...group, members: [group.members[0], group.members[0]] },
      { ...group, members: [{ id: 'x', payload: undefined, arrival: 99 }] },
      { ...group, members: [{ id: 'x', payload: undefined, arrival: -1 }] },
      { ...group, members: [{ id: 'x', payload: undefined }] },
      { ...group, members: [null] },
    ];
    for (const g of bad) expect(codeOf(() => mm.requeueFront(g as Group<string, undefined>))).toBe('E_INVALID_GROUP');
    expect(codeOf(() => mm.requeueFront({ ...group, mode: 'chess' }))).toBe('E_UNKNOWN_MODE');
    expect(mm.size()).toBe(0);
    mm.requeueFront(group);
    expect(mm.size('arena')).toBe(4);
  });
});

describe('peek', () => {
  it('shows the front player of a mode without taking it, through leaves, takes and requeues', () => {
    const mm = new Matchmaker<string, { name: string }>({ modes });
    expect(mm.peek('duel')).toBeUndefined();
    mm.join('a', 'duel', { name: 'ann' });
    mm.join('b', 'duel', { name: 'bob' });
    mm.join('c', 'duel', { name: 'cyd' });
    mm.join('d', 'duel', { name: 'dee' });
    mm.join('x', 'arena', { name: 'xia' });
    expect(mm.peek('duel')).toEqual({ id: 'a', mode: 'duel', payload: { name: 'ann' }, arrival: 0, position: 0 });
    expect(mm.peek('arena')?.id).toBe('x');
    expect(mm.size('duel')).toBe(4); // nothing taken
    expect(mm.leave('a')).toBe(true);
    expect(mm.peek('duel')?.id).toBe('b');
    const group = mm.takeGroup('duel')!; // b and c
    expect(mm.peek('duel')?.id).toBe('d');
    mm.requeueFront(group);
    expect(mm.peek('duel')).toMatchObject({ id: 'b', arrival: 1, position: 0 });
    mm.clear();
    expect(mm.peek('duel')).toBeUndefined();
    expect(codeOf(() => mm.peek('nope'))).toBe(MatchmakerErrorCode.UNKNOWN_MODE);
  });
});

describe('waiting', () => {
  it('lists every mode in mode order, each front to back', () => {
    const mm = new Matchmaker<string>({ modes });
    mm.join('x', 'arena');
    mm.join('a', 'duel');
    mm.join('y', 'arena');
    expect([...mm.waiting()].map((p) => `${p.mode}:${p.id}@${p.position}#${p.arrival}`)).toEqual([
      'duel:a@0#1',
      'arena:x@0#0',
      'arena:y@1#2',
    ]);
    expect(codeOf(() => mm.waiting('chess'))).toBe('E_UNKNOWN_MODE');
  });

  it('throws E_CONCURRENT_MODIFICATION when the queue changes during iteration', () => {
    const mm = new Matchmaker<string>({ modes });
    for (const id of ['a', 'b', 'c']) mm.join(id, 'duel');
    expect(
      codeOf(() => {
        for (const p of mm.waiting('duel')) mm.leave(p.id);
      }),
    ).toBe('E_CONCURRENT_MODIFICATION');
    // Changing another mode is fine, and collecting first is the documented way out.
    for (const p of mm.waiting('duel')) mm.join(`${p.id}2`, 'arena');
    for (const p of [...mm.waiting('duel')]) mm.leave(p.id);
    expect(mm.size('duel')).toBe(0);
  });
});

describe('takePositionChanges', () => {
  const view = (mm: Matchmaker<string>) => mm.takePositionChanges().map((p) => `${p.mode}:${p.id}@${p.position}`);

  it('lists joins, the players behind a leave, and everyone after a take or requeue, once', () => {
    const mm = new Matchmaker<string>({ modes });
    for (const id of ['a', 'b', 'c', 'd', 'e']) mm.join(id, 'duel');
    mm.join('x', 'arena');
    expect(view(mm)).toEqual(['duel:a@0', 'duel:b@1', 'duel:c@2', 'duel:d@3', 'duel:e@4', 'arena:x@0']);
    expect(view(mm)).toEqual([]);
    mm.leave('e');
    expect(view(mm)).toEqual([]);
    mm.leave('c');
    expect(view(mm)).toEqual(['duel:d@2']);
    mm.leave('b');
    mm.join('f', 'duel');
    mm.leave('d');
    expect(view(mm)).toEqual(['duel:f@1']);
    const group = mm.takeGroup('duel') as Group<string, undefined>;
    expect(view(mm)).toEqual([]);
    mm.join('g', 'duel');
    mm.requeueFront(group);
    expect(view(mm)).toEqual(['duel:a@0', 'duel:f@1', 'duel:g@2']);
    mm.leave('a');
    expect(view(mm)).toEqual(['duel:f@0', 'duel:g@1']);
    mm.clear();
    expect(view(mm)).toEqual([]);
    expect(mm.size()).toBe(0);
  });
});

describe('clear', () => {
  it('forgets everyone and keeps working', () => {
    const mm = new Matchmaker<string>({ modes });
    mm.join('a', 'duel');
    mm.join('b', 'arena');
    mm.clear();
    expect(mm.size()).toBe(0);
    expect(mm.has('a')).toBe(false);
    expect(mm.leave('b')).toBe(false);
    expect(mm.join('a', 'arena')).toBe(0);
    expect(mm.position('a')).toBe(0);
  });
});
