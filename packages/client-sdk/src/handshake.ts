import { performance } from 'node:perf_hooks';
import { AckTracker, DenyReason, denyReasonName, encodePacket, tryDecodePacket, type AcceptedPacket } from '@proj/protocol';
import { ClientError, ClientErrorCode, abortError } from './errors.js';
import type { Logger } from './logger.js';
import type { UdpLink } from './udp-link.js';

/** Ack window of the client's AckTracker (the game child uses the same). @internal */
export const ACK_WINDOW = 1024;

/** How a connect request is sent and resent. @internal */
export interface HandshakeOptions {
  readonly token: Uint8Array;
  /** performance.now() after which the handshake fails with E_CONNECT_TIMEOUT (or the last retried denial). */
  readonly deadline: number;
  /** First resend interval; each resend doubles it up to `resendMaxMs`. */
  readonly resendInitialMs: number;
  readonly resendMaxMs: number;
  /** Denials to keep retrying until the deadline (a reconnect waits for the child to free its old binding). */
  readonly retryDenied?: (reason: number) => boolean;
  readonly signal?: AbortSignal;
  readonly logger: Logger;
}

/** What the handshake leaves to the session. @internal */
export interface HandshakeResult {
  readonly accepted: AcceptedPacket;
  /** The conversation's tracker: it numbered the connect requests and recorded `accepted`. */
  readonly tracker: AckTracker;
  /** Connect requests sent. */
  readonly attempts: number;
  /** performance.now() when `accepted` arrived. */
  readonly acceptedAt: number;
}

/**
 * Sends `connectRequest` with the token over `link` until the child answers `accepted` (resolves; the link is
 * then on hold: its datagrams wait for the session's handler) or refuses. Resends back off exponentially.
 * Rejects with E_DENIED (or E_TOKEN_EXPIRED for a TOKEN_EXPIRED denial), E_CONNECT_TIMEOUT at the deadline,
 * E_ABORTED when `signal` fires. Never closes the link. @internal
 */
export function handshake(link: UdpLink, options: HandshakeOptions): Promise<HandshakeResult> {
  const { token, deadline, signal, logger } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal, 'connect'));
  const tracker = new AckTracker({ windowSize: ACK_WINDOW });
  const target = `${link.target.address}:${link.target.port}`;
  return new Promise((resolve, reject) => {
    let attempts = 0;
    let interval = options.resendInitialMs;
    let timer: NodeJS.Timeout | undefined;
    let lastDenial: ClientError | undefined;
    let done = false;

    const finish = (): void => {
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: ClientError): void => {
      if (done) return;
      finish();
      link.hold();
      reject(error);
    };
    function onAbort(): void {
      fail(abortError(signal!, 'connect'));
    }
    const sendRequest = (): void => {
      if (done) return;
      const now = performance.now();
      if (now >= deadline) {
        fail(
          lastDenial ??
            new ClientError(
              ClientErrorCode.CONNECT_TIMEOUT,
              `no answer from the game server at ${target} after ${attempts} connect request${attempts === 1 ? '' : 's'}`,
            ),
        );
        return;
      }
      attempts++;
      link.send(encodePacket({ type: 'connectRequest', ...tracker.nextHeader(), token }));
      logger.debug('connect request sent', { target, attempt: attempts });
      const wait = Math.min(interval, Math.max(1, deadline - now));
      interval = Math.min(interval * 2, options.resendMaxMs);
      timer = setTimeout(sendRequest, wait);
    };

    signal?.addEventListener('abort', onAbort, { once: true });
    link.setHandler((datagram) => {
      if (done) return;
      const decoded = tryDecodePacket(datagram);
      if (!decoded.ok) return;
      const packet = decoded.value;
      if (packet.type === 'accepted') {
        tracker.receive(packet.sequence);
        tracker.processAcks(packet.ack, packet.ackBits);
        finish();
        link.hold();
        logger.debug('connect accepted', { target, slot: packet.slot, tickRate: packet.tickRate, attempts });
        resolve({ accepted: packet, tracker, attempts, acceptedAt: performance.now() });
      } else if (packet.type === 'denied') {
        const code = packet.reason === DenyReason.TOKEN_EXPIRED ? ClientErrorCode.TOKEN_EXPIRED : ClientErrorCode.DENIED;
        const denied = new ClientError(code, `the game server at ${target} refused the connection: ${denyReasonName(packet.reason)}`, {
          denyReason: packet.reason,
        });
        logger.debug('connect denied', { target, reason: denied.denyReasonName });
        if (options.retryDenied?.(packet.reason) === true) lastDenial = denied;
        else fail(denied);
      }
      // Anything else before `accepted` is ignored: reliable events are resent until acked.
    });
    sendRequest();
  });
}
