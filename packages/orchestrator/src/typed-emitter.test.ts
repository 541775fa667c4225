import { describe, expect, it } from 'vitest';
import type { Logger } from './logger.js';
import { TypedEmitter } from './typed-emitter.js';

interface Events {
  a: { n: number };
  b: { s: string };
}

class Emitter extends TypedEmitter<Events> {
  fire<E extends keyof Events>(event: E, payload: Events[E]): void {
    this.emit(event, payload);
  }
}

function logger(errors: unknown[]): Logger {
  const noop = (): void => {};
  return { debug: noop, info: noop, warn: noop, error: (_m, fields) => errors.push(fields) };
}

describe('TypedEmitter', () => {
  it('calls listeners in order; off and the returned function remove them; once fires once', () => {
    const e = new Emitter(logger([]));
    const seen: string[] = [];
    const l1 = (p: { n: number }): void => void seen.push(`1:${p.n}`);
    const off2 = e.on('a', (p) => seen.push(`2:${p.n}`));
    e.on('a', l1);
    e.once('a', (p) => seen.push(`once:${p.n}`));
    e.fire('a', { n: 1 });
    e.off('a', l1);
    off2();
    e.fire('a', { n: 2 });
    expect(seen).toEqual(['2:1', '1:1', 'once:1']);
    expect(e.listenerCount('a')).toBe(0);
  });

  it('logs a throwing listener and still calls the others', () => {
    const errors: unknown[] = [];
    const e = new Emitter(logger(errors));
    let called = false;
    e.on('b', () => {
      throw new Error('boom');
    });
    e.on('b', () => (called = true));
    expect(() => e.fire('b', { s: 'x' })).not.toThrow();
    expect(called).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
