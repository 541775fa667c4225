/** The longest delay Node's timers accept (2^31 - 1 ms): the bound of every duration option. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * An integer option: `value` (or `fallback` when it is undefined) when it is an integer in `min..max`; otherwise the
 * reason, naming the option (`warmPoolMax must be an integer in 0..16, got 20`), for the caller to wrap in its error.
 */
export function integerOption(
  value: unknown,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number | string {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    return `${name} must be an integer in ${min}..${max}, got ${String(value)}`;
  return v;
}
