import { WireErrorCode, denyReasonName, disconnectReasonName, wireErrorName } from '@proj/protocol';

/**
 * Every code a {@link ClientError} can carry: stable strings to switch on. The keys are the codes without
 * the `E_` prefix.
 */
export const ClientErrorCode = {
  /** An option or argument is invalid (empty name, port out of range, oversized input...). */
  INVALID_ARGUMENT: 'E_INVALID_ARGUMENT',
  /** The caller's AbortSignal fired; `cause` is the signal's reason. */
  ABORTED: 'E_ABORTED',
  /** The TCP connection to the orchestrator could not be opened (refused, unreachable, DNS, timed out). */
  CONNECT_FAILED: 'E_CONNECT_FAILED',
  /** The orchestrator closed the TCP connection (or it broke) before a match was found. */
  CONNECTION_CLOSED: 'E_CONNECTION_CLOSED',
  /** The server sent bytes that do not decode; `cause` is the ProtocolError. */
  PROTOCOL: 'E_PROTOCOL',
  /** The orchestrator refused the player because it is full (wire SERVER_FULL or TOO_MANY_FROM_IP). */
  SERVER_FULL: 'E_SERVER_FULL',
  /** The orchestrator is shutting down (wire SHUTTING_DOWN): try another server or later. */
  SHUTTING_DOWN: 'E_SHUTTING_DOWN',
  /** The orchestrator refused the player for another reason; `wireCode`/`wireName` say which. */
  REFUSED: 'E_REFUSED',
  /** The game child never answered the UDP connect request (resent with backoff until the deadline). */
  CONNECT_TIMEOUT: 'E_CONNECT_TIMEOUT',
  /** The game child refused the connect request; `denyReason`/`denyReasonName` say why. */
  DENIED: 'E_DENIED',
  /** The connect token expired before it could be used (connect or reconnect came too late). */
  TOKEN_EXPIRED: 'E_TOKEN_EXPIRED',
  /** Nothing was heard from the game child for the session's timeout: the child is gone or unreachable. */
  SERVER_TIMEOUT: 'E_SERVER_TIMEOUT',
  /** The game child ended the session with a `disconnect`; `disconnectReason`/`disconnectReasonName` say why. */
  DISCONNECTED: 'E_DISCONNECTED',
  /** The session was closed by this client (close()) before what was awaited happened. */
  SESSION_CLOSED: 'E_SESSION_CLOSED',
  /** The UDP socket failed (bind, connect or send error); `cause` is the system error. */
  SOCKET: 'E_SOCKET',
} as const;
/** A value of {@link ClientErrorCode}. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Extra, code-specific facts a {@link ClientError} may carry. */
export interface ClientErrorDetails {
  /** The underlying error (system error, ProtocolError, abort reason). */
  readonly cause?: unknown;
  /** E_SERVER_FULL, E_SHUTTING_DOWN, E_REFUSED: the numeric WireErrorCode the orchestrator sent. */
  readonly wireCode?: number;
  /** E_DENIED: the numeric DenyReason the game child sent. */
  readonly denyReason?: number;
  /** E_DISCONNECTED: the numeric DisconnectReason the game child sent. */
  readonly disconnectReason?: number;
}

/**
 * The one error class of this package: a client failure: refused by the server, timed out, aborted, or a
 * protocol error. `code` is a stable {@link ClientErrorCode} that callers can switch on; `cause` carries the
 * underlying error, when there is one. Wire-level refusals also carry the server's numeric code and its name.
 */
export class ClientError<Code extends ClientErrorCode = ClientErrorCode> extends Error {
  /** A stable, machine-readable code such as 'E_SERVER_FULL'. */
  readonly code: Code;
  /** The orchestrator's numeric WireErrorCode (E_SERVER_FULL, E_SHUTTING_DOWN, E_REFUSED). */
  readonly wireCode: number | undefined;
  /** The name of `wireCode` ('SERVER_FULL', 'WIRE_<n>' for an unknown one). */
  readonly wireName: string | undefined;
  /** The child's numeric DenyReason (E_DENIED). */
  readonly denyReason: number | undefined;
  /** The name of `denyReason` ('TOKEN_EXPIRED', 'DENY_<n>' for an unknown one). */
  readonly denyReasonName: string | undefined;
  /** The child's numeric DisconnectReason (E_DISCONNECTED). */
  readonly disconnectReason: number | undefined;
  /** The name of `disconnectReason` ('TIMEOUT', 'DISCONNECT_<n>' for an unknown one). */
  readonly disconnectReasonName: string | undefined;

