import { ClientError, ClientErrorCode } from './errors.js';

function bad(message: string): never {
  throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, message);
}

/** `value` if it is an integer in [min, max], else `fallback` when undefined; throws E_INVALID_ARGUMENT otherwise. */
export function intOption(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** A non-empty string option; throws E_INVALID_ARGUMENT otherwise. */
export function stringOption(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) bad(`${name} must be a non-empty string`);
  return value;
}

/** An optional AbortSignal option; throws E_INVALID_ARGUMENT for anything else. */
export function signalOption(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) bad('signal must be an AbortSignal');
  return value;
}

/** Longest timer delay Node accepts (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
