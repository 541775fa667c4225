// The public API of @proj/client-sdk. Every export is documented where it is defined.

// Errors and logging
export { ClientError, ClientErrorCode, isClientError, type ClientErrorDetails } from './errors.js';
export { silentLogger, type Logger } from './logger.js';

// Matchmaking over TCP
export { findMatch, type FindMatchOptions } from './find-match.js';
export type { MatchFound, QueueStatus } from './match.js';

// Playing over UDP
export { connect } from './connect.js';
export type { ConnectOptions } from './session-options.js';
export { GameSession } from './game-session.js';
export type {
  Disconnect,
  GameOver,
  GameSessionEvents,
  ReliableEvent,
  SessionEnd,
  SessionState,
  SessionStats,
  Snapshot,
} from './session-types.js';

// What a game client needs from @proj/protocol (wire reason codes, game-data helpers, the arena codec)
export * from './protocol-exports.js';
