// Model-based property tests: random sequences of operations run against a PortRing and against a
// plain-array model of what it promises; after every step both must agree, and the invariants must hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock, flushPromises } from '@proj/test-utils';
import { PortRing, PortRingError, type PortRingErrorCode } from './index.js';

type Op =
  | { kind: 'tryAcquire' }
  | { kind: 'acquire'; signal: 'none' | 'live' | 'aborted' }
  | { kind: 'release'; pick: number }
  | { kind: 'doubleRelease'; pick: number }
  | { kind: 'foreignRelease'; port: number }
  | { kind: 'quarantine'; pick: number; ms: number }
  | { kind: 'releaseQuarantined'; pick: number }
  | { kind: 'endQuarantine'; pick: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'abort'; pick: number }
  | { kind: 'close' };

const pick = fc.nat({ max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'tryAcquire' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('acquire' as const), signal: fc.constantFrom('none', 'live', 'aborted') }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('release' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('doubleRelease' as const), pick }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('foreignRelease' as const), port: fc.integer({ min: -5, max: 70_000 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('quarantine' as const),
      pick,
      ms: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(Number.POSITIVE_INFINITY)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('releaseQuarantined' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('endQuarantine' as const), pick }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'close' as const }) },
);

type Outcome = { port: number } | { code: string };

/** What the ring promises, written the obvious way with arrays. */
class Model {
  readonly free: number[];
  readonly held = new Set<number>();
  /** port -> due time and order of quarantine (timers due at the same time fire in creation order). */
  readonly quarantine = new Map<number, { due: number; seq: number }>();
  /** Waiters not yet settled, oldest first. */
  readonly waiters: number[] = [];
  readonly expected = new Map<number, Outcome>();
  closed = false;
  #seq = 0;

  constructor(readonly ports: readonly number[]) {
    this.free = [...ports];
  }

  giveBack(port: number): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.free.push(port);
    else {
      this.held.add(port);
      this.expected.set(waiter, { port });
    }
  }

  quarantinePort(port: number, due: number): void {
    this.held.delete(port);
    if (this.closed) this.giveBack(port);
    else this.quarantine.set(port, { due, seq: this.#seq++ });
  }

  endQuarantine(port: number): void {
    this.quarantine.delete(port);
    this.giveBack(port);
  }

  advanceTo(now: number): void {
    const due = [...this.quarantine].filter(([, q]) => q.due <= now);
    due.sort(([, a], [, b]) => a.due - b.due || a.seq - b.seq);
    for (const [port] of due) this.endQuarantine(port);
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) this.expected.set(waiter, { code: 'E_CLOSED' });
    for (const port of this.ports) if (this.quarantine.has(port)) this.endQuarantine(port);
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof PortRingError)) throw error;
    return error.code;
  }
  return undefined;
}

function nth<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

