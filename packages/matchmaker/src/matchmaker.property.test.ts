// Model-based and property tests: random join/leave/take/requeue sequences checked against a reference model made
// of plain arrays (splice on leave), which is obviously right and obviously slow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Matchmaker, MatchmakerError, type Group, type WaitingPlayer } from './index.js';

type Payload = string;

interface ModelEntry {
  id: number;
  payload: Payload;
  arrival: number;
}

/** The reference: one array per mode, front first. */
class Model {
  readonly queues = new Map<string, ModelEntry[]>();
  arrivals = 0;

  constructor(readonly k: ReadonlyMap<string, number>) {
    for (const mode of k.keys()) this.queues.set(mode, []);
  }

  find(id: number): { mode: string; index: number } | undefined {
    for (const [mode, queue] of this.queues) {
      const index = queue.findIndex((e) => e.id === id);
      if (index >= 0) return { mode, index };
    }
    return undefined;
  }

  readyModeForNext(): string | undefined {
    let best: string | undefined;
    let bestArrival = Infinity;
    for (const [mode, queue] of this.queues) {
      const head = queue[0];
      if (queue.length >= (this.k.get(mode) as number) && head !== undefined && head.arrival < bestArrival) {
        best = mode;
        bestArrival = head.arrival;
      }
    }
    return best;
  }

  listing(): { mode: string; id: number; position: number }[] {
    return [...this.queues].flatMap(([mode, queue]) => queue.map((e, position) => ({ mode, id: e.id, position })));
  }
}

type Op =
  | { kind: 'join'; id: number; mode: number }
  | { kind: 'leave'; id: number }
  | { kind: 'take'; mode: number }
  | { kind: 'takeNext' }
  | { kind: 'requeue'; group: number; drop: number }
  | { kind: 'position'; id: number }
  | { kind: 'changes' }
  | { kind: 'clear' };

const ID_POOL = 16;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('join' as const), id: fc.nat(ID_POOL - 1), mode: fc.nat(2) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('leave' as const), id: fc.nat(ID_POOL - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('take' as const), mode: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('takeNext' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('requeue' as const), group: fc.nat(), drop: fc.nat(15) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('position' as const), id: fc.nat(ID_POOL - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('changes' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) },
);

/** 1 to 3 modes with K in 1..4. */
const modesArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof MatchmakerError)) throw error;
    return error.code;
  }
  return undefined;
}

function checkAgainstModel(mm: Matchmaker<number, Payload>, model: Model): void {
  const listing = [...mm.waiting()];
  expect(listing.map((p) => ({ mode: p.mode, id: p.id, position: p.position }))).toEqual(model.listing());
  // No duplicates, sizes agree.
  expect(new Set(listing.map((p) => p.id)).size).toBe(listing.length);
  expect(mm.size()).toBe(listing.length);
  for (const [mode, queue] of model.queues) {
    expect(mm.size(mode)).toBe(queue.length);
    expect(mm.sizes().get(mode)).toBe(queue.length);
    expect(mm.hasReadyGroup(mode)).toBe(queue.length >= (model.k.get(mode) as number));
  }
  const flat = [...model.queues.values()].flat();
  expect(listing.map((p) => [p.payload, p.arrival])).toEqual(flat.map((e) => [e.payload, e.arrival]));
}

/**
 * Runs the ops on a Matchmaker and on the model side by side. `lastSeen` is what a client would have been told:
 * the drained changes must cover every player whose (mode, position) differs from it.
 */
