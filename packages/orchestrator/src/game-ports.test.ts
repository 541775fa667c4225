import { PortRing } from '@proj/port-ring';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrchestratorEvents } from './events.js';
import { GamePorts } from './game-ports.js';

type PortEvent = { name: 'portAcquired' | 'portReleased' | 'portQuarantined'; gameId: string; port: number };

function setup(capacity: number) {
  const ring = PortRing.fromRange(42000, 42000 + capacity - 1, { quarantineMs: 60_000 });
  const events: PortEvent[] = [];
  let portBack = 0;
  const ports = new GamePorts(
    ring,
    (name, payload) => {
      const p = payload as OrchestratorEvents['portAcquired'];
      events.push({ name: name as PortEvent['name'], gameId: p.gameId, port: p.port });
    },
    () => portBack++,
  );
  return { ring, ports, events, portBack: () => portBack };
}

describe('GamePorts', () => {
  it('gives every taken port back exactly once, by release or quarantine, whatever the sequence of calls', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'take' as const }),
      fc.record({ kind: fc.constantFrom('release' as const, 'quarantine' as const), game: fc.nat(20) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 80 }), (capacity, ops) => {
        const { ring, ports, events } = setup(capacity);
        let next = 0;
        const holding = new Set<string>();
        for (const o of ops) {
          if (o.kind === 'take') {
            if (!ports.hasFree()) {
              // A full ring: the watch waits for a port without holding one.
              expect(ring.available).toBe(0);
              continue;
            }
            const id = `g${next++}`;
            ports.take(id);
            holding.add(id);
          } else {
            const id = `g${o.game}`;
            if (o.kind === 'release') ports.release(id);
            else ports.quarantine(id, 'EADDRINUSE');
            holding.delete(id);
          }
          expect(ring.inUse).toBe(holding.size);
          for (const id of holding) expect(ports.holds(id)).toBe(true);
        }
        // Per game: acquired once, then at most one of released / quarantined, for the port it was given.
        const byGame = new Map<string, PortEvent[]>();
        for (const e of events) byGame.set(e.gameId, [...(byGame.get(e.gameId) ?? []), e]);
        for (const [id, list] of byGame) {
          expect(list[0]!.name).toBe('portAcquired');
          expect(list.length).toBe(holding.has(id) ? 1 : 2);
          if (list.length === 2) expect(list[1]!.port).toBe(list[0]!.port);
        }
        expect(ring.available + ring.inUse + ring.quarantined).toBe(capacity);
      }),
    );
  });

  it('refuses to take without a free port or twice for one game', () => {
    const { ports } = setup(2);
    ports.take('a');
    expect(() => ports.take('a')).toThrow(/already holds/);
    ports.take('b');
    expect(() => ports.take('c')).toThrow(/without a free port/);
  });

  it('calls onPortBack once when a released port comes back to a full ring, with the counts already right', () => {
    const { ring, ports, events, portBack } = setup(1);
    ports.take('a');
    expect(ports.hasFree()).toBe(false);
    expect(ports.hasFree()).toBe(false);
    ports.release('a');
    expect(portBack()).toBe(1);
    expect(events.at(-1)).toMatchObject({ name: 'portReleased', gameId: 'a' });
    expect({ available: ring.available, inUse: ring.inUse }).toEqual({ available: 1, inUse: 0 });
    expect(ports.hasFree()).toBe(true);
  });

  it('calls onPortBack when a quarantine ends, and hands the port back to the ring', async () => {
    const ring = PortRing.fromRange(42100, 42100, { quarantineMs: 5 });
    let portBack = 0;
    const back = new Promise<void>((resolve) => {
      const ports = new GamePorts(
        ring,
        () => {},
        () => {
          portBack++;
          resolve();
        },
      );
      ports.take('a');
      ports.quarantine('a', 'EADDRINUSE');
      expect(ports.hasFree()).toBe(false);
    });
    await back;
    expect(portBack).toBe(1);
    expect({ available: ring.available, inUse: ring.inUse, quarantined: ring.quarantined }).toEqual({
      available: 1,
      inUse: 0,
      quarantined: 0,
    });
  });

  it('after close, watches no more', () => {
    const { ports, portBack } = setup(1);
    ports.take('a');
    expect(ports.hasFree()).toBe(false);
    ports.close();
    ports.release('a');
    expect(portBack()).toBe(0);
  });
});
