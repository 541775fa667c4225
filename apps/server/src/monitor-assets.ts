import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One file of the monitor page, held in memory. */
export interface MonitorAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

/** The monitor page's files by URL path (`/`, `/monitor/monitor.js`, ...), or why they are missing. */
export type MonitorAssets =
  | { readonly available: true; readonly files: ReadonlyMap<string, MonitorAsset> }
  | { readonly available: false; readonly reason: string };

/** Where the build writes the page (apps/server/dist/monitor), from this module's place in src or in dist. */
export const MONITOR_DIR = fileURLToPath(new URL('../dist/monitor/', import.meta.url));

const FILES: readonly (readonly [path: string, file: string, contentType: string])[] = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/monitor/monitor.js', 'monitor.js', 'text/javascript; charset=utf-8'],
  ['/monitor/monitor.css', 'monitor.css', 'text/css; charset=utf-8'],
];

/**
 * Reads the monitor page's files once (they are small, and never change while the server runs). Missing files
 * (a server run from its sources without a build) make the page answer 503 with the reason, not a crash.
 */
export function loadMonitorAssets(dir: string = MONITOR_DIR): MonitorAssets {
  const files = new Map<string, MonitorAsset>();
  for (const [path, file, contentType] of FILES) {
    try {
      files.set(path, { contentType, body: readFileSync(`${dir}${dir.endsWith('/') ? '' : '/'}${file}`) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return { available: false, reason: `the monitor page is not built (${file}: ${code}); run pnpm build` };
    }
  }
  return { available: true, files };
}
