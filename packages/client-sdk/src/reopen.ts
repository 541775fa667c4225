import { DenyReason } from '@proj/protocol';
import { ClientError, ClientErrorCode } from './errors.js';
import { handshake, type HandshakeResult } from './handshake.js';
import type { MatchFound } from './match.js';
import type { ResolvedConnectOptions } from './session-options.js';
import { UdpLink, type UdpTarget } from './udp-link.js';

/** What `connect` hands to a new GameSession: the match and the conversation its handshake opened. @internal */
export interface SessionInit {
  readonly match: MatchFound;
  readonly target: UdpTarget;
  readonly link: UdpLink;
  readonly handshake: HandshakeResult;
  readonly options: ResolvedConnectOptions;
}

/** What {@link openAndHandshake} needs besides the connect options. @internal */
export interface OpenRequest {
  readonly target: UdpTarget;
  readonly token: Uint8Array;
  /** performance.now() deadline of the handshake. */
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  /** Denials to retry until the deadline (see handshake). */
  readonly retryDenied?: (reason: number) => boolean;
}

/**
 * Opens a new UDP socket to the child and runs the handshake on it. Resolves with the socket (its datagrams on
 * hold for the session) and the handshake's result; on any failure closes the socket and rejects with the
 * handshake's or socket's ClientError. @internal
 */
export async function openAndHandshake(
  request: OpenRequest,
  options: ResolvedConnectOptions,
): Promise<{ readonly link: UdpLink; readonly result: HandshakeResult }> {
  const link = await UdpLink.open(request.target, options.logger, request.signal);
  try {
    const result = await handshake(link, {
      token: request.token,
      deadline: request.deadline,
      resendInitialMs: options.resendInitialMs,
      resendMaxMs: options.resendMaxMs,
      signal: request.signal,
      logger: options.logger,
      ...(request.retryDenied === undefined ? {} : { retryDenied: request.retryDenied }),
    });
    return { link, result };
  } catch (error) {
    await link.close();
    throw error;
  }
}

/**
 * A reconnect's new conversation: {@link openAndHandshake} with the same token, retrying SLOT_TAKEN and
 * TOKEN_REUSED denials (the child still holds the old binding) until the deadline. Rejects with a ClientError
 * (anything else wrapped as E_SOCKET). @internal
 */
export async function reclaimSlot(
  request: Omit<OpenRequest, 'retryDenied'>,
  options: ResolvedConnectOptions,
): Promise<{ readonly link: UdpLink; readonly result: HandshakeResult }> {
  try {
    return await openAndHandshake(
      { ...request, retryDenied: (reason) => reason === DenyReason.SLOT_TAKEN || reason === DenyReason.TOKEN_REUSED },
      options,
    );
  } catch (error) {
    if (error instanceof ClientError) throw error;
    throw new ClientError(ClientErrorCode.SOCKET, `reconnect failed: ${String(error)}`, { cause: error });
  }
}
