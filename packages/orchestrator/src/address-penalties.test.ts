import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressPenalties } from './address-penalties.js';

describe('AddressPenalties', () => {
  it('holds an address for the duration after its last penalty', () => {
    const p = new AddressPenalties(1_000, 10);
    expect(p.has('10.0.0.1', 0)).toBe(false);
    p.add('10.0.0.1', 100);
    expect(p.has('10.0.0.1', 100)).toBe(true);
    expect(p.has('10.0.0.2', 100)).toBe(false);
    expect(p.has('10.0.0.1', 1_099)).toBe(true);
    p.add('10.0.0.1', 1_000); // restarted
    expect(p.has('10.0.0.1', 1_999)).toBe(true);
    expect(p.has('10.0.0.1', 2_000)).toBe(false);
    expect(p.size).toBe(0);
  });

  it('penalises nothing with a duration of 0', () => {
    const p = new AddressPenalties(0, 10);
    p.add('10.0.0.1', 0);
    expect(p.has('10.0.0.1', 0)).toBe(false);
    expect(p.size).toBe(0);
  });

  it('stays within its bound, forgetting the penalty that ends first, and agrees with a plain model', () => {
    const op = fc.record({
      address: fc.integer({ min: 0, max: 12 }).map((i) => `10.0.0.${i}`),
      gap: fc.integer({ min: 0, max: 400 }),
      add: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (ops, max) => {
        const p = new AddressPenalties(1_000, max);
        // The model: address -> end, evicting the earliest end when over the bound.
        const model = new Map<string, number>();
        let now = 0;
        for (const { address, gap, add } of ops) {
          now += gap;
          for (const [a, until] of model) if (now >= until) model.delete(a);
          if (add) {
            model.delete(address);
            if (model.size >= max) {
              const first = [...model].sort((x, y) => x[1] - y[1])[0]![0];
              model.delete(first);
            }
            model.set(address, now + 1_000);
            p.add(address, now);
          }
          expect(p.has(address, now)).toBe(model.has(address));
          expect(p.size).toBeLessThanOrEqual(max);
        }
      }),
    );
  });
});
