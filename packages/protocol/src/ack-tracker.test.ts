import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AckTracker } from './ack-tracker.js';
import { errorCodeOf } from './test-arbitraries.js';

describe('AckTracker: receiving', () => {
  it('starts with ack 0xffff and no bits, then tracks the newest sequence and the 32 before it', () => {
    const t = new AckTracker();
    expect([t.ack, t.ackBits, t.hasReceived]).toStrictEqual([0xffff, 0, false]);
    expect(t.receive(10)).toBe(true);
    expect([t.ack, t.ackBits, t.hasReceived]).toStrictEqual([10, 0, true]);
    expect(t.receive(12)).toBe(true);
    expect([t.ack, t.ackBits]).toStrictEqual([12, 0b10]);
    expect(t.receive(11)).toBe(true);
    expect([t.ack, t.ackBits]).toStrictEqual([12, 0b11]);
    expect(t.receive(11)).toBe(false);
    expect(t.receive(12 + 32)).toBe(true);
    expect(t.ackBits).toBe(0x8000_0000);
    expect(t.receive(12 + 32 + 33)).toBe(true);
    expect(t.ackBits).toBe(0);
  });

  it('wraps around 65535 -> 0', () => {
    const t = new AckTracker();
    t.receive(65534);
    t.receive(65535);
    t.receive(1);
    expect([t.ack, t.ackBits]).toStrictEqual([1, 0b110]);
  });

  it('reports packets older than the window as stale', () => {
    const t = new AckTracker({ windowSize: 64 });
    t.receive(1000);
    expect(t.receive(1000 - 63)).toBe(true);
    expect(t.receive(1000 - 64)).toBe(false);
  });

  it('property: ack/ackBits/new-ness match a set model, from any starting sequence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(fc.nat({ max: 300 }), { minLength: 1, maxLength: 200 }),
        (base, offsets) => {
          const t = new AckTracker();
          const seen = new Set<number>();
          for (const off of offsets) {
            expect(t.receive((base + off) & 0xffff)).toBe(!seen.has(off));
            seen.add(off);
          }
          const newest = Math.max(...seen);
          expect(t.ack).toBe((base + newest) & 0xffff);
          let bits = 0;
          for (let i = 0; i < 32; i++) if (seen.has(newest - 1 - i)) bits = (bits | (1 << i)) >>> 0;
          expect(t.ackBits).toBe(bits);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('AckTracker: sending', () => {
  it('numbers packets from 0 and reports acks once', () => {
    const t = new AckTracker();
    expect(t.nextHeader()).toStrictEqual({ sequence: 0, ack: 0xffff, ackBits: 0 });
    expect(t.nextSequence()).toBe(1);
    expect(t.nextSequence()).toBe(2);
    expect(t.processAcks(2, 0b01)).toStrictEqual([2, 1]);
    expect(t.processAcks(2, 0b11)).toStrictEqual([0]);
    expect(t.processAcks(2, 0b11)).toStrictEqual([]);
    expect(t.isAcked(0)).toBe(true);
    expect(t.isAcked(3)).toBe(false);
  });

  it('never reports sequences it did not send, whatever the peer claims', () => {
    const t = new AckTracker();
    t.nextSequence();
    expect(t.processAcks(0xffff, 0xffff_ffff)).toStrictEqual([]);
    expect(t.processAcks(500, 0xffff_ffff)).toStrictEqual([]);
    expect(t.processAcks(0, 0xffff_ffff)).toStrictEqual([0]);
    expect(t.processAcks(-1, -1)).toStrictEqual([]);
  });

  it('property: processAcks matches a model of the last windowSize sends', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('send' as const), n: fc.integer({ min: 1, max: 400 }) }),
      fc.record({
        k: fc.constant('ack' as const),
        back: fc.nat({ max: 300 }),
        bits: fc.integer({ min: 0, max: 0xffff_ffff }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const windowSize = 256;
        const t = new AckTracker({ windowSize });
        let sent = 0; // absolute count of packets sent
        const reported = new Set<number>();
        for (const o of ops) {
          if (o.k === 'send') {
            let wrong = 0;
            for (let i = 0; i < o.n; i++) if (t.nextSequence() !== (sent++ & 0xffff)) wrong++;
            expect(wrong).toBe(0);
            continue;
          }
          const ack = (sent - 1 - o.back + 0x10000 * 4) & 0xffff;
          const expected: number[] = [];
          for (let k = 0; k <= 32; k++) {
            if (k > 0 && ((o.bits >>> (k - 1)) & 1) === 0) continue;
            const seq = (ack - k + 0x10000) & 0xffff;
            // The one send (if any) among the last windowSize whose sequence is seq.
            const abs = sent - 1 - ((sent - 1 - seq + 0x10000 * 4) & 0xffff);
            if (abs >= 0 && abs >= sent - windowSize && !reported.has(abs)) {
              reported.add(abs);
              expected.push(seq);
            }
          }
          expect(t.processAcks(ack, o.bits)).toStrictEqual(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('AckTracker: two peers over a lossy link', () => {
  it('property: every reported ack was really received, and with a final clean exchange recent packets are all acked', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 400 }), (rounds) => {
        const a = new AckTracker();
        const b = new AckTracker();
        const receivedByB = new Set<number>();
        const ackedAtA = new Set<number>();
        for (const [aToB, bToA] of rounds) {
          const ha = a.nextHeader();
          if (aToB) {
            b.receive(ha.sequence);
            b.processAcks(ha.ack, ha.ackBits);
            receivedByB.add(ha.sequence);
          }
          const hb = b.nextHeader();
          if (bToA) {
            a.receive(hb.sequence);
            for (const s of a.processAcks(hb.ack, hb.ackBits)) {
              expect(receivedByB.has(s)).toBe(true);
              expect(ackedAtA.has(s)).toBe(false);
              ackedAtA.add(s);
            }
          }
        }
        // One clean round trip acks every delivered packet among the last 33.
        const last = a.nextHeader();
        b.receive(last.sequence);
        receivedByB.add(last.sequence);
        const reply = b.nextHeader();
        a.processAcks(reply.ack, reply.ackBits);
        for (let k = 0; k <= 32 && k <= last.sequence; k++) {
          const s = last.sequence - k;
          expect(a.isAcked(s)).toBe(receivedByB.has(s));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a bad window size', () => {
    expect(errorCodeOf(() => new AckTracker({ windowSize: 100 }))).toBe('E_INVALID_ARGUMENT');
    expect(errorCodeOf(() => new AckTracker({ windowSize: 32 }))).toBe('E_INVALID_ARGUMENT');
    expect(errorCodeOf(() => new AckTracker({ windowSize: 65536 }))).toBe('E_INVALID_ARGUMENT');
  });
});
