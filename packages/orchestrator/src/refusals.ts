import {
  type HelloMessage,
  MAX_ERROR_MESSAGE_BYTES,
  ProtocolError,
  type TcpMessage,
  WireErrorCode,
  describeWireError,
  wireErrorCodeFor,
} from '@proj/protocol';
import type { ClientState } from './client-table.js';

/**
 * Every reason the orchestrator refuses a connection or a client's message, each decided here and nowhere else.
 * A function returns the wire error code to send (the connection is then closed), or undefined to go on.
 */

/** What {@link acceptRefusal} looks at when a connection arrives. */
export interface AcceptContext {
  /** False once shutdown began. */
  readonly accepting: boolean;
  /** Connections in the table now. */
  readonly connections: number;
  /** Connections in the table from the new connection's address. */
  readonly fromAddress: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** True while the address sits out a penalty for a client closed with RATE_LIMITED. */
  readonly penalised?: boolean;
}

/**
 * A new connection: SHUTTING_DOWN, RATE_LIMITED (its address sits out a penalty), SERVER_FULL (table full) or
 * TOO_MANY_FROM_IP (per-address cap).
 */
export function acceptRefusal(context: AcceptContext): WireErrorCode | undefined {
  if (!context.accepting) return WireErrorCode.SHUTTING_DOWN;
  if (context.penalised === true) return WireErrorCode.RATE_LIMITED;
  if (context.connections >= context.maxConnections) return WireErrorCode.SERVER_FULL;
  if (context.fromAddress >= context.maxConnectionsPerIp) return WireErrorCode.TOO_MANY_FROM_IP;
  return undefined;
}

/**
 * Bytes that do not decode: FRAME_TOO_LARGE, UNSUPPORTED_VERSION or BAD_FRAME as the protocol maps its errors,
 * except BAD_NAME for a hello whose name the wire decoder refused (too long, control, format or separator characters,
 * invalid UTF-8;
 * ProtocolError names the field only in its message, hence the prefix test).
 */
export function frameRefusal(error: unknown): WireErrorCode {
  if (
    error instanceof ProtocolError &&
    (error.code === 'E_INVALID_FIELD' || error.code === 'E_BAD_LENGTH' || error.code === 'E_INVALID_UTF8') &&
    error.message.startsWith('hello.name ')
  ) {
    return WireErrorCode.BAD_NAME;
  }
  return wireErrorCodeFor(error);
}

/**
 * The message of the error frame that answers {@link frameRefusal}'s `code` for `error`: for BAD_NAME, why the
 * name was refused, from the protocol's error ('player name refused: hello.name holds a format character U+202E');
 * otherwise the code's description. The protocol's messages name the field, the rule and a code point, never the
 * characters refused, so they are safe to send back.
 */
export function frameRefusalMessage(code: WireErrorCode, error: unknown): string {
  if (code === WireErrorCode.BAD_NAME && error instanceof ProtocolError) return `player name refused: ${error.message}`;
  return describeWireError(code);
}

/**
 * A decoded message in the client's state: a hello is expected only in `awaitingHello` (ALREADY_QUEUED when
 * queued, UNEXPECTED_MESSAGE otherwise); server-to-client messages (queued, matchFound, error) are never expected.
 * `ping`, `pong` and `cancel` are welcome in every state.
 */
export function messageRefusal(state: ClientState, type: TcpMessage['type']): WireErrorCode | undefined {
  switch (type) {
    case 'ping':
    case 'pong':
    case 'cancel':
      return undefined;
    case 'hello':
      if (state === 'awaitingHello') return undefined;
      return state === 'queued' ? WireErrorCode.ALREADY_QUEUED : WireErrorCode.UNEXPECTED_MESSAGE;
    default:
      return WireErrorCode.UNEXPECTED_MESSAGE;
  }
}

/**
 * A hello that decoded: BAD_NAME for a blank name (the decoder bounds names but lets white space through),
 * UNKNOWN_MODE for a mode that is not configured (`mode` is the message's mode or the default one).
 */
export function helloRefusal(
  message: HelloMessage,
  mode: string,
  modes: ReadonlyMap<string, unknown>,
): WireErrorCode | undefined {
  if (message.name.trim().length === 0) return WireErrorCode.BAD_NAME;
  if (!modes.has(mode)) return WireErrorCode.UNKNOWN_MODE;
  return undefined;
}

/**
 * The message of an UNKNOWN_MODE refusal: the mode asked for and the configured ones, in their order
 * (`unknown mode 'ctf': the modes are arena, duel`). A list too long for an error frame ends in `...`: the result
 * never exceeds `maxBytes` UTF-8 bytes (default MAX_ERROR_MESSAGE_BYTES). Mode names are identifiers (no control
 * characters), so the message is a valid error frame text.
 */
export function unknownModeMessage(
  mode: string,
  modes: Iterable<string>,
  maxBytes: number = MAX_ERROR_MESSAGE_BYTES,
): string {
  const names = [...modes];
  const head = `unknown mode '${mode}': ${names.length === 1 ? 'the mode is' : 'the modes are'} `;
  const full = head + names.join(', ');
  if (Buffer.byteLength(full) <= maxBytes) return full;
  let listed = '';
  for (const name of names) {
    const longer = listed === '' ? name : `${listed}, ${name}`;
    if (Buffer.byteLength(`${head}${longer}, ...`) > maxBytes) break;
    listed = longer;
  }
  return listed === '' ? `${head}...` : `${head}${listed}, ...`;
}
