import { describe, expect, it } from 'vitest';
import { ReliableOutbox } from './reliable-outbox.js';

const bytes = (n: number): Uint8Array => Uint8Array.of(n);

describe('ReliableOutbox', () => {
  it('sends in order, resends after resendMs until acked, then forgets', () => {
    const box = new ReliableOutbox(10, 2, 64);
    for (let i = 0; i < 3; i++) expect(box.push(bytes(i))).toBe(true);
    const first = box.due(0, 100, 10);
    expect(first.map((e) => [e.id, e.resend])).toEqual([
      [0, false],
      [1, false],
    ]); // in-flight window of 2
    first.forEach((e, i) => box.carried(i, e.id));
    expect(box.due(50, 100, 10)).toEqual([]);
    expect(box.acked(1)).toBe(true); // event 1
    expect(box.acked(1)).toBe(false);
    const next = box.due(100, 100, 10);
    expect(next.map((e) => [e.id, e.resend])).toEqual([
      [0, true],
      [2, false],
    ]);
    box.carried(2, 0);
    box.carried(3, 2);
    expect(box.acked(0)).toBe(true); // the first copy of event 0 arrived after all
    expect(box.acked(2)).toBe(false); // its resend is then moot
    expect(box.size).toBe(1);
  });

  it('acks an event through any packet that carried it and bounds the queue', () => {
    const box = new ReliableOutbox(2, 8, 64);
    expect(box.push(bytes(1))).toBe(true);
    expect(box.push(bytes(2))).toBe(true);
    expect(box.push(bytes(3))).toBe(false);
    box.due(0, 10, 8).forEach((e, i) => box.carried(i, e.id));
    box.due(20, 10, 8).forEach((e, i) => box.carried(10 + i, e.id)); // resent on 10, 11
    expect(box.acked(10)).toBe(true);
    expect(box.acked(0)).toBe(false); // already delivered
    expect(box.acked(1)).toBe(true);
    expect(box.size).toBe(0);
    expect(box.acked(999)).toBe(false);
  });
});
