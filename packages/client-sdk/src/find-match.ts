import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FrameDecoder, PROTOCOL_VERSION, encodeFrame, isProtocolError, type TcpMessage } from '@proj/protocol';
import { ClientError, ClientErrorCode, abortError, clientErrorFromWire } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import type { MatchFound, QueueStatus } from './match.js';
import { closeGracefully, unmapAddress } from './net-util.js';
import { MAX_TIMER_MS, intOption, signalOption, stringOption } from './validate.js';

/** Options of {@link findMatch}. `host`, `port` and `name` are required. */
export interface FindMatchOptions {
  /** Orchestrator host name or IP address. */
  readonly host: string;
  /** Orchestrator TCP port. */
  readonly port: number;
  /**
   * Player name: 1..32 UTF-8 bytes, no control, format (U+202E, U+200B...) or line/paragraph separator characters
   * (the protocol's name rule, checked before connecting: E_INVALID_ARGUMENT; the server may refuse more: E_REFUSED
   * BAD_NAME).
   */
  readonly name: string;
  /** Game mode to queue for (1..32 bytes); absent: the server's default mode. */
  readonly mode?: string;
  /** Cancels the search: sends `cancel`, closes, rejects with E_ABORTED. */
  readonly signal?: AbortSignal;
  /** Called with every queue-position update (a throwing callback is logged and ignored). */
  readonly onQueued?: (status: QueueStatus) => void;
  /** Gives up opening the TCP connection after this long (default 10,000 ms): E_CONNECT_FAILED. */
  readonly connectTimeoutMs?: number;
  /** Pings the orchestrator this often while queued, so it knows the player is there (default 5,000 ms; 0: never). */
  readonly pingIntervalMs?: number;
  /** With pings on: fails with E_CONNECTION_CLOSED when nothing was heard for this long (default 3 ping intervals). */
  readonly silenceTimeoutMs?: number;
  /** Where to log (default: silent). */
  readonly logger?: Logger;
}

function invalidArgument(message: string, cause: unknown): ClientError {
  return new ClientError(ClientErrorCode.INVALID_ARGUMENT, message, { cause });
}

/**
 * Finds a match: opens a TCP connection to the orchestrator, says hello (name, mode), reports queue positions
 * through `onQueued`, pings while waiting, and resolves with the match once the orchestrator sends match-found;
 * the TCP connection is then closed (the game is played over UDP: pass the result to `connect`).
 *
 * Rejects with a {@link ClientError}: E_INVALID_ARGUMENT (bad options, checked before connecting),
 * E_CONNECT_FAILED (cannot reach the orchestrator), E_SERVER_FULL / E_SHUTTING_DOWN / E_REFUSED (the server
 * sent an error frame; `wireCode`/`wireName` tell which), E_CONNECTION_CLOSED (the connection closed or went
 * silent before a match), E_PROTOCOL (undecodable bytes), E_ABORTED (`signal` fired: `cancel` was sent first).
 */
