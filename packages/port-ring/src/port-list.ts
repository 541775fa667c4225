import { PortRingError } from './errors.js';

/** The lowest port a ring accepts (0 means "any port" to the OS, so it is never a real, shareable port). */
export const MIN_PORT = 1;
/** The highest port a ring accepts. */
export const MAX_PORT = 65_535;

/** True when `value` is an integer in 1..65535. */
export function isValidPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT;
}

/**
 * A validated, immutable set of ports plus a constant-time port -> slot lookup, built once per ring.
 * Slots are the positions of the ports in the order they were given (0..capacity-1).
 */
export interface PortTable {
  /** `ports[slot]` is the port of that slot. */
  readonly ports: Uint16Array;
  /** The smallest port, the offset of `slotPlusOne`. */
  readonly minPort: number;
  /**
   * `slotPlusOne[port - minPort]` is the slot of that port plus one, 0 when the port is not in the table.
   * Storing slot + 1 lets a zero-filled Uint16Array mean "absent" (capacity <= 65535, so slot + 1 fits);
   * at most 128 KiB, whatever the list.
   */
  readonly slotPlusOne: Uint16Array;
}

function invalidPort(value: unknown, where: string): PortRingError {
  return new PortRingError(
    'E_INVALID_PORT',
    `${where}: ${typeof value === 'number' ? String(value) : typeof value} is not a port (an integer in ${MIN_PORT}..${MAX_PORT})`,
  );
}

/**
 * Validates `ports` and builds the table.
 * @throws PortRingError `E_INVALID_PORT` for an entry that is not an integer in 1..65535, `E_DUPLICATE_PORT`
 *   for a port given twice, `E_EMPTY` when there is no port at all.
 */
export function tableFromList(ports: Iterable<number>): PortTable {
  const list: number[] = [];
  let min = MAX_PORT;
  let max = MIN_PORT;
  for (const port of ports) {
    if (!isValidPort(port)) throw invalidPort(port, 'port list');
    list.push(port);
    if (port < min) min = port;
    if (port > max) max = port;
  }
  if (list.length === 0) throw new PortRingError('E_EMPTY', 'a port ring needs at least one port');
  const slotPlusOne = new Uint16Array(max - min + 1);
  for (let slot = 0; slot < list.length; slot++) {
    const offset = list[slot]! - min;
    if (slotPlusOne[offset] !== 0) {
      throw new PortRingError('E_DUPLICATE_PORT', `port list: port ${list[slot]} appears more than once`);
    }
    slotPlusOne[offset] = slot + 1;
  }
  return { ports: Uint16Array.from(list), minPort: min, slotPlusOne };
}

/**
 * The ports `first..last`, both included, in ascending order.
 * @throws PortRingError `E_INVALID_PORT` when either bound is not an integer in 1..65535, `E_INVALID_RANGE` when
 *   `first > last`.
 */
export function tableFromRange(first: number, last: number): PortTable {
  if (!isValidPort(first)) throw invalidPort(first, 'range start');
  if (!isValidPort(last)) throw invalidPort(last, 'range end');
  if (first > last) {
    throw new PortRingError('E_INVALID_RANGE', `range ${first}..${last} is empty: the first port is above the last`);
  }
  const ports = new Uint16Array(last - first + 1);
  const slotPlusOne = new Uint16Array(ports.length);
  for (let slot = 0; slot < ports.length; slot++) {
    ports[slot] = first + slot;
    slotPlusOne[slot] = slot + 1;
  }
  return { ports, minPort: first, slotPlusOne };
}

/** The slot of `port` in `table`, or -1 when `port` is not one of its ports (including non-integers and NaN). */
export function slotOf(table: PortTable, port: number): number {
  if (typeof port !== 'number') return -1;
  const offset = port - table.minPort;
  // `offset >>> 0 !== offset` rejects negatives, fractions and NaN in one comparison, before any indexing.
  if (offset >>> 0 !== offset || offset >= table.slotPlusOne.length) return -1;
  return table.slotPlusOne[offset]! - 1;
}
