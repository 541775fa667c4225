import type { ServerConfig } from './config-schema.js';

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The command a player on this machine runs to join, as the root README documents it:
 * `pnpm --filter @proj/cli-client start play --host <host> --port <port>` (plus `--mode` for another mode than the
 * default one). A wildcard TCP host becomes 127.0.0.1.
 */
export function joinCommand(config: Pick<ServerConfig, 'host'>, port: number, mode?: string): string {
  const host = WILDCARDS.has(config.host) ? '127.0.0.1' : config.host;
  return `pnpm --filter @proj/cli-client start play --host ${host} --port ${port}${mode === undefined ? '' : ` --mode ${mode}`}`;
}
