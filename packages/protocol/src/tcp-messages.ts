import type { BinaryReader } from './binary-reader.js';
import {
  MAX_ERROR_MESSAGE_BYTES,
  MAX_GAME_ID_BYTES,
  MAX_HOST_BYTES,
  MAX_MODE_BYTES,
  MAX_NAME_BYTES,
  MAX_TOKEN_BYTES,
} from './constants.js';
import { fail } from './errors.js';
import { type ByteSink, bytesField, readPrefixed, readString, stringField, uintField } from './fields.js';

/**
 * Client -> orchestrator, first message on a connection: "I speak this version, call me `name`,
 * queue me for `mode` (or the server's default mode)". `protocolVersion` is the frame's version byte:
 * encodeFrame writes it there, and decoders accept only PROTOCOL_VERSION.
 */
export interface HelloMessage {
  readonly type: 'hello';
  readonly protocolVersion: number;
  /** 1..MAX_NAME_BYTES UTF-8 bytes, no control characters. */
  readonly name: string;
  /** 1..MAX_MODE_BYTES UTF-8 bytes, no control characters; absent: the server's default mode. */
  readonly mode?: string;
}

/**
 * Orchestrator -> client: you wait in the queue of `mode` at `position` (1 = next to be matched). Sent again when it
 * changes.
 */
export interface QueuedMessage {
  readonly type: 'queued';
  /** u32; 1-based place in the queue. */
  readonly position: number;
  /** The mode the player is queued for (1..MAX_MODE_BYTES bytes), when the server says so. */
  readonly mode?: string;
}

/**
 * Orchestrator -> client: your game is ready. Send `token` in a UDP connect request to `host`:`port`
 * before `tokenExpiresAt`. The orchestrator closes the TCP connection after this message.
 */
export interface MatchFoundMessage {
  readonly type: 'matchFound';
  /** 1..MAX_GAME_ID_BYTES UTF-8 bytes, no control characters. */
  readonly gameId: string;
  /**
   * Hostname or IP literal of the game child, 0..MAX_HOST_BYTES bytes; '' means the host the client reached over TCP.
   */
  readonly host: string;
  /** UDP port, 1..65535. */
  readonly port: number;
  /** The player's slot in the game, 0..255. */
  readonly slot: number;
  /** Opaque connect token, 1..MAX_TOKEN_BYTES bytes (see signConnectToken). */
  readonly token: Uint8Array;
  /** Epoch milliseconds after which the token is refused (integer, 0..2^53-1). */
  readonly tokenExpiresAt: number;
}

/** Orchestrator -> client: a WireErrorCode (any u16 on the wire) and a text; the connection closes next. */
export interface ErrorMessage {
  readonly type: 'error';
  /** A WireErrorCode; clients must tolerate unknown values. */
  readonly code: number;
  /** 0..MAX_ERROR_MESSAGE_BYTES UTF-8 bytes; TAB and LF allowed, other control characters not. */
  readonly message: string;
}

/** Client -> orchestrator: take me out of the queue; the orchestrator closes the connection. */
export interface CancelMessage {
  readonly type: 'cancel';
}

/** Either direction: are you there? Answer with a pong carrying the same nonce. */
export interface PingMessage {
  readonly type: 'ping';
  /** u32 chosen by the sender. */
  readonly nonce: number;
}

/** Either direction: the answer to a ping, echoing its nonce. */
export interface PongMessage {
  readonly type: 'pong';
  /** u32 copied from the ping. */
  readonly nonce: number;
}

/** Every message of the TCP protocol between a client and the orchestrator. */
export type TcpMessage =
  HelloMessage | QueuedMessage | MatchFoundMessage | ErrorMessage | CancelMessage | PingMessage | PongMessage;

/** The `type` of a {@link TcpMessage}. */
export type TcpMessageType = TcpMessage['type'];

/** The TCP message of type `T`. */
export type TcpMessageOf<T extends TcpMessageType> = Extract<TcpMessage, { type: T }>;

/** Type byte of each TCP message (frame byte 5). 0x0_: client -> server, 0x1_: server -> client, pings both ways. */
export const TcpMessageTypeByte = {
  hello: 0x01,
  cancel: 0x02,
  ping: 0x03,
  pong: 0x04,
  queued: 0x10,
  matchFound: 0x11,
  error: 0x1f,
} as const satisfies Record<TcpMessageType, number>;
/** A value of {@link TcpMessageTypeByte}. */
export type TcpMessageTypeByte = (typeof TcpMessageTypeByte)[keyof typeof TcpMessageTypeByte];

