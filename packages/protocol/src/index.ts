// The public API of @proj/protocol. Every export is documented where it is defined.

// Errors
export { ProtocolError, ProtocolErrorCode, isProtocolError, isProtocolErrorCode, type DecodeResult } from './errors.js';

// Constants
export {
  CHALLENGE_COOKIE_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_HEADER_BYTES,
  FRAME_LENGTH_BYTES,
  MAX_DATAGRAM_BYTES,
  MAX_ERROR_MESSAGE_BYTES,
  MAX_GAME_ID_BYTES,
  MAX_HOST_BYTES,
  MAX_MODE_BYTES,
  MAX_NAME_BYTES,
  MAX_TOKEN_BYTES,
  PROTOCOL_VERSION,
  UDP_HEADER_BYTES,
  UDP_PROTOCOL_ID,
} from './constants.js';

// Wire codes
export {
  DenyReason,
  DisconnectReason,
  GameOverReason,
  WireErrorCode,
  denyReasonFor,
  denyReasonName,
  describeWireError,
  disconnectReasonName,
  gameOverReasonName,
  isWireErrorCode,
  wireErrorCodeFor,
  wireErrorName,
} from './wire-codes.js';

// Game data helper
export { BinaryReader } from './binary-reader.js';
export { BinaryWriter, type BinaryWriterOptions } from './binary-writer.js';

// TCP: client <-> orchestrator
export {
  TcpMessageTypeByte,
  type CancelMessage,
  type ErrorMessage,
  type HelloMessage,
  type MatchFoundMessage,
  type PingMessage,
  type PongMessage,
  type QueuedMessage,
  type TcpMessage,
  type TcpMessageOf,
  type TcpMessageType,
} from './tcp-messages.js';
export { decodeFrame, encodeFrame, tryDecodeFrame, type FrameOptions } from './tcp-frame.js';
export { FrameDecoder } from './frame-decoder.js';

// UDP: client <-> game child
export {
  UdpPacketTypeByte,
  type AcceptedPacket,
  type ChallengePacket,
  type ChallengeResponsePacket,
  type ConnectRequestPacket,
  type DeniedPacket,
  type DisconnectPacket,
  type GameOverPacket,
  type InputPacket,
  type PacketHeader,
  type PingPacket,
  type PongPacket,
  type ReliableEventPacket,
  type SnapshotPacket,
  type UdpPacket,
  type UdpPacketBody,
  type UdpPacketOf,
  type UdpPacketType,
} from './udp-packet-types.js';
export { decodePacket, encodePacket, packetDataCapacity, tryDecodePacket } from './udp-packets.js';
export { SEQUENCE_MODULO, nextSequence, sequenceDiff, sequenceGreaterThan, sequenceLessThan } from './sequence.js';
export { AckTracker, type AckTrackerOptions } from './ack-tracker.js';

// Connect tokens
export {
  CONNECT_TOKEN_MAC_BYTES,
  CONNECT_TOKEN_NONCE_BYTES,
  CONNECT_TOKEN_VERSION,
  GAME_SECRET_BYTES,
  generateGameSecret,
  signConnectToken,
  verifyConnectToken,
  type ConnectTokenClaims,
  type ConnectTokenInput,
  type VerifyConnectTokenOptions,
} from './connect-token.js';
export { TokenReplayGuard, type ClaimOptions, type ClaimResult, type TokenReplayGuardOptions } from './replay-guard.js';

// IPC: orchestrator <-> child game process
export {
  IPC_HEARTBEAT_INTERVAL_MS,
  IPC_MAX_GAME_MODULE_LENGTH,
  IPC_MAX_STATS_COUNT,
  IPC_MAX_STATS_MS,
  IPC_MAX_STATS_REASONS,
  IPC_VERSION,
  ShutdownReason,
  type ChildToParentMessage,
  type GameAssignment,
  type IpcHeartbeatMessage,
  type IpcPlayerResult,
  type IpcPlayerSlot,
  type IpcJoinReport,
  type IpcStatsMessage,
  type IpcTickHealth,
  type ParentToChildMessage,
} from './ipc-messages.js';
export { GameExitCode, describeGameExitCode } from './ipc-codes.js';
export { parseChildToParentMessage, parseParentToChildMessage } from './ipc-parse.js';

// The default arena game's wire encoding (rules in @proj/game-child; clients decode with these)
export {
  ARENA_INPUT_BYTES,
  ARENA_ITEM_ENTRY_BYTES,
  ARENA_MAX_CELLS,
  ARENA_MAX_NAME_BYTES,
  ARENA_MAX_ROSTER_ENTRIES,
  ARENA_MAX_SIDE,
  ARENA_MAX_SNAPSHOT_BYTES,
  ARENA_PLAYER_ENTRY_BYTES,
  ARENA_SNAPSHOT_HEADER_BYTES,
  ARENA_SNAPSHOT_VERSION,
  ArenaDirection,
  ArenaEndReason,
  ArenaEventType,
  ArenaItemKind,
  ArenaPhase,
  ArenaSnapshotBuilder,
  arenaSnapshotSize,
  decodeArenaEvent,
  decodeArenaInput,
  decodeArenaSnapshot,
  encodeArenaEvent,
  encodeArenaInput,
  encodeArenaSnapshot,
  type ArenaEvent,
  type ArenaInput,
  type ArenaItem,
  type ArenaPlayerState,
  type ArenaRosterEntry,
  type ArenaSnapshot,
  type ArenaStanding,
} from './arena-codec.js';
