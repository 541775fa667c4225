import type { MonitorSnapshot } from '../../src/monitor-snapshot.js';

/** The contract version this page reads. */
export const SNAPSHOT_VERSION = 1;

/**
 * Parses one snapshot's JSON. Returns undefined for text that is not JSON or lacks the parts every render reads
 * (a sanity check against a wrong endpoint, not a full validation: the server and the page ship together).
 */
export function parseSnapshot(text: string): MonitorSnapshot | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const ok =
    typeof v['version'] === 'number' &&
    typeof v['at'] === 'number' &&
    typeof v['server'] === 'object' &&
    v['server'] !== null &&
    Array.isArray(v['queues']) &&
    Array.isArray(v['games']) &&
    typeof v['gamesTotal'] === 'number' &&
    typeof v['ports'] === 'object' &&
    v['ports'] !== null &&
    Array.isArray((v['ports'] as Record<string, unknown>)['cells']) &&
    typeof v['warmPool'] === 'object' &&
    typeof v['admission'] === 'object' &&
    typeof v['history'] === 'object' &&
    v['history'] !== null &&
    Array.isArray((v['history'] as Record<string, unknown>)['samples']);
  return ok ? (value as MonitorSnapshot) : undefined;
}
