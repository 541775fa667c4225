import { ProtocolError, type ProtocolErrorCode } from './errors.js';
import { ArenaDirection, ArenaItemKind, ArenaPhase } from './arena-types.js';

// Checks shared by the arena snapshot and event codecs. Internal: not exported from the package entry.

/** @internal Throws ProtocolError `code` for bytes that are not a valid arena message. */
export function malformed(code: ProtocolErrorCode, message: string): never {
  throw new ProtocolError(code, `malformed arena message: ${message}`);
}
/** @internal Throws ProtocolError E_INVALID_FIELD for a value an encoder refuses. */
export function invalid(message: string): never {
  throw new ProtocolError('E_INVALID_FIELD', `invalid arena value: ${message}`);
}
/** @internal Throws E_INVALID_FIELD unless `v` is an integer in [0, max]. */
export function checkInt(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) invalid(`${name} must be an integer in [0, ${max}], got ${v}`);
}
/** @internal A DataView over exactly the bytes of `bytes` (it may be a view into a larger buffer). */
export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** @internal The largest ArenaDirection value. */
export const directionMax = ArenaDirection.RIGHT;
/** @internal The largest ArenaItemKind value. */
export const kindMax = ArenaItemKind.STAR;
/** @internal The largest ArenaPhase value. */
export const phaseMax = ArenaPhase.OVER;

/** @internal Throws E_TRUNCATED or E_TRAILING_BYTES unless `bytes` is exactly `length` long. */
export function expectLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length)
    malformed(
      bytes.length < length ? 'E_TRUNCATED' : 'E_TRAILING_BYTES',
      `${what} must be ${length} bytes, got ${bytes.length}`,
    );
}
/** @internal The slot byte at `o` (0..254), E_INVALID_FIELD otherwise. */
export function slotAt(bytes: Uint8Array, o: number): number {
  const slot = bytes[o]!;
  if (slot > 254) malformed('E_INVALID_FIELD', 'slot out of range');
  return slot;
}
/** @internal The boolean byte at `o` (0 or 1), E_INVALID_FIELD otherwise. */
export function boolAt(bytes: Uint8Array, o: number): boolean {
  const b = bytes[o]!;
  if (b > 1) malformed('E_INVALID_FIELD', 'boolean out of range');
  return b === 1;
}