function run(ks: number[], ops: Op[], fullCheckEachStep: boolean): void {
  const modeNames = ks.map((_, i) => `m${i}`);
  const k = new Map(modeNames.map((name, i) => [name, ks[i] as number]));
  const mm = new Matchmaker<number, Payload>({
    modes: Object.fromEntries(modeNames.map((name) => [name, { playersPerGame: k.get(name) as number }])),
  });
  const model = new Model(k);
  const taken: Group<number, Payload>[] = [];
  const told = new Map<number, string>();
  let step = 0;

  for (const op of ops) {
    step++;
    switch (op.kind) {
      case 'join': {
        const mode = modeNames[op.mode % modeNames.length] as string;
        const payload = `p${op.id}.${step}`;
        if (model.find(op.id) !== undefined) {
          expect(codeOf(() => mm.join(op.id, mode, payload))).toBe('E_ALREADY_QUEUED');
        } else {
          const queue = model.queues.get(mode) as ModelEntry[];
          expect(mm.join(op.id, mode, payload)).toBe(queue.length);
          queue.push({ id: op.id, payload, arrival: model.arrivals++ });
        }
        break;
      }
      case 'leave': {
        const where = model.find(op.id);
        expect(mm.leave(op.id)).toBe(where !== undefined);
        if (where !== undefined) model.queues.get(where.mode)?.splice(where.index, 1);
        break;
      }
      case 'take':
      case 'takeNext': {
        const mode = op.kind === 'take' ? (modeNames[op.mode % modeNames.length] as string) : model.readyModeForNext();
        const group = op.kind === 'take' ? mm.takeGroup(mode as string) : mm.takeNextGroup();
        const queue = mode === undefined ? undefined : (model.queues.get(mode) as ModelEntry[]);
        const size = mode === undefined ? 0 : (k.get(mode) as number);
        if (queue === undefined || queue.length < size) {
          expect(group).toBeUndefined();
        } else {
          const expected = queue.splice(0, size);
          expect(group).toEqual({ mode, members: expected });
          taken.push(group as Group<number, Payload>);
        }
        break;
      }
      case 'requeue': {
        if (taken.length === 0) break;
        const group = taken[op.group % taken.length] as Group<number, Payload>;
        // Bit i of `drop` set: member i left while its game was starting, so the caller filters it out.
        const members = group.members.filter((_, i) => (op.drop & (1 << i)) === 0);
        const requeued = { mode: group.mode, members };
        if (members.some((m) => model.find(m.id) !== undefined)) {
          expect(codeOf(() => mm.requeueFront(requeued))).toBe('E_ALREADY_QUEUED');
        } else {
          mm.requeueFront(requeued);
          model.queues.get(group.mode)?.unshift(...members.map((m) => ({ ...m })));
        }
        break;
      }
      case 'position': {
        expect(mm.position(op.id)).toBe(model.find(op.id)?.index);
        expect(mm.modeOf(op.id)).toBe(model.find(op.id)?.mode);
        expect(mm.has(op.id)).toBe(model.find(op.id) !== undefined);
        break;
      }
      case 'changes': {
        checkChanges(mm.takePositionChanges(), model, told);
        break;
      }
      case 'clear': {
        mm.clear();
        for (const queue of model.queues.values()) queue.length = 0;
        told.clear();
        break;
      }
    }
    if (fullCheckEachStep) checkAgainstModel(mm, model);
  }
  checkAgainstModel(mm, model);
  checkChanges(mm.takePositionChanges(), model, told);
  expect(mm.takePositionChanges()).toEqual([]);
}

function checkChanges(changes: WaitingPlayer<number, Payload>[], model: Model, told: Map<number, string>): void {
  const expected = model.listing();
  // Every change is right now, in listing order, and forms a suffix of its mode's queue.
  const byMode = new Map<string, number[]>();
  for (const change of changes) {
    const where = model.find(change.id);
    expect(where).toEqual({ mode: change.mode, index: change.position });
    byMode.set(change.mode, [...(byMode.get(change.mode) ?? []), change.position]);
  }
  const order = expected.filter((e) => changes.some((c) => c.id === e.id)).map((e) => e.id);
  expect(changes.map((c) => c.id)).toEqual(order);
  for (const [mode, positions] of byMode) {
    const length = model.queues.get(mode)?.length as number;
    const first = positions[0] as number;
    expect(positions).toEqual(Array.from({ length: length - first }, (_, i) => first + i));
  }
  // Nobody whose place changed since they were last told is missed.
  for (const change of changes) told.set(change.id, `${change.mode}@${change.position}`);
  for (const e of expected) expect(told.get(e.id)).toBe(`${e.mode}@${e.position}`);
}

