import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, flushPromises } from '@proj/test-utils';
import { DEFAULT_QUARANTINE_MS, PortRing, PortRingError, type PortRingErrorCode } from './index.js';

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

function ringWithClock(first: number, last: number, quarantineMs = 1000) {
  const clock = new ManualClock();
  return { clock, ring: PortRing.fromRange(first, last, { timers: clock, quarantineMs }) };
}

describe('quarantine', () => {
  it('sets an out port aside, then returns it to the back of the ring', () => {
    const { clock, ring } = ringWithClock(1, 3);
    const port = ring.tryAcquire()!;
    ring.quarantine(port);
    expect(ring.stateOf(port)).toBe('quarantined');
    expect(ring.quarantinedPorts()).toEqual([1]);
    expect([ring.available, ring.inUse, ring.quarantined]).toEqual([2, 0, 1]);
    clock.advance(999);
    expect(ring.quarantined).toBe(1);
    clock.advance(1);
    expect([ring.available, ring.inUse, ring.quarantined]).toEqual([3, 0, 0]);
    expect(ring.freePorts()).toEqual([2, 3, 1]);
    expect(clock.pendingCount).toBe(0);
  });

  it('honours a per-call ms', () => {
    const { clock, ring } = ringWithClock(1, 2);
    ring.quarantine(ring.tryAcquire()!, { ms: 10 });
    ring.quarantine(ring.tryAcquire()!, { ms: 5 });
    clock.advance(5);
    expect(ring.freePorts()).toEqual([2]);
    clock.advance(5);
    expect(ring.freePorts()).toEqual([2, 1]);
  });

  it('hands the port straight to the oldest waiter when the quarantine ends', async () => {
    const { clock, ring } = ringWithClock(1, 1);
    ring.quarantine(ring.tryAcquire()!);
    const a = ring.acquire();
    const b = ring.acquire();
    expect(ring.waiting).toBe(2);
    clock.advance(1000);
    expect(await a).toBe(1);
    expect([ring.available, ring.inUse, ring.quarantined, ring.waiting]).toEqual([0, 1, 0, 1]);
    ring.release(1);
    expect(await b).toBe(1);
  });

  it('Infinity keeps a port aside until endQuarantine', () => {
    const { clock, ring } = ringWithClock(1, 1);
    ring.quarantine(ring.tryAcquire()!, { ms: Number.POSITIVE_INFINITY });
    expect(clock.pendingCount).toBe(0);
    clock.advance(1e12);
    expect(ring.quarantined).toBe(1);
    ring.endQuarantine(1);
    expect(ring.available).toBe(1);
  });

  it('endQuarantine and endAllQuarantines end quarantines early and clear their timers', () => {
    const { clock, ring } = ringWithClock(1, 3);
    for (let i = 0; i < 3; i++) ring.quarantine(ring.tryAcquire()!);
    ring.endQuarantine(2);
    expect(ring.freePorts()).toEqual([2]);
    expect(clock.pendingCount).toBe(2);
    expect(ring.endAllQuarantines()).toBe(2);
    expect(ring.freePorts()).toEqual([2, 1, 3]);
    expect(clock.pendingCount).toBe(0);
    expect(ring.endAllQuarantines()).toBe(0);
  });

  it('a re-quarantined port is not freed by the timer of its earlier quarantine', () => {
    const clock = new ManualClock();
    // A clock that never clears: only the ring's own guard can stop the stale timer.
    const leaky = { setTimeout: clock.setTimeout.bind(clock), clearTimeout() {} };
    const ring = PortRing.fromRange(1, 1, { timers: leaky, quarantineMs: 100 });
    ring.quarantine(ring.tryAcquire()!);
    clock.advance(50);
    ring.endQuarantine(1);
    ring.quarantine(ring.tryAcquire()!);
    clock.advance(50); // the first timer fires now: it must be ignored
    expect(ring.stateOf(1)).toBe('quarantined');
    clock.advance(50);
    expect(ring.stateOf(1)).toBe('free');
  });

  it('works with a clock that fires synchronously', () => {
    const eager = { setTimeout: (callback: () => void) => (callback(), 'handle'), clearTimeout: vi.fn() };
    const ring = PortRing.fromRange(1, 1, { timers: eager });
    ring.quarantine(ring.tryAcquire()!, { ms: 0 });
    expect(ring.available).toBe(1);
    ring.close();
    expect(eager.clearTimeout).not.toHaveBeenCalled();
  });

  it('refuses misuse with typed errors and no change', () => {
    const { clock, ring } = ringWithClock(1, 2);
    expectCode(() => ring.quarantine(1), 'E_ALREADY_FREE');
    expectCode(() => ring.quarantine(3), 'E_NOT_IN_RING');
    const port = ring.tryAcquire()!;
    expectCode(() => ring.quarantine(port, { ms: -1 }), 'E_INVALID_ARGUMENT');
    expectCode(() => ring.quarantine(port, { ms: 2 ** 31 }), 'E_INVALID_ARGUMENT');
    expectCode(() => ring.quarantine(port, { ms: Number.NaN }), 'E_INVALID_ARGUMENT');
    expect(ring.stateOf(port)).toBe('in-use');
    expectCode(() => ring.endQuarantine(port), 'E_NOT_QUARANTINED');
    expectCode(() => ring.endQuarantine(2), 'E_NOT_QUARANTINED');
    expectCode(() => ring.endQuarantine(3), 'E_NOT_IN_RING');
    ring.quarantine(port);
    expectCode(() => ring.quarantine(port), 'E_QUARANTINED');
    expectCode(() => ring.release(port), 'E_QUARANTINED');
    expect([ring.available, ring.inUse, ring.quarantined]).toEqual([1, 0, 1]);
    expect(clock.pendingCount).toBe(1);
  });

  it('close frees quarantined ports and clears their timers; later quarantines free at once', async () => {
    const { clock, ring } = ringWithClock(1, 3);
    const a = ring.tryAcquire()!;
    const b = ring.tryAcquire()!;
    ring.tryAcquire();
    ring.quarantine(a);
    const waiter = ring.acquire();
    expect(ring.waiting).toBe(1);
    ring.close();
    await expect(waiter).rejects.toMatchObject({ code: 'E_CLOSED' });
    expect(clock.pendingCount).toBe(0);
    expect([ring.available, ring.inUse, ring.quarantined]).toEqual([1, 2, 0]);
    ring.quarantine(b);
    expect([ring.available, ring.inUse, ring.quarantined]).toEqual([2, 1, 0]);
  });
});

describe('quarantine with the default timers', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('uses the default length and the global timers (fake timers apply)', async () => {
    vi.useFakeTimers();
    const ring = PortRing.fromRange(1, 1);
    ring.quarantine(ring.tryAcquire()!);
    const waiter = ring.acquire();
    vi.advanceTimersByTime(DEFAULT_QUARANTINE_MS - 1);
    expect(ring.quarantined).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await waiter).toBe(1);
    await flushPromises();
  });

  it('unrefs its timers so a quarantine never keeps the process alive', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const ring = PortRing.fromRange(1, 1);
    ring.quarantine(ring.tryAcquire()!, { ms: 60_000 });
    const handle = spy.mock.results[0]?.value as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    ring.close();
    expect(ring.available).toBe(1);
  });
});