/** Validates `msg` and returns its payload size in bytes (after version and type). */
export function tcpPayloadSize(msg: TcpMessage): number {
  switch (msg.type) {
    case 'hello':
      uintField(msg.protocolVersion, 1, 0xff, 'hello.protocolVersion');
      return 1 + stringField(msg.name, 1, MAX_NAME_BYTES, 'name', 'hello.name') + 1 + modeSize(msg.mode, 'hello.mode');
    case 'queued':
      uintField(msg.position, 0, 0xffff_ffff, 'queued.position');
      return 4 + 1 + modeSize(msg.mode, 'queued.mode');
    case 'matchFound':
      uintField(msg.port, 1, 0xffff, 'matchFound.port');
      uintField(msg.slot, 0, 0xff, 'matchFound.slot');
      uintField(msg.tokenExpiresAt, 0, Number.MAX_SAFE_INTEGER, 'matchFound.tokenExpiresAt');
      return (
        1 +
        stringField(msg.gameId, 1, MAX_GAME_ID_BYTES, 'identifier', 'matchFound.gameId') +
        1 +
        stringField(msg.host, 0, MAX_HOST_BYTES, 'identifier', 'matchFound.host') +
        2 +
        1 +
        1 +
        bytesField(msg.token, 1, MAX_TOKEN_BYTES, 'matchFound.token').length +
        8
      );
    case 'error':
      uintField(msg.code, 0, 0xffff, 'error.code');
      return 2 + 2 + stringField(msg.message, 0, MAX_ERROR_MESSAGE_BYTES, 'text', 'error.message');
    case 'cancel':
      return 0;
    case 'ping':
    case 'pong':
      uintField(msg.nonce, 0, 0xffff_ffff, `${msg.type}.nonce`);
      return 4;
    default:
      return fail('E_UNKNOWN_TYPE', `unknown TCP message type ${JSON.stringify((msg as { type?: unknown }).type)}`);
  }
}

function modeSize(mode: string | undefined, field: string): number {
  return mode === undefined ? 0 : stringField(mode, 1, MAX_MODE_BYTES, 'identifier', field);
}

/** Writes the payload of an already validated `msg` (see tcpPayloadSize). */
export function writeTcpPayload(out: ByteSink, msg: TcpMessage): void {
  switch (msg.type) {
    case 'hello':
      writeString8(out, msg.name);
      writeString8(out, msg.mode ?? '');
      return;
    case 'queued':
      out.u32(msg.position);
      writeString8(out, msg.mode ?? '');
      return;
    case 'matchFound':
      writeString8(out, msg.gameId);
      writeString8(out, msg.host);
      out.u16(msg.port);
      out.u8(msg.slot);
      out.u8(msg.token.length);
      out.bytes(msg.token);
      out.u64(msg.tokenExpiresAt);
      return;
    case 'error': {
      out.u16(msg.code);
      const n = Buffer.byteLength(msg.message, 'utf8');
      out.u16(n);
      out.utf8(msg.message, n);
      return;
    }
    case 'cancel':
      return;
    case 'ping':
    case 'pong':
      out.u32(msg.nonce);
      return;
  }
}

function writeString8(out: ByteSink, s: string): void {
  const n = Buffer.byteLength(s, 'utf8');
  out.u8(n);
  out.utf8(s, n);
}

/**
 * Reads the payload of a message of type byte `typeByte` whose frame version was accepted.
 * Byte strings are copied, so messages never alias a decoder's buffers. Leaves trailing bytes to the caller.
 */
export function readTcpPayload(r: BinaryReader, typeByte: number, version: number): TcpMessage {
  switch (typeByte) {
    case TcpMessageTypeByte.hello: {
      const name = readString(r, r.u8(), 1, MAX_NAME_BYTES, 'name', 'hello.name');
      const mode = readOptionalMode(r, 'hello.mode');
      return mode === undefined
        ? { type: 'hello', protocolVersion: version, name }
        : { type: 'hello', protocolVersion: version, name, mode };
    }
    case TcpMessageTypeByte.queued: {
      const position = r.u32();
      const mode = readOptionalMode(r, 'queued.mode');
      return mode === undefined ? { type: 'queued', position } : { type: 'queued', position, mode };
    }
    case TcpMessageTypeByte.matchFound: {
      const gameId = readString(r, r.u8(), 1, MAX_GAME_ID_BYTES, 'identifier', 'matchFound.gameId');
      const host = readString(r, r.u8(), 0, MAX_HOST_BYTES, 'identifier', 'matchFound.host');
      const port = r.u16();
      if (port === 0) fail('E_INVALID_FIELD', 'matchFound.port must not be 0');
      const slot = r.u8();
      const token = readPrefixed(r, r.u8(), 1, MAX_TOKEN_BYTES, 'matchFound.token').slice();
      const tokenExpiresAt = r.u64();
      return { type: 'matchFound', gameId, host, port, slot, token, tokenExpiresAt };
    }
    case TcpMessageTypeByte.error: {
      const code = r.u16();
      const message = readString(r, r.u16(), 0, MAX_ERROR_MESSAGE_BYTES, 'text', 'error.message');
      return { type: 'error', code, message };
    }
    case TcpMessageTypeByte.cancel:
      return { type: 'cancel' };
    case TcpMessageTypeByte.ping:
      return { type: 'ping', nonce: r.u32() };
    case TcpMessageTypeByte.pong:
      return { type: 'pong', nonce: r.u32() };
    default:
      return fail('E_UNKNOWN_TYPE', `unknown TCP message type byte 0x${typeByte.toString(16).padStart(2, '0')}`);
  }
}

function readOptionalMode(r: BinaryReader, field: string): string | undefined {
  const n = r.u8();
  return n === 0 ? undefined : readString(r, n, 1, MAX_MODE_BYTES, 'identifier', field);
}
