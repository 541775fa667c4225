/**
 * Where a port of a ring is, as reported by `PortRing#stateOf`:
 * - `free`: in the ring, next to be handed out once the ports ahead of it are taken;
 * - `in-use`: handed out by `tryAcquire`/`acquire` and not yet released or quarantined;
 * - `quarantined`: set aside by `quarantine` until its quarantine ends; neither free nor in use.
 */
export const PortState = {
  Free: 'free',
  InUse: 'in-use',
  Quarantined: 'quarantined',
} as const;

/** The union of every string in {@link PortState}. */
export type PortState = (typeof PortState)[keyof typeof PortState];

// The per-slot state array stores these small integers; the strings above are only for callers.
/** @internal */
export const FREE = 0;
/** @internal */
export const IN_USE = 1;
/** @internal */
export const QUARANTINED = 2;

/** @internal The public name of a stored state code. */
export function stateName(code: number): PortState {
  return code === FREE ? PortState.Free : code === IN_USE ? PortState.InUse : PortState.Quarantined;
}
