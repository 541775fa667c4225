// The programmatic API of the deployable server: what src/main.ts (the `proj-server` bin) is made of, for tests and
// for embedding. Each export is documented where it is declared.
export { ServerConfigError, ServerError, ServerErrorCode, isServerError } from './errors.js';
export {
  CHILD_OUTPUTS,
  CONFIG_ENV,
  ENV_PREFIX,
  LOG_FORMATS,
  LOG_LEVELS,
  SETTINGS,
  SETTING_LIST,
  type ChildOutput,
  type LogFormat,
  type LogLevel,
  type ServerConfig,
  type SettingKey,
  type SettingSpec,
} from './config-schema.js';
export type { ModeConfig, PortRange } from './config-values.js';
export { loadConfig, type ConfigInput, type LoadedConfig, type SettingSource } from './config-load.js';
export { BIN_NAME, helpText, parseCommandLine, type CommandLine } from './cli.js';
export { createLogger, toPackageLogger, type LoggerOptions, type PackageLogger } from './logger.js';
export { ServerMetrics, type ServerMetricsOptions, type ServerStats, type StatsSource } from './metrics.js';
export {
  startAdminServer,
  type AdminHandlers,
  type AdminServer,
  type AdminServerOptions,
  type GameInfo,
  type Readiness,
} from './admin-server.js';
export { resolveChildEntry, type ChildEntry } from './child-entry.js';
export { botsCommand, joinCommand } from './join-hint.js';
export { startServer, type ServerHandle, type StartServerOptions } from './server.js';
export { handleShutdown, SIGNAL_COALESCE_MS, type ShutdownOptions } from './shutdown.js';
export { gameModulesOf, resolveGamePaths } from './game-paths.js';
export { checkGameModules } from './game-modules.js';
