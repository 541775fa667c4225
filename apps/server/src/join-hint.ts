import type { ServerConfig } from './config-schema.js';

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

function target(config: Pick<ServerConfig, 'host'>, port: number): string {
  const host = WILDCARDS.has(config.host) ? '127.0.0.1' : config.host;
  return `--host ${host} --port ${port}`;
}

/**
 * The command a player on this machine runs to join, as the root README documents it:
 * `pnpm --filter @proj/cli-client start play --host <host> --port <port>` (plus `--mode` for another mode than the
 * default one), and `--per-game <K>` when the modes are given, so that the queue screen can say how many players
 * are still missing (the wire's `queued` message carries no K). A wildcard TCP host becomes 127.0.0.1.
 */
export function joinCommand(
  config: Pick<ServerConfig, 'host'> & Partial<Pick<ServerConfig, 'modes' | 'defaultMode'>>,
  port: number,
  mode?: string,
): string {
  const k = config.modes?.find((m) => m.name === (mode ?? config.defaultMode))?.playersPerGame;
  return (
    `pnpm --filter @proj/cli-client start play ${target(config, port)}` +
    `${mode === undefined ? '' : ` --mode ${mode}`}${k === undefined ? '' : ` --per-game ${k}`}`
  );
}

/**
 * The command that fills the rest of a game of the default mode with bots, so that one player can play alone
 * (`pnpm --filter @proj/cli-client start bots --host <host> --port <port> --count <K - 1>`), or undefined when the
 * default mode takes one player.
 */
export function botsCommand(
  config: Pick<ServerConfig, 'host' | 'modes' | 'defaultMode'>,
  port: number,
): string | undefined {
  const k = config.modes.find((m) => m.name === config.defaultMode)?.playersPerGame ?? 1;
  return k < 2 ? undefined : `pnpm --filter @proj/cli-client start bots ${target(config, port)} --count ${k - 1}`;
}
