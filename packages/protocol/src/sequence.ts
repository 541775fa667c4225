/** Number of distinct 16-bit sequence numbers; sequences are taken modulo this. */
export const SEQUENCE_MODULO = 0x1_0000;

const HALF = 0x8000;

/**
 * True when 16-bit sequence `a` is newer than `b`, treating the space as a circle: `a` is newer
 * when it is ahead of `b` by 1..32768 (so 0 is newer than 65535). Inputs are taken modulo 2^16.
 * Never throws.
 */
export function sequenceGreaterThan(a: number, b: number): boolean {
  const x = a & 0xffff;
  const y = b & 0xffff;
  return (x > y && x - y <= HALF) || (x < y && y - x > HALF);
}

/** True when 16-bit sequence `a` is older than `b` (the mirror of sequenceGreaterThan). Never throws. */
export function sequenceLessThan(a: number, b: number): boolean {
  return sequenceGreaterThan(b, a);
}

/**
 * The signed distance from `b` to `a` around the 16-bit circle, in [-32768, 32768]: positive exactly when
 * `a` is newer (sequenceGreaterThan). sequenceDiff(0, 65535) === 1. Half the circle apart, the tie is broken as
 * sequenceGreaterThan breaks it: +32768 when `a` is the larger number, -32768 otherwise. Never throws.
 */
export function sequenceDiff(a: number, b: number): number {
  const x = a & 0xffff;
  const y = b & 0xffff;
  const d = (x - y + SEQUENCE_MODULO) & 0xffff;
  if (d === HALF) return x > y ? HALF : -HALF;
  return d > HALF ? d - SEQUENCE_MODULO : d;
}

/** The sequence after `s`, wrapping 65535 to 0. Never throws. */
export function nextSequence(s: number): number {
  return (s + 1) & 0xffff;
}
