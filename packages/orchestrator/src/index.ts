// The public API of @proj/orchestrator. Each export is documented where it is declared.
export { OrchestratorError, OrchestratorErrorCode, isOrchestratorError } from './errors.js';
export { type Logger, silentLogger } from './logger.js';
export { type EventMap, type Listener, TypedEmitter } from './typed-emitter.js';
export type { LaunchFailureReason, OrchestratorEventName, OrchestratorEvents, PlayerLeftReason } from './events.js';
export {
  type ChildExit,
  type ChildProcessHandle,
  type ChildSpawner,
  ForkSpawner,
  type ForkSpawnerOptions,
} from './child-process.js';
export { ForkServerSpawner, type ForkServerSpawnerOptions } from './fork-server-spawner.js';
export type { ChildState } from './managed-child.js';
export type { AdmissionReason, AdmissionState } from './admission.js';
export type { ClientState } from './client-table.js';
export { ORCHESTRATOR_DEFAULTS, type ModeOptions, type OrchestratorOptions } from './options.js';
export type { QueueBackend, QueueHost } from '@proj/matchmaker';
export type { EndGameOptions, EndedGame } from './end-game.js';
export type { GameInfo } from './game-info.js';
export type { PortInfo } from './port-info.js';
export type { QueueInfo } from './queue-info.js';
export type { WarmPoolOptions } from './warm-pool-options.js';
export {
  type CloseOptions,
  type ListenAddress,
  Orchestrator,
  type OrchestratorStats,
  createOrchestrator,
} from './orchestrator.js';
