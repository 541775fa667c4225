#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseCommandLine } from './cli.js';
import { type LoadedConfig, loadConfig } from './config-load.js';
import { redactSecrets } from './config-admin.js';
import { redactRedisUrl } from './config-redis.js';
import { formatDuration, formatModes, formatPortRanges } from './config-values.js';
import { ServerConfigError, ServerError } from './errors.js';
import { invocationName } from './invocation.js';
import { botsCommand, joinCommand } from './join-hint.js';
import { resolveGamePaths } from './game-paths.js';
import { createLogger } from './logger.js';
import type { ServerHandle } from './server.js';
import { handleShutdown } from './shutdown.js';

/** Exit codes of the bin. */
const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function configSummary(loaded: LoadedConfig): Record<string, unknown> {
  const c = loaded.config;
  return {
    udpPorts: formatPortRanges(c.udpPorts),
    maxGames: c.maxGames,
    modes: formatModes(c.modes),
    defaultMode: c.defaultMode,
    warmPool:
      c.warmPoolBuffer === 0
        ? c.warmPool
        : `${c.warmPool}..${c.warmPoolMax}, buffer ${c.warmPoolBuffer}, ${c.warmPoolRefillRate}/s`,
    drainTimeout: formatDuration(c.drainTimeout),
    ...(c.redisUrl !== undefined ? { sharedQueue: redactRedisUrl(c.redisUrl) } : {}),
    ...(loaded.configFile !== undefined ? { configFile: loaded.configFile } : {}),
  };
}

async function main(): Promise<void> {
  const invoked = invocationName({ env: process.env, script: process.argv[1], cwd: process.cwd() });
  const cli = parseCommandLine(process.argv.slice(2), version(), invoked);
  if (cli.kind === 'exit') {
    (cli.stream === 'stdout' ? process.stdout : process.stderr).write(cli.output);
    process.exitCode = cli.code;
    return;
  }
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ flags: cli.flags, configFlag: cli.configFlag, env: process.env });
  } catch (error) {
    if (!(error instanceof ServerConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = EXIT.USAGE;
    return;
  }
  const config = resolveGamePaths(loaded);
  if (cli.printConfig) {
    process.stdout.write(`${JSON.stringify(redactSecrets(config), null, 2)}\n`);
    return;
  }

  // A game module that cannot be used is a configuration error too (exit 2, one line naming the mode and the path).
  const gameError = await import('./game-modules.js')
    .then(({ checkGameModules }) => checkGameModules(config, { builtInArena: true }))
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  if (gameError !== undefined) {
    if (!(gameError instanceof ServerConfigError)) throw gameError;
    process.stderr.write(`${gameError.message}\n`);
    process.exitCode = EXIT.USAGE;
    return;
  }

  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  for (const warning of loaded.warnings) logger.warn(warning);

  let server: ServerHandle | undefined;
  // Last resort: whatever kills this process from inside leaves no child behind (children also exit by themselves
  // when their IPC channel to us closes, which covers SIGKILL of this process).
  process.on('exit', () => {
    server?.flushLogs();
    server?.killChildren();
  });
  const die = (what: string) => (error: unknown) => {
    server?.flushLogs();
    logger.fatal({ err: error }, what);
    server?.killChildren();
    process.exit(EXIT.FAILURE);
  };
  process.on('uncaughtException', die('uncaught exception; killing the games and exiting'));
  process.on('unhandledRejection', die('unhandled promise rejection; killing the games and exiting'));

  try {
    // Loaded only now, so that --help and configuration errors never depend on the orchestrator or the game child.
    const { startServer } = await import('./server.js');
    server = await startServer(config, { logger });
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    // One line says what to change; the stack and the causes are for --log-level debug.
    logger.debug({ err: error, code: error.code }, 'cannot start: details');
    process.stderr.write(`proj-server: cannot start: ${error.message}\n`);
    process.exitCode = EXIT.FAILURE;
    return;
  }
  handleShutdown(server, { logger, drainTimeoutMs: config.drainTimeout });
  logger.info(
    {
      tcp: server.tcp,
      admin: server.admin.url,
      ...configSummary(loaded),
      ...(server.orchestrator.stats().sharedQueue ?? {}),
      version: version(),
    },
    `game server ready: players connect to ${server.tcp.host}:${server.tcp.port} (TCP); monitor page: ${server.admin.url}/`,
  );
  const join = joinCommand(config, server.tcp.port);
  const bots = botsCommand(config, server.tcp.port);
  const k = config.modes.find((m) => m.name === config.defaultMode)?.playersPerGame ?? 1;
  logger.info(
    { join, ...(bots !== undefined ? { bots } : {}) },
    `to join, run: ${join}${bots === undefined ? '' : ` (${config.defaultMode} games start with ${k} players; to fill one with bots, also run: ${bots})`}`,
  );
}

await main();
