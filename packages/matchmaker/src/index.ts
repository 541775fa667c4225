// The public API of @proj/matchmaker. Each export is documented where it is declared.
export { MatchmakerError, MatchmakerErrorCode, isMatchmakerError } from './errors.js';
export { Matchmaker } from './matchmaker.js';
export type { Group, MatchmakerOptions, Member, ModeConfig, PayloadArgs, WaitingPlayer } from './types.js';
export type {
  ClaimedGroup,
  ClaimedMember,
  ConfirmResult,
  Delivery,
  JoinedTicket,
  QueueBackend,
  QueueBackendHandlers,
  QueueHost,
  QueueTicket,
  RestoredTicket,
} from './queue-backend.js';
