import type { PortRing } from '@proj/port-ring';

/** One port of the ring, as listed by `Orchestrator.ports()`. */
export interface PortInfo {
  readonly port: number;
  /** `free` (can be handed out), `in-use` (a game holds it), `quarantined` (set aside after a bind failure). */
  readonly state: 'free' | 'in-use' | 'quarantined';
  /** The game holding an in-use port (undefined for the other states, or a port taken outside the orchestrator). */
  readonly gameId: string | undefined;
}

/**
 * Every port of `ring`, ascending by port number, with its state and, for a port in use, the game holding it
 * (`holders`: port -> game id). O(N log N) for N ports.
 */
export function portInfos(ring: PortRing, holders: ReadonlyMap<number, string>): PortInfo[] {
  const out: PortInfo[] = [];
  for (const port of ring.freePorts()) out.push({ port, state: 'free', gameId: undefined });
  for (const port of ring.portsInUse()) out.push({ port, state: 'in-use', gameId: holders.get(port) });
  for (const port of ring.quarantinedPorts()) out.push({ port, state: 'quarantined', gameId: undefined });
  return out.sort((a, b) => a.port - b.port);
}