  /** An error with a stable `code`, a human-readable `message`, and what is known of its cause (`details`). */
  constructor(code: Code, message: string, details: ClientErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ClientError';
    this.code = code;
    this.wireCode = details.wireCode;
    this.wireName = details.wireCode === undefined ? undefined : wireErrorName(details.wireCode);
    this.denyReason = details.denyReason;
    this.denyReasonName = details.denyReason === undefined ? undefined : denyReasonName(details.denyReason);
    this.disconnectReason = details.disconnectReason;
    this.disconnectReasonName =
      details.disconnectReason === undefined ? undefined : disconnectReasonName(details.disconnectReason);
  }
}

/**
 * True when `value` is a {@link ClientError}, and, if `code` is given, carries that code; false for anything else
 * (a plain `Error`, an object that merely has a `code`, `null`, `undefined`). Never throws. It tests `instanceof`, so
 * an error thrown by another copy of this package (two versions installed side by side) is not recognized.
 */
export function isClientError<Code extends ClientErrorCode>(value: unknown, code?: Code): value is ClientError<Code> {
  return value instanceof ClientError && (code === undefined || value.code === code);
}

/**
 * The ClientError for an `error` frame from the orchestrator: E_SERVER_FULL for SERVER_FULL, TOO_MANY_FROM_IP,
 * TOO_MANY_QUEUED_FROM_IP and QUEUE_UNAVAILABLE (no room or no queue now: try again later), E_SHUTTING_DOWN for
 * SHUTTING_DOWN, E_REFUSED for every other (or unknown) code.
 */
export function clientErrorFromWire(wireCode: number, message: string): ClientError {
  const name = wireErrorName(wireCode);
  const text = `server refused: ${name}${message === '' ? '' : ` (${message})`}`;
  switch (wireCode) {
    case WireErrorCode.SERVER_FULL:
    case WireErrorCode.TOO_MANY_FROM_IP:
    case WireErrorCode.TOO_MANY_QUEUED_FROM_IP:
    case WireErrorCode.QUEUE_UNAVAILABLE:
      return new ClientError(ClientErrorCode.SERVER_FULL, text, { wireCode });
    case WireErrorCode.SHUTTING_DOWN:
      return new ClientError(ClientErrorCode.SHUTTING_DOWN, text, { wireCode });
    default:
      return new ClientError(ClientErrorCode.REFUSED, text, { wireCode });
  }
}

/** The E_ABORTED error for a fired signal (its reason as `cause`). */
export function abortError(signal: AbortSignal, what: string): ClientError<'E_ABORTED'> {
  return new ClientError(ClientErrorCode.ABORTED, `${what} aborted`, { cause: signal.reason });
}

/**
 * The E_SERVER_TIMEOUT error of a session that heard nothing from `where` for `silenceMs`. `refused`: datagrams
 * answered with ICMP "port unreachable" meanwhile (then nothing listens there any more: the child is gone).
 */
export function serverTimeoutError(where: string, silenceMs: number, refused: number): ClientError<'E_SERVER_TIMEOUT'> {
  const why =
    refused > 0
      ? `it is gone or unreachable (${refused} packet${refused === 1 ? '' : 's'} refused: no game server listens on that port any more)`
      : 'it is gone or unreachable';
  return new ClientError(
    ClientErrorCode.SERVER_TIMEOUT,
    `nothing heard from the game server at ${where} for ${Math.round(silenceMs)} ms: ${why}`,
  );
}

/** The E_DISCONNECTED error for a `disconnect` packet from the game child with `reason` (a DisconnectReason). */
export function disconnectedError(reason: number): ClientError<'E_DISCONNECTED'> {
  return new ClientError(
    ClientErrorCode.DISCONNECTED,
    `the game server disconnected this player: ${disconnectReasonName(reason)}`,
    {
      disconnectReason: reason,
    },
  );
}
