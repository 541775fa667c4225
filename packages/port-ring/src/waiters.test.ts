import { describe, expect, it } from 'vitest';
import { PortRingError } from './errors.js';
import { Waiters } from './waiters.js';

describe('Waiters', () => {
  it('serves waiters in the order they came', async () => {
    const waiters = new Waiters();
    const a = waiters.wait(undefined);
    const b = waiters.wait(undefined);
    const c = waiters.wait(undefined);
    expect(waiters.size).toBe(3);
    expect(waiters.serve(1)).toBe(true);
    expect(waiters.serve(2)).toBe(true);
    expect(waiters.serve(3)).toBe(true);
    expect(waiters.serve(4)).toBe(false);
    expect(await Promise.all([a, b, c])).toEqual([1, 2, 3]);
    expect(waiters.size).toBe(0);
  });

  it('drops an aborted waiter from the middle and rejects it with E_ABORTED carrying the reason', async () => {
    const waiters = new Waiters();
    const controller = new AbortController();
    const a = waiters.wait(undefined);
    const b = waiters.wait(controller.signal);
    const c = waiters.wait(undefined);
    controller.abort(new Error('gave up'));
    expect(waiters.size).toBe(2);
    await expect(b).rejects.toMatchObject({ code: 'E_ABORTED', cause: new Error('gave up') });
    waiters.serve(1);
    waiters.serve(2);
    expect(await Promise.all([a, c])).toEqual([1, 2]);
  });

  it('removes the abort listener once a waiter is served', async () => {
    const waiters = new Waiters();
    const controller = new AbortController();
    const p = waiters.wait(controller.signal);
    waiters.serve(5);
    controller.abort();
    expect(await p).toBe(5);
  });

  it('skips a waiter whose signal is aborted but whose abort event has not been delivered', async () => {
    const waiters = new Waiters();
    const stale = { aborted: false, reason: 'late', addEventListener() {}, removeEventListener() {} };
    const a = waiters.wait(stale as unknown as AbortSignal);
    const b = waiters.wait(undefined);
    stale.aborted = true;
    expect(waiters.serve(9)).toBe(true);
    await expect(a).rejects.toMatchObject({ code: 'E_ABORTED', cause: 'late' });
    expect(await b).toBe(9);
    expect(waiters.size).toBe(0);
  });

  it('rejectAll empties the queue', async () => {
    const waiters = new Waiters();
    const a = waiters.wait(undefined);
    const b = waiters.wait(new AbortController().signal);
    waiters.rejectAll(() => new PortRingError('E_CLOSED', 'closed'));
    expect(waiters.size).toBe(0);
    await expect(a).rejects.toMatchObject({ code: 'E_CLOSED' });
    await expect(b).rejects.toMatchObject({ code: 'E_CLOSED' });
    expect(waiters.serve(1)).toBe(false);
  });
});