export async function findMatch(options: FindMatchOptions): Promise<MatchFound> {
  const host = stringOption('host', options.host);
  const port = intOption('port', options.port, 0, 1, 65535);
  const name = stringOption('name', options.name);
  const signal = signalOption(options.signal);
  const connectTimeoutMs = intOption('connectTimeoutMs', options.connectTimeoutMs, 10_000, 1, MAX_TIMER_MS);
  const pingIntervalMs = intOption('pingIntervalMs', options.pingIntervalMs, 5000, 0, MAX_TIMER_MS);
  const silenceTimeoutMs = intOption('silenceTimeoutMs', options.silenceTimeoutMs, pingIntervalMs * 3, 1, MAX_TIMER_MS);
  const logger = options.logger ?? silentLogger;
  let hello: Uint8Array;
  try {
    hello = encodeFrame(
      options.mode === undefined
        ? { type: 'hello', protocolVersion: PROTOCOL_VERSION, name }
        : { type: 'hello', protocolVersion: PROTOCOL_VERSION, name, mode: options.mode },
    );
  } catch (cause) {
    throw invalidArgument(`invalid name or mode: ${(cause as Error).message}`, cause);
  }
  if (signal?.aborted) throw abortError(signal, 'findMatch');

  return await new Promise<MatchFound>((resolve, reject) => {
    const socket: Socket = netConnect({ host, port });
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    let connected = false;
    let settled = false;
    let helloAt = 0;
    let lastHeardAt = 0;
    let nonce = 0;
    let queuedMode: string | undefined;
    let pingTimer: NodeJS.Timeout | undefined;
    const connectTimer = setTimeout(() => {
      socket.destroy();
      fail(
        new ClientError(
          ClientErrorCode.CONNECT_FAILED,
          `timed out connecting to ${host}:${port} after ${connectTimeoutMs} ms`,
        ),
      );
    }, connectTimeoutMs);

    const cleanup = (): void => {
      settled = true;
      clearTimeout(connectTimer);
      if (pingTimer !== undefined) clearInterval(pingTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: ClientError): void => {
      if (settled) return;
      cleanup();
      logger.debug('findMatch failed', { code: error.code, message: error.message });
      reject(error);
    };
    const send = (msg: TcpMessage): void => {
      if (!socket.destroyed && socket.writable) socket.write(encodeFrame(msg));
    };
    function onAbort(): void {
      if (settled || signal === undefined) return;
      if (connected) send({ type: 'cancel' });
      closeGracefully(socket);
      if (!connected) socket.destroy();
      fail(abortError(signal, 'findMatch'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    const onMessage = (msg: TcpMessage): void => {
      switch (msg.type) {
        case 'queued':
          queuedMode = msg.mode ?? queuedMode;
          logger.debug('queued', { position: msg.position, mode: msg.mode });
          try {
            options.onQueued?.({ position: msg.position, mode: msg.mode });
          } catch (error) {
            logger.warn('onQueued callback threw', { error: String(error) });
          }
          return;
        case 'matchFound': {
          const reached = unmapAddress(socket.remoteAddress ?? host);
          const match: MatchFound = {
            gameId: msg.gameId,
            host: msg.host === '' ? reached : msg.host,
            port: msg.port,
            slot: msg.slot,
            token: msg.token,
            tokenExpiresAt: msg.tokenExpiresAt,
            name,
            mode: queuedMode ?? options.mode,
            timeToMatchMs: performance.now() - helloAt,
          };
          cleanup();
          closeGracefully(socket);
          logger.debug('match found', { gameId: match.gameId, host: match.host, port: match.port, slot: match.slot });
          resolve(match);
          return;
        }
        case 'error':
          closeGracefully(socket);
          fail(clientErrorFromWire(msg.code, msg.message));
          return;
        case 'ping':
          send({ type: 'pong', nonce: msg.nonce });
          return;
        default:
          // pong (already counted as "heard"), or client-to-server types a server should not send: ignored.
          return;
      }
    };

    socket.on('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
      helloAt = performance.now();
      lastHeardAt = helloAt;
      socket.write(hello);
      logger.debug('hello sent', { host, port, name, mode: options.mode });
      if (pingIntervalMs > 0) {
        pingTimer = setInterval(() => {
          if (performance.now() - lastHeardAt > silenceTimeoutMs) {
            socket.destroy();
            fail(
              new ClientError(
                ClientErrorCode.CONNECTION_CLOSED,
                `the server at ${host}:${port} went silent for ${silenceTimeoutMs} ms`,
              ),
            );
            return;
          }
          nonce = (nonce + 1) >>> 0;
          send({ type: 'ping', nonce });
        }, pingIntervalMs);
      }
    });
    socket.on('data', (chunk: Buffer) => {
      if (settled) return;
      lastHeardAt = performance.now();
      let messages: TcpMessage[];
      try {
        messages = decoder.push(chunk);
      } catch (cause) {
        socket.destroy();
        const what = isProtocolError(cause) ? cause.code : String(cause);
        fail(new ClientError(ClientErrorCode.PROTOCOL, `undecodable frame from the server (${what})`, { cause }));
        return;
      }
      for (const msg of messages) {
        if (settled) return;
        onMessage(msg);
      }
    });
    socket.on('error', (cause) => {
      if (!connected) {
        fail(
          new ClientError(ClientErrorCode.CONNECT_FAILED, `cannot connect to ${host}:${port}: ${cause.message}`, {
            cause,
          }),
        );
      } else {
        fail(
          new ClientError(ClientErrorCode.CONNECTION_CLOSED, `connection to ${host}:${port} failed: ${cause.message}`, {
            cause,
          }),
        );
      }
    });
    socket.on('close', () => {
      fail(
        connected
          ? new ClientError(
              ClientErrorCode.CONNECTION_CLOSED,
              `the server at ${host}:${port} closed the connection before a match`,
            )
          : new ClientError(ClientErrorCode.CONNECT_FAILED, `cannot connect to ${host}:${port}`),
      );
    });
  });
}
