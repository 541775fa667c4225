import { performance } from 'node:perf_hooks';
import {
  AckTracker,
  DenyReason,
  denyReasonName,
  encodePacket,
  tryDecodePacket,
  type AcceptedPacket,
} from '@proj/protocol';
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

/** Challenge responses sent for one cookie without an answer before the handshake asks for a fresh challenge. */
const RESPONSES_PER_CHALLENGE = 3;

/** What the handshake leaves to the session. @internal */
export interface HandshakeResult {
  readonly accepted: AcceptedPacket;
  /** The conversation's tracker: it numbered the connect requests and recorded `accepted`. */
  readonly tracker: AckTracker;
  /** Connect requests sent. */
  readonly attempts: number;
  /** Challenge responses sent (0 when the child accepted without a return-routability check). */
  readonly responses: number;
  /** performance.now() when `accepted` arrived. */
  readonly acceptedAt: number;
}

/**
 * Sends `connectRequest` with the token over `link` until the child answers `accepted` (resolves; the link is
 * then on hold: its datagrams wait for the session's handler) or refuses. The child first checks that this
 * socket really receives (return routability): it answers a `challenge`, which is echoed at once in a
 * `challengeResponse`; from then on the resends carry the response instead of the request (after
 * RESPONSES_PER_CHALLENGE unanswered ones, a request again, for a fresh challenge). Resends back off
 * exponentially, one backoff for the whole handshake. Rejects with E_DENIED (or E_TOKEN_EXPIRED for a
 * TOKEN_EXPIRED denial), E_CONNECT_TIMEOUT at the deadline (its message says whether a challenge arrived),
 * E_ABORTED when `signal` fires. Never closes the link. @internal
 */
export function handshake(link: UdpLink, options: HandshakeOptions): Promise<HandshakeResult> {
  const { token, deadline, signal, logger } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal, 'connect'));
  const tracker = new AckTracker({ windowSize: ACK_WINDOW });
  const target = `${link.target.address}:${link.target.port}`;
  return new Promise((resolve, reject) => {
    let attempts = 0;
    let responses = 0;
    let challenges = 0;
    /** The newest challenge's cookie and the responses sent for it, while one is being answered. */
    let cookie: Uint8Array | undefined;
    let responsesForCookie = 0;
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
    const timeoutError = (): ClientError => {
      const requests = `${attempts} connect request${attempts === 1 ? '' : 's'}`;
      if (challenges === 0)
        return new ClientError(
          ClientErrorCode.CONNECT_TIMEOUT,
          `no answer from the game server at ${target} after ${requests}`,
        );
      return new ClientError(
        ClientErrorCode.CONNECT_TIMEOUT,
        `the game server at ${target} sent ${challenges} address challenge${challenges === 1 ? '' : 's'} but accepted none of ${responses} ` +
          `response${responses === 1 ? '' : 's'} (after ${requests}): its datagrams reach this socket, ours may come back from another address or be lost`,
      );
    };
    const sendNext = (): void => {
      if (done) return;
      const now = performance.now();
      if (now >= deadline) {
        fail(lastDenial ?? timeoutError());
        return;
      }
      if (cookie !== undefined && responsesForCookie >= RESPONSES_PER_CHALLENGE) cookie = undefined;
      if (cookie === undefined) {
        attempts++;
        link.send(encodePacket({ type: 'connectRequest', ...tracker.nextHeader(), token }));
        logger.debug('connect request sent', { target, attempt: attempts });
      } else {
        responses++;
        responsesForCookie++;
        link.send(encodePacket({ type: 'challengeResponse', ...tracker.nextHeader(), cookie }));
        logger.debug('challenge response sent', { target, response: responses });
      }
      const wait = Math.min(interval, Math.max(1, deadline - now));
      interval = Math.min(interval * 2, options.resendMaxMs);
      timer = setTimeout(sendNext, wait);
    };
    const onChallenge = (received: Uint8Array): void => {
      challenges++;
      // The same cookie again answers a resent request: the response already sent (or its resend) covers it.
      if (cookie !== undefined && Buffer.compare(cookie, received) === 0) return;
      cookie = received.slice();
      responsesForCookie = 0;
      if (timer !== undefined) clearTimeout(timer);
      logger.debug('challenge received', { target });
      sendNext(); // at once: the child is waiting for it
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
        resolve({ accepted: packet, tracker, attempts, responses, acceptedAt: performance.now() });
      } else if (packet.type === 'challenge') {
        onChallenge(packet.cookie);
      } else if (packet.type === 'denied') {
        const code =
          packet.reason === DenyReason.TOKEN_EXPIRED ? ClientErrorCode.TOKEN_EXPIRED : ClientErrorCode.DENIED;
        const denied = new ClientError(
          code,
          `the game server at ${target} refused the connection: ${denyReasonName(packet.reason)}`,
          {
            denyReason: packet.reason,
          },
        );
        logger.debug('connect denied', { target, reason: denied.denyReasonName });
        if (options.retryDenied?.(packet.reason) === true) {
          lastDenial = denied;
          cookie = undefined; // a denial ends the child's challenge: the next resend asks again
        } else fail(denied);
      }
      // Anything else before `accepted` is ignored: reliable events are resent until acked.
    });
    sendNext();
  });
}
