/**
 * Every code a {@link ProtocolError} can carry. Stable strings that callers switch on; the keys are
 * the same codes without the `E_` prefix.
 */
export const ProtocolErrorCode = {
  /** The input ended before a complete frame, packet or field (also: a stream closed mid-frame). */
  TRUNCATED: 'E_TRUNCATED',
  /** A TCP frame declares (or would need) more bytes than the configured maximum. */
  FRAME_TOO_LARGE: 'E_FRAME_TOO_LARGE',
  /** A UDP datagram is, or would be, larger than MAX_DATAGRAM_BYTES. */
  PACKET_TOO_LARGE: 'E_PACKET_TOO_LARGE',
  /** A type byte this version does not know. */
  UNKNOWN_TYPE: 'E_UNKNOWN_TYPE',
  /** A TCP frame (or IPC message) of another protocol version. */
  UNSUPPORTED_VERSION: 'E_UNSUPPORTED_VERSION',
  /** A UDP datagram whose first four bytes are not UDP_PROTOCOL_ID. */
  WRONG_PROTOCOL_ID: 'E_WRONG_PROTOCOL_ID',
  /** A length field that lies: beyond the bytes that remain, or outside the field's bounds. */
  BAD_LENGTH: 'E_BAD_LENGTH',
  /** A string field whose bytes are not valid UTF-8 (or, when encoding, a string with lone surrogates). */
  INVALID_UTF8: 'E_INVALID_UTF8',
  /** A field value outside its allowed range or character policy (when decoding or encoding). */
  INVALID_FIELD: 'E_INVALID_FIELD',
  /** Bytes left over after a complete frame or packet body. */
  TRAILING_BYTES: 'E_TRAILING_BYTES',
  /** A BinaryWriter would grow past its maxBytes. */
  CAPACITY_EXCEEDED: 'E_CAPACITY_EXCEEDED',
  /** An API argument that is not a message field is invalid (a short secret, a bad option, ...). */
  INVALID_ARGUMENT: 'E_INVALID_ARGUMENT',
  /** A FrameDecoder that already failed was used again. */
  DECODER_POISONED: 'E_DECODER_POISONED',
  /** A connect token that cannot be parsed (wrong size, wrong version, bad field). */
  TOKEN_MALFORMED: 'E_TOKEN_MALFORMED',
  /** A connect token whose MAC does not match (forged, altered, or signed with another secret). */
  TOKEN_FORGED: 'E_TOKEN_FORGED',
  /** A genuine connect token past its expiry. */
  TOKEN_EXPIRED: 'E_TOKEN_EXPIRED',
  /** A genuine connect token for another game id. */
  TOKEN_WRONG_GAME: 'E_TOKEN_WRONG_GAME',
  /** A connect token already claimed (single use). */
  TOKEN_REUSED: 'E_TOKEN_REUSED',
  /** A TokenReplayGuard full of unexpired nonces refuses a new one (it fails closed). */
  REPLAY_GUARD_FULL: 'E_REPLAY_GUARD_FULL',
  /** An IPC message between orchestrator and child failed validation. */
  INVALID_IPC_MESSAGE: 'E_INVALID_IPC_MESSAGE',
} as const;
/** A value of {@link ProtocolErrorCode}. */
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

const knownCodes: ReadonlySet<string> = new Set(Object.values(ProtocolErrorCode));

/**
 * The one error class of this package: a wire-format error: a frame, packet or token that could not
 * be encoded or decoded. `code` is a stable {@link ProtocolErrorCode} that callers can switch on;
 * `cause` carries the underlying error, when there is one. Decoders of this package throw nothing else.
 */
export class ProtocolError<Code extends ProtocolErrorCode = ProtocolErrorCode> extends Error {
  /** A stable, machine-readable code such as 'E_TRUNCATED'. */
  readonly code: Code;

  /** An error with `code`, a human-readable `message` and optionally the underlying `cause`. */
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

/** True when `value` is a known {@link ProtocolErrorCode} string. */
export function isProtocolErrorCode(value: unknown): value is ProtocolErrorCode {
  return typeof value === 'string' && knownCodes.has(value);
}

/**
 * True when `value` is a {@link ProtocolError}, and, if `code` is given, carries that code; false for anything else
 * (a plain `Error`, an object that merely has a `code`, `null`, `undefined`). Never throws. It tests `instanceof`, so
 * an error thrown by another copy of this package (two versions installed side by side) is not recognized.
 */
export function isProtocolError<Code extends ProtocolErrorCode>(
  value: unknown,
  code?: Code,
): value is ProtocolError<Code> {
  return value instanceof ProtocolError && (code === undefined || value.code === code);
}

/**
 * The outcome of a `tryDecode...` function: the decoded value, or the {@link ProtocolError} the
 * throwing variant would have thrown.
 */
export type DecodeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProtocolError };

/** @internal Throws a ProtocolError; keeps call sites on one line. */
export function fail(code: ProtocolErrorCode, message: string, cause?: unknown): never {
  throw new ProtocolError(code, message, cause === undefined ? undefined : { cause });
}

/**
 * @internal Runs `decode`, turning a thrown ProtocolError into a failed result. Anything else
 * thrown is a bug of this package and is wrapped as E_INVALID_FIELD rather than escaping, so a
 * `tryDecode...` caller can rely on never seeing an exception.
 */
export function attempt<T>(decode: () => T): DecodeResult<T> {
  try {
    return { ok: true, value: decode() };
  } catch (error) {
    if (error instanceof ProtocolError) return { ok: false, error };
    return { ok: false, error: new ProtocolError('E_INVALID_FIELD', 'unexpected decoder failure', { cause: error }) };
  }
}