async function runScenario(ports: readonly number[], ops: readonly Op[]): Promise<void> {
  const clock = new ManualClock();
  const ring = PortRing.fromList(ports, { timers: clock, quarantineMs: 20 });
  const model = new Model(ports);
  // What the ring actually handed out and was not given back: checked independently of the model.
  const actualHeld = new Set<number>();
  const outcomes = new Map<number, Outcome>();
  const controllers = new Map<number, AbortController>();
  const resolvedOrder: number[] = [];
  let nextWaiter = 0;

  // Recorded, not asserted, in promise callbacks (a throw there would only be an unhandled rejection).
  const handedOutTwice: number[] = [];
  const takeOut = (port: number): void => {
    if (actualHeld.has(port)) handedOutTwice.push(port);
    actualHeld.add(port);
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'tryAcquire': {
        if (model.closed) {
          expect(codeOf(() => ring.tryAcquire())).toBe('E_CLOSED');
          break;
        }
        const port = ring.tryAcquire();
        const expected = model.free.shift();
        expect(port).toBe(expected);
        if (port !== undefined) {
          model.held.add(port);
          takeOut(port);
        }
        break;
      }
      case 'acquire': {
        const id = nextWaiter++;
        let signal: AbortSignal | undefined;
        if (op.signal !== 'none') {
          const controller = new AbortController();
          if (op.signal === 'aborted') controller.abort();
          controllers.set(id, controller);
          signal = controller.signal;
        }
        ring.acquire(signal === undefined ? undefined : { signal }).then(
          (port) => {
            takeOut(port);
            resolvedOrder.push(id);
            outcomes.set(id, { port });
          },
          (error: unknown) => outcomes.set(id, { code: error instanceof PortRingError ? error.code : 'NOT_TYPED' }),
        );
        if (model.closed) model.expected.set(id, { code: 'E_CLOSED' });
        else if (op.signal === 'aborted') model.expected.set(id, { code: 'E_ABORTED' });
        else if (model.free.length > 0) {
          const port = model.free.shift()!;
          model.held.add(port);
          model.expected.set(id, { port });
        } else model.waiters.push(id);
        break;
      }
      case 'release': {
        const port = nth(
          [...model.held].sort((a, b) => a - b),
          op.pick,
        );
        if (port === undefined) break;
        ring.release(port);
        actualHeld.delete(port);
        model.held.delete(port);
        model.giveBack(port);
        break;
      }
      case 'doubleRelease': {
        const port = nth(
          [...model.free].sort((a, b) => a - b),
          op.pick,
        );
        if (port !== undefined) expect(codeOf(() => ring.release(port))).toBe('E_ALREADY_FREE');
        break;
      }
      case 'foreignRelease': {
        if (!ports.includes(op.port)) expect(codeOf(() => ring.release(op.port))).toBe('E_NOT_IN_RING');
        break;
      }
      case 'quarantine': {
        const port = nth(
          [...model.held].sort((a, b) => a - b),
          op.pick,
        );
        if (port === undefined) break;
        ring.quarantine(port, { ms: op.ms });
        actualHeld.delete(port);
        model.quarantinePort(port, clock.now() + op.ms);
        break;
      }
      case 'releaseQuarantined': {
        const port = nth(
          [...model.quarantine.keys()].sort((a, b) => a - b),
          op.pick,
        );
        if (port === undefined) break;
        const expected: PortRingErrorCode = 'E_QUARANTINED';
        expect(codeOf(() => ring.release(port))).toBe(expected);
        expect(codeOf(() => ring.quarantine(port))).toBe(expected);
        break;
      }
      case 'endQuarantine': {
        const port = nth(
          [...model.quarantine.keys()].sort((a, b) => a - b),
          op.pick,
        );
        if (port === undefined) {
          const anyPort = nth(ports, op.pick)!;
          expect(codeOf(() => ring.endQuarantine(anyPort))).toBe('E_NOT_QUARANTINED');
          break;
        }
        ring.endQuarantine(port);
        model.endQuarantine(port);
        break;
      }
      case 'advance': {
        clock.advance(op.ms);
        model.advanceTo(clock.now());
        break;
      }
      case 'abort': {
        const id = nth(model.waiters, op.pick);
        const controller = id === undefined ? undefined : controllers.get(id);
        if (id === undefined || controller === undefined) break;
        controller.abort();
        model.waiters.splice(model.waiters.indexOf(id), 1);
        model.expected.set(id, { code: 'E_ABORTED' });
        break;
      }
      case 'close': {
        ring.close();
        model.close();
        break;
      }
    }
    await flushPromises();

    expect(handedOutTwice).toEqual([]);
    // The invariant of the issue.
    expect(ring.available + ring.inUse + ring.quarantined).toBe(ring.capacity);
    // The ring agrees with the model...
    expect(ring.freePorts()).toEqual(model.free);
    expect(new Set(ring.portsInUse())).toEqual(model.held);
    expect(new Set(ring.quarantinedPorts())).toEqual(new Set(model.quarantine.keys()));
    expect(ring.waiting).toBe(model.waiters.length);
    expect(outcomes).toEqual(model.expected);
    // ...and with what it actually handed out: every port out is held exactly once.
    expect(new Set(ring.portsInUse())).toEqual(actualHeld);
    // Nobody waits while a port is free.
    if (ring.waiting > 0) expect(ring.available).toBe(0);
    // FIFO: waiters got their ports in the order they asked.
    expect(resolvedOrder).toEqual([...resolvedOrder].sort((a, b) => a - b));
    for (const id of model.waiters) expect(resolvedOrder.every((served) => served < id)).toBe(true);
  }
  ring.close();
  expect(clock.pendingCount).toBe(0);
}

// Hundreds of async scenarios: allow for a CPU shared with other jobs (vitest's default is 5 s).
describe('PortRing properties', { timeout: 60_000 }, () => {
  it('matches the model and keeps free + inUse + quarantined == capacity over random operations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: 65_535 }), { minLength: 1, maxLength: 6 }),
        fc.array(opArb, { maxLength: 80, size: 'max' }),
        runScenario,
      ),
      { numRuns: 300 },
    );
  });

  it('never hands a port out twice under heavy contention (1 to 3 ports, many waiters)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }).map((n) => Array.from({ length: n }, (_, i) => 40_000 + i)),
        fc.array(
          fc.oneof(
            {
              weight: 4,
              arbitrary: fc.record({ kind: fc.constant('acquire' as const), signal: fc.constantFrom('none', 'live') }),
            },
            { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pick }) },
            {
              weight: 1,
              arbitrary: fc.record({
                kind: fc.constant('quarantine' as const),
                pick,
                ms: fc.integer({ min: 0, max: 10 }),
              }),
            },
            {
              weight: 1,
              arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 10 }) }),
            },
            { weight: 2, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick }) },
          ),
          { maxLength: 120, size: 'max' },
        ),
        runScenario,
      ),
      { numRuns: 200 },
    );
  });
});
