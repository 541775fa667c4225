import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TestUtilsError } from './errors.js';
import { waitUntil } from './wait-until.js';

describe('waitUntil', () => {
  it('resolves with the first value that is neither undefined nor false, checking at once', async () => {
    let calls = 0;
    await expect(waitUntil(() => (++calls >= 3 ? { calls } : undefined), 'three calls')).resolves.toEqual({ calls: 3 });
    expect(await waitUntil(() => 0, 'zero')).toBe(0);
    expect(await waitUntil(() => Promise.resolve('async'), 'an async check')).toBe('async');
  });

  it('gives up after its timeout with E_WAIT_TIMEOUT naming what it waited for, having checked after the deadline', async () => {
    let calls = 0;
    const started = Date.now();
    const error = await waitUntil(
      () => {
        calls++;
        return false;
      },
      'the impossible',
      60,
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(error).toBeInstanceOf(TestUtilsError);
    expect(error).toMatchObject({
      code: 'E_WAIT_TIMEOUT',
      message: 'timed out after 60 ms waiting for the impossible',
    });
    expect(calls).toBeGreaterThan(1);
  });

  it('takes the timeout in an options object too', async () => {
    await expect(waitUntil(() => undefined, 'nothing', { timeoutMs: 20 })).rejects.toMatchObject({
      code: 'E_WAIT_TIMEOUT',
    });
  });

  it('ends with the error a check throws or rejects with', async () => {
    await expect(
      waitUntil(() => {
        throw new Error('broken');
      }, 'a broken check'),
    ).rejects.toThrow('broken');
    await expect(waitUntil(() => Promise.reject(new Error('rejected')), 'a rejecting check')).rejects.toThrow(
      'rejected',
    );
  });

  it('checks again right after a wakeOn event instead of at the next poll, and removes its listeners', async () => {
    const emitter = new EventEmitter();
    let ready = false;
    const started = Date.now();
    const waiting = waitUntil(() => ready, 'the event', { wakeOn: [[emitter, 'data']], pollMs: 10_000 });
    expect(emitter.listenerCount('data')).toBe(1);
    setTimeout(() => {
      ready = true;
      emitter.emit('data');
    }, 30);
    await expect(waiting).resolves.toBe(true);
    // The first poll alone would have come 10 s after the start.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(emitter.listenerCount('data')).toBe(0);
  });

  it('removes its listeners when it times out too', async () => {
    const emitter = new EventEmitter();
    await expect(waitUntil(() => false, 'never', { timeoutMs: 20, wakeOn: [[emitter, 'x']] })).rejects.toThrow(
      'waiting for never',
    );
    expect(emitter.listenerCount('x')).toBe(0);
  });
});
