// Skeleton: the deployable server is built by issue 6. It wires these two packages together:
// the orchestrator, and the game-child entrypoint that the orchestrator forks.
export type { OrchestratorError } from '@proj/orchestrator';
export type { GameChildError } from '@proj/game-child';
