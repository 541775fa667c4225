// The public API of @proj/game-child. Every export is documented where it is defined.
// The process entry (forked by the orchestrator) is the separate "@proj/game-child/main" export.

// Errors and logging
export { GameChildError, GameChildErrorCode, isGameChildError } from './errors.js';
export { silentLogger, type Logger } from './logger.js';

// Time
export { systemClock, type Clock } from './clock.js';
export { TickLoop, type TickInfo, type TickLoopOptions, type TickTimeStats } from './tick-loop.js';

// The Game plug-in interface
export {
  GameStopCause,
  MAX_RELIABLE_PAYLOAD_BYTES,
  type Game,
  type GameContext,
  type GamePlayer,
  type GameResult,
  type GameStanding,
} from './game.js';

// The default game
export { ArenaGame, createArenaGame } from './arena-game.js';
export {
  resolveArenaOptions,
  type ArenaOptions,
  type ParsedArenaMap,
  type ResolvedArenaOptions,
} from './arena-options.js';

// Running a game
export { startGame } from './start-game.js';
export { GameServer } from './game-server.js';
export type { GameServerEvents, GameServerState, PlayerStatus } from './game-server-types.js';
export { DEFAULT_TICK_RATE_HZ, type GameServerOptions } from './server-options.js';
export type { RateLimit } from './rate-limiter.js';
export { DropReason, type GameServerStats } from './server-stats.js';
export { GameEndReason, exitCodeFor, type GameEnd } from './game-end.js';

// Games in their own module (createGame export), loaded by path
export { createGameFromModule, loadGameModule, type GameFactory } from './game-module.js';
/** What a child is told about its game (from @proj/protocol): what `createGame` and `createGame` options receive. */
export type { GameAssignment } from '@proj/protocol';

// The child process (IPC with the orchestrator)
export {
  ignoreTerminalSignals,
  runChildProcess,
  type ChildProcessHost,
  type ChildProcessOptions,
} from './child-process.js';
