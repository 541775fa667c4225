import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventInbox } from './event-inbox.js';

const data = (id: number): Uint8Array => Uint8Array.of(id & 0xff);

describe('EventInbox', () => {
  it('delivers in order, holding an early event until the missing one arrives', () => {
    const inbox = new EventInbox(1000);
    expect(inbox.push(1, data(1), 0)).toEqual([]);
    expect(inbox.held).toBe(1);
    expect(inbox.push(0, data(0), 10).map((e) => e.eventId)).toEqual([0, 1]);
    expect(inbox.push(0, data(0), 20)).toEqual([]);
    expect(inbox.duplicates).toBe(1);
  });

  it('skips a gap after holdMs and still delivers the missing event late, once', () => {
    const inbox = new EventInbox(100);
    inbox.push(0, data(0), 0);
    expect(inbox.push(2, data(2), 0)).toEqual([]);
    expect(inbox.push(3, data(3), 0)).toEqual([]);
    expect(inbox.flushDue(50)).toEqual([]);
    expect(inbox.flushDue(100).map((e) => e.eventId)).toEqual([2, 3]);
    expect(inbox.push(1, data(1), 200).map((e) => e.eventId)).toEqual([1]);
    expect(inbox.late).toBe(1);
    expect(inbox.push(1, data(1), 300)).toEqual([]);
    expect(inbox.push(4, data(4), 300).map((e) => e.eventId)).toEqual([4]);
  });

  it('drain releases everything held, in id order', () => {
    const inbox = new EventInbox(1000);
    inbox.push(5, data(5), 0);
    inbox.push(3, data(3), 0);
    expect(inbox.drain().map((e) => e.eventId)).toEqual([3, 5]);
    expect(inbox.held).toBe(0);
  });

  it('bounds what it holds', () => {
    const inbox = new EventInbox(60_000, 4096, 4);
    const out = [1, 2, 3, 4, 5].flatMap((id) => inbox.push(id, data(id), 0));
    expect(out.map((e) => e.eventId)).toEqual([1, 2, 3, 4, 5]);
  });

  it('property: any arrival order with duplicates delivers each id exactly once; in order when nothing times out', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 60 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.shuffledSubarray([...Array(n).keys(), ...Array(n).keys()], { minLength: 2 * n, maxLength: 2 * n }),
            ),
          ),
        ([n, arrivals]) => {
          const inbox = new EventInbox(1_000_000);
          const delivered = arrivals.flatMap((id) => inbox.push(id, data(id), 0)).map((e) => e.eventId);
          expect(delivered).toEqual([...Array(n).keys()]);
        },
      ),
    );
  });

  it('property: with hold timeouts and losses, no id is ever delivered twice', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 50 })), { maxLength: 200 }),
        (arrivals) => {
          const inbox = new EventInbox(20);
          const seen = new Set<number>();
          let now = 0;
          const take = (ids: number[]): void => {
            for (const id of ids) {
              expect(seen.has(id)).toBe(false);
              seen.add(id);
            }
          };
          for (const [id, dt] of arrivals) {
            now += dt;
            take(inbox.flushDue(now).map((e) => e.eventId));
            take(inbox.push(id, data(id), now).map((e) => e.eventId));
          }
          take(inbox.drain().map((e) => e.eventId));
          expect(seen).toEqual(new Set(arrivals.map(([id]) => id)));
        },
      ),
    );
  });
});
