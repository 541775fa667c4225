import { PortRing } from '@proj/port-ring';
import { describe, expect, it } from 'vitest';
import { GamePorts } from './game-ports.js';
import { portInfos } from './port-info.js';

describe('portInfos', () => {
  it('lists every port once, ascending, with its state and the game holding it', () => {
    // A list out of order: the ring hands ports out in list order, the listing is by port number.
    const ring = PortRing.fromList([42005, 42001, 42003, 42002], { quarantineMs: 60_000 });
    const ports = new GamePorts(
      ring,
      () => {},
      () => {},
    );
    expect(portInfos(ring, ports.holders())).toEqual([
      { port: 42001, state: 'free', gameId: undefined },
      { port: 42002, state: 'free', gameId: undefined },
      { port: 42003, state: 'free', gameId: undefined },
      { port: 42005, state: 'free', gameId: undefined },
    ]);
    expect(ports.take('g1')).toBe(42005);
    expect(ports.take('g2')).toBe(42001);
    expect(ports.take('g3')).toBe(42003);
    ports.quarantine('g2', 'EADDRINUSE');
    ports.release('g3');
    const outside = ring.tryAcquire(); // taken by someone else than a game: in use, no game id
    expect(outside).toBe(42002);
    expect(portInfos(ring, ports.holders())).toEqual([
      { port: 42001, state: 'quarantined', gameId: undefined },
      { port: 42002, state: 'in-use', gameId: undefined },
      { port: 42003, state: 'free', gameId: undefined },
      { port: 42005, state: 'in-use', gameId: 'g1' },
    ]);
    ring.close();
  });
});
