/** Version byte of every TCP frame this package writes and the only one its decoders accept. */
export const PROTOCOL_VERSION = 1 as const;

/**
 * First four bytes of every UDP datagram ('GSP1' in ASCII). Datagrams with another value are not
 * ours (or of another protocol generation) and are rejected with E_WRONG_PROTOCOL_ID.
 */
export const UDP_PROTOCOL_ID = 0x4753_5031 as const;

/**
 * Largest UDP datagram either side sends or accepts: fits the 1280-byte IPv6 minimum MTU minus
 * IP and UDP headers, so datagrams are never fragmented.
 */
export const MAX_DATAGRAM_BYTES = 1200 as const;

/** Bytes of the UDP packet header: protocol id, type, sequence, ack, ack bits. */
export const UDP_HEADER_BYTES = 13 as const;

/** Bytes of the TCP length prefix (u32 big-endian). */
export const FRAME_LENGTH_BYTES = 4 as const;

/** Bytes of a TCP frame's fixed header: length prefix, version, type. */
export const FRAME_HEADER_BYTES = 6 as const;

/**
 * Default bound on a TCP frame's declared length (the bytes after the length prefix). Every valid
 * message of this version fits well below it (the largest, `matchFound` and `error`, need about 1 KiB).
 */
export const DEFAULT_MAX_FRAME_BYTES = 4096 as const;

/** Largest player name, in UTF-8 bytes (at least 1). */
export const MAX_NAME_BYTES = 32 as const;

/** Largest game mode name, in UTF-8 bytes (at least 1 when present). */
export const MAX_MODE_BYTES = 32 as const;

/** Largest game id, in UTF-8 bytes (at least 1). */
export const MAX_GAME_ID_BYTES = 64 as const;

/** Largest host in `matchFound`, in UTF-8 bytes (0 means: the host the client reached over TCP). */
export const MAX_HOST_BYTES = 255 as const;

/** Largest error text in an `error` frame, in UTF-8 bytes. */
export const MAX_ERROR_MESSAGE_BYTES = 1024 as const;

/** Largest connect token any codec carries, in bytes (tokens of this version are at most 123). */
export const MAX_TOKEN_BYTES = 255 as const;

/**
 * Bytes of the return-routability cookie in `challenge` and `challengeResponse` packets: unpredictable
 * (random per seat and address), so only a client that really receives datagrams at its source address
 * can echo it. Both packets are 29 bytes, far smaller than a connect request with a real token (73 or more).
 */
export const CHALLENGE_COOKIE_BYTES = 16 as const;