// Model-based runs take a few seconds alone and several times that on a loaded, shared machine: a generous
// timeout keeps them from failing on CPU contention (the number of runs stays the same).
const PROPERTY_TIMEOUT_MS = 60_000;

describe('Matchmaker against a reference model', () => {
  it(
    'matches the model after every step (FIFO, positions, groups, requeues, changes)',
    () => {
      fc.assert(
        fc.property(modesArb, fc.array(opArb, { maxLength: 150, size: 'max' }), (ks, ops) => run(ks, ops, true)),
        { numRuns: 200 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'matches the model with positions read only now and then (lazy renumbering)',
    () => {
      fc.assert(
        fc.property(modesArb, fc.array(opArb, { maxLength: 400, size: 'max' }), (ks, ops) => run(ks, ops, false)),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('conservation and order', () => {
  it(
    'no player is lost or duplicated: each joined player is waiting, in one live group, or left',
    () => {
      const opsArb = fc.array(
        fc.oneof(
          fc.constant({ kind: 'join' as const }),
          fc.record({ kind: fc.constant('leave' as const), pick: fc.nat() }),
          fc.constant({ kind: 'takeNext' as const }),
          fc.record({ kind: fc.constant('requeue' as const), pick: fc.nat(), drop: fc.nat(7) }),
        ),
        { maxLength: 300, size: 'max' },
      );
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), opsArb, (k1, k2, ops) => {
          const mm = new Matchmaker<string>({ modes: { a: { playersPerGame: k1 }, b: { playersPerGame: k2 } } });
          const joined: string[] = [];
          const left: string[] = [];
          let groups: Group<string, undefined>[] = [];
          let next = 0;
          for (const op of ops) {
            if (op.kind === 'join') {
              const id = `p${next++}`;
              mm.join(id, next % 2 === 0 ? 'a' : 'b');
              joined.push(id);
            } else if (op.kind === 'leave') {
              const waiting = [...mm.waiting()];
              const victim = waiting[op.pick % Math.max(1, waiting.length)];
              if (victim !== undefined) {
                expect(mm.leave(victim.id)).toBe(true);
                left.push(victim.id);
              }
            } else if (op.kind === 'takeNext') {
              const group = mm.takeNextGroup();
              if (group !== undefined) {
                expect(group.members).toHaveLength(mm.playersPerGame(group.mode));
                groups.push(group);
              }
            } else if (groups.length > 0) {
              const group = groups[op.pick % groups.length] as Group<string, undefined>;
              groups = groups.filter((g) => g !== group);
              const members = group.members.filter((m, i) => {
                const gone = (op.drop & (1 << i)) !== 0;
                if (gone) left.push(m.id);
                return !gone;
              });
              mm.requeueFront({ mode: group.mode, members });
            }
          }
          const everyone = [
            ...[...mm.waiting()].map((p) => p.id),
            ...groups.flatMap((g) => g.members.map((m) => m.id)),
            ...left,
          ];
          expect(everyone.toSorted()).toEqual(joined.toSorted());
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'FIFO: with joins and takes only, groups then the waiting list replay each mode in join order',
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.nat(1), fc.constant('take' as const)), { maxLength: 300, size: 'max' }),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 5 }),
          (ops, k1, k2) => {
            const mm = new Matchmaker<number>({ modes: { a: { playersPerGame: k1 }, b: { playersPerGame: k2 } } });
            const joinedBy = { a: [] as number[], b: [] as number[] };
            const seenBy = { a: [] as number[], b: [] as number[] };
            let id = 0;
            for (const op of ops) {
              if (op === 'take') {
                const group = mm.takeNextGroup();
                if (group !== undefined) seenBy[group.mode as 'a' | 'b'].push(...group.members.map((m) => m.id));
              } else {
                const mode = op === 0 ? 'a' : 'b';
                mm.join(id, mode);
                joinedBy[mode].push(id++);
              }
            }
            for (const mode of ['a', 'b'] as const) {
              seenBy[mode].push(...[...mm.waiting(mode)].map((p) => p.id));
              expect(seenBy[mode]).toEqual(joinedBy[mode]);
            }
          },
        ),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
