import { describe, expect, it } from 'vitest';
import { flushPromises } from '@proj/test-utils';
import { PortRing, PortRingError, type PortRingErrorCode, type QuarantineTimers } from './index.js';

function expectCode(fn: () => unknown, code: PortRingErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PortRingError);
  expect((thrown as PortRingError).code).toBe(code);
}

function counts(ring: PortRing) {
  return { available: ring.available, inUse: ring.inUse, quarantined: ring.quarantined, waiting: ring.waiting };
}

describe('PortRing construction', () => {
  it('fromRange manages first..last', () => {
    const ring = PortRing.fromRange(5000, 5003);
    expect(ring.capacity).toBe(4);
    expect(counts(ring)).toEqual({ available: 4, inUse: 0, quarantined: 0, waiting: 0 });
    expect(ring.freePorts()).toEqual([5000, 5001, 5002, 5003]);
    expect(ring.closed).toBe(false);
  });

  it('fromList keeps the given order', () => {
    const ring = PortRing.fromList([7003, 7001, 7002]);
    expect(ring.capacity).toBe(3);
    expect([ring.tryAcquire(), ring.tryAcquire(), ring.tryAcquire()]).toEqual([7003, 7001, 7002]);
  });

  it('rejects bad input with typed errors', () => {
    expectCode(() => PortRing.fromRange(10, 9), 'E_INVALID_RANGE');
    expectCode(() => PortRing.fromRange(0, 9), 'E_INVALID_PORT');
    expectCode(() => PortRing.fromList([]), 'E_EMPTY');
    expectCode(() => PortRing.fromList([1, 2, 1]), 'E_DUPLICATE_PORT');
    expectCode(() => PortRing.fromList([1, 2.5]), 'E_INVALID_PORT');
    expectCode(() => PortRing.fromList([1], { quarantineMs: -1 }), 'E_INVALID_ARGUMENT');
    expectCode(() => PortRing.fromList([1], { quarantineMs: Number.NaN }), 'E_INVALID_ARGUMENT');
    expectCode(() => PortRing.fromList([1], { quarantineMs: 2 ** 31 }), 'E_INVALID_ARGUMENT');
    expectCode(
      () => PortRing.fromList([1], { timers: { setTimeout: 1 } as unknown as QuarantineTimers }),
      'E_INVALID_ARGUMENT',
    );
  });

  it('can span the whole port space', () => {
    const ring = PortRing.fromRange(1, 65_535);
    expect(ring.capacity).toBe(65_535);
    expect(ring.tryAcquire()).toBe(1);
    expect(ring.has(65_535)).toBe(true);
  });
});

describe('tryAcquire / release', () => {
  it('hands out free ports FIFO and returns released ones to the back', () => {
    const ring = PortRing.fromRange(1, 3);
    expect(ring.tryAcquire()).toBe(1);
    expect(ring.tryAcquire()).toBe(2);
    ring.release(1);
    expect(ring.freePorts()).toEqual([3, 1]);
    expect(ring.tryAcquire()).toBe(3);
    expect(ring.tryAcquire()).toBe(1);
    expect(ring.tryAcquire()).toBeUndefined();
    expect(counts(ring)).toEqual({ available: 0, inUse: 3, quarantined: 0, waiting: 0 });
  });

  it('wraps around the ring many times without losing or duplicating a port', () => {
    const ring = PortRing.fromRange(100, 104);
    const held: number[] = [];
    for (let i = 0; i < 1000; i++) {
      if (held.length < 3) held.push(ring.tryAcquire()!);
      else ring.release(held.shift()!);
      expect(new Set([...held, ...ring.freePorts()]).size).toBe(5);
    }
  });

  it('reports which ports are out', () => {
    const ring = PortRing.fromList([30, 10, 20]);
    ring.tryAcquire();
    ring.tryAcquire();
    expect(ring.portsInUse()).toEqual([30, 10]);
    expect(ring.stateOf(30)).toBe('in-use');
    expect(ring.stateOf(20)).toBe('free');
    expect(ring.stateOf(40)).toBeUndefined();
    expect(ring.has(20)).toBe(true);
    expect(ring.has(21)).toBe(false);
  });

  it('throws on misuse and leaves the ring unchanged', () => {
    const ring = PortRing.fromRange(1, 3);
    const port = ring.tryAcquire()!;
    const before = { ...counts(ring), free: ring.freePorts(), out: ring.portsInUse() };
    expectCode(() => ring.release(99), 'E_NOT_IN_RING');
    expectCode(() => ring.release(1.5), 'E_NOT_IN_RING');
    expectCode(() => ring.release(Number.NaN), 'E_NOT_IN_RING');
    expectCode(() => ring.release(2), 'E_ALREADY_FREE');
    ring.release(port);
    expectCode(() => ring.release(port), 'E_ALREADY_FREE');
    ring.tryAcquire();
    ring.tryAcquire();
    ring.release(2);
    ring.release(3);
    expect({ ...counts(ring), free: ring.freePorts().sort(), out: ring.portsInUse() }).toEqual({
      ...before,
      inUse: 0,
      available: 3,
      free: [1, 2, 3],
      out: [],
    });
  });
});

