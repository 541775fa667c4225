import { type MatchFoundMessage, encodeFrame, tryDecodeFrame } from '@proj/protocol';

/** The match-found one host's confirm hands to another host's player. */
export type MatchFoundPayload = MatchFoundMessage;

/**
 * A match-found as the shared queue carries it to the host holding the player: its TCP frame, base64. The frame is
 * what that host sends on as it is, after {@link decodeMatchFound} checked it.
 */
export function encodeMatchFound(message: MatchFoundPayload): string {
  const frame = encodeFrame(message);
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64');
}

/** The match-found in a payload of {@link encodeMatchFound}, or undefined when it is not one (never throws). */
export function decodeMatchFound(payload: string): MatchFoundPayload | undefined {
  const decoded = tryDecodeFrame(new Uint8Array(Buffer.from(payload, 'base64')));
  return decoded.ok && decoded.value.type === 'matchFound' ? decoded.value : undefined;
}