describe('acquire (waiting)', () => {
  it('resolves at once when a port is free', async () => {
    const ring = PortRing.fromRange(1, 2);
    await expect(ring.acquire()).resolves.toBe(1);
    expect(ring.inUse).toBe(1);
  });

  it('queues waiters FIFO and hands released ports straight to them', async () => {
    const ring = PortRing.fromRange(1, 2);
    ring.tryAcquire();
    ring.tryAcquire();
    const order: string[] = [];
    const a = ring.acquire().then((p) => (order.push(`a${p}`), p));
    const b = ring.acquire().then((p) => (order.push(`b${p}`), p));
    const c = ring.acquire().then((p) => (order.push(`c${p}`), p));
    expect(ring.waiting).toBe(3);
    ring.release(2);
    // The port is taken at once, before the promise settles: nobody can grab it in between.
    expect(counts(ring)).toEqual({ available: 0, inUse: 2, quarantined: 0, waiting: 2 });
    expect(ring.tryAcquire()).toBeUndefined();
    ring.release(1);
    await Promise.all([a, b]);
    expect(order).toEqual(['a2', 'b1']);
    ring.release(2);
    expect(await c).toBe(2);
    expect(order).toEqual(['a2', 'b1', 'c2']);
  });

  it('rejects at once, without taking a port, when the signal is already aborted', async () => {
    const ring = PortRing.fromRange(1, 2);
    const reason = new Error('too late');
    await expect(ring.acquire({ signal: AbortSignal.abort(reason) })).rejects.toMatchObject({
      name: 'PortRingError',
      code: 'E_ABORTED',
      cause: reason,
    });
    expect(ring.available).toBe(2);
  });

  it('drops an aborted waiter: the next waiter gets the port', async () => {
    const ring = PortRing.fromRange(1, 1);
    ring.tryAcquire();
    const controller = new AbortController();
    const a = ring.acquire({ signal: controller.signal });
    const b = ring.acquire();
    controller.abort();
    expect(ring.waiting).toBe(1);
    await expect(a).rejects.toMatchObject({ code: 'E_ABORTED' });
    ring.release(1);
    expect(await b).toBe(1);
  });

  it('puts the port back in the ring when the only waiter aborted', async () => {
    const ring = PortRing.fromRange(1, 1);
    ring.tryAcquire();
    const controller = new AbortController();
    const a = ring.acquire({ signal: controller.signal });
    controller.abort();
    await expect(a).rejects.toMatchObject({ code: 'E_ABORTED' });
    ring.release(1);
    expect(counts(ring)).toEqual({ available: 1, inUse: 0, quarantined: 0, waiting: 0 });
  });

  it('never hands a port to a waiter whose abort is not delivered yet', async () => {
    const ring = PortRing.fromRange(1, 1);
    ring.tryAcquire();
    const stale = { aborted: false, reason: 'stale', addEventListener() {}, removeEventListener() {} };
    const a = ring.acquire({ signal: stale as unknown as AbortSignal });
    stale.aborted = true;
    ring.release(1);
    await expect(a).rejects.toMatchObject({ code: 'E_ABORTED', cause: 'stale' });
    expect(counts(ring)).toEqual({ available: 1, inUse: 0, quarantined: 0, waiting: 0 });
  });

  it('works with AbortSignal.timeout', async () => {
    const ring = PortRing.fromRange(1, 1);
    ring.tryAcquire();
    await expect(ring.acquire({ signal: AbortSignal.timeout(5) })).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(ring.waiting).toBe(0);
  });

  it('ignores an abort after the port was handed over', async () => {
    const ring = PortRing.fromRange(1, 1);
    ring.tryAcquire();
    const controller = new AbortController();
    const a = ring.acquire({ signal: controller.signal });
    ring.release(1);
    controller.abort();
    expect(await a).toBe(1);
    expect(ring.portsInUse()).toEqual([1]);
  });

  it('rejects a signal that is not an AbortSignal', async () => {
    const ring = PortRing.fromRange(1, 1);
    await expect(ring.acquire({ signal: {} as AbortSignal })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    expect(ring.available).toBe(1);
  });
});

describe('close', () => {
  it('rejects waiters, refuses new acquisitions, still accepts releases; idempotent', async () => {
    const ring = PortRing.fromRange(1, 1);
    const port = ring.tryAcquire()!;
    const controller = new AbortController();
    const a = ring.acquire({ signal: controller.signal });
    const b = ring.acquire();
    ring.close();
    ring.close();
    expect(ring.closed).toBe(true);
    await expect(a).rejects.toMatchObject({ code: 'E_CLOSED' });
    await expect(b).rejects.toMatchObject({ code: 'E_CLOSED' });
    controller.abort(); // no effect after close
    expect(ring.waiting).toBe(0);
    expectCode(() => ring.tryAcquire(), 'E_CLOSED');
    await expect(ring.acquire()).rejects.toMatchObject({ code: 'E_CLOSED' });
    ring.release(port);
    expectCode(() => ring.release(port), 'E_ALREADY_FREE');
    expect(counts(ring)).toEqual({ available: 1, inUse: 0, quarantined: 0, waiting: 0 });
    await flushPromises();
  });
});

describe('PortRingError', () => {
  it('is an Error with a name, code and cause', () => {
    const error = new PortRingError('E_CLOSED', 'closed', { cause: 1 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PortRingError');
    expect(error.code).toBe('E_CLOSED');
    expect(error.cause).toBe(1);
  });
});
