import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { createArenaGame } from './arena-game.js';
import { systemClock } from './clock.js';
import { GameChildError } from './errors.js';
import { GameServer, kBegin } from './game-server.js';
import { literalLookup } from './literal-lookup.js';
import { silentLogger } from './logger.js';
import { resolveServerOptions, type GameServerOptions } from './server-options.js';

function bind(socket: Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      socket.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      socket.off('error', onError);
      resolve();
    };
    socket.once('error', onError);
    socket.once('listening', onListening);
    socket.bind({ port, address: host, exclusive: true });
  });
}

/**
 * Starts one game: validates the options, sets the game up, binds a UDP socket on
 * `assignment.bindHost:assignment.port` and starts the loop. Resolves with the running server once bound.
 *
 * Rejects with GameChildError: 'E_INVALID_ARGUMENT' for bad options (including the default arena's options
 * in `assignment.options`), 'E_GAME_FAILED' if a custom Game's `setup` threw (cause: what it threw),
 * 'E_BIND_FAILED' if the socket could not be bound (cause: the socket error, whose `code` is for example
 * 'EADDRINUSE'). Nothing is left open on failure.
 */
export async function startGame(options: GameServerOptions): Promise<GameServer> {
  const o = resolveServerOptions(options);
  const game = options.game ?? createArenaGame(o.assignment.options ?? {});
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const host = o.assignment.bindHost;
  // Only a host with a colon can be an IPv6 address: net.isIPv6 compiles a large regular expression on its first
  // call (~8 ms of a cold child's start), which an IPv4 or a host name need not pay for.
  const socket = createSocket({
    type: host.includes(':') && isIPv6(host) ? 'udp6' : 'udp4',
    reuseAddr: false,
    lookup: literalLookup,
  });
  let server: GameServer;
  try {
    server = new GameServer(socket, o, game, clock, logger);
  } catch (error) {
    socket.close();
    if (error instanceof GameChildError) throw error;
    throw new GameChildError('E_GAME_FAILED', `the game's setup failed: ${String(error)}`, { cause: error });
  }
  try {
    await bind(socket, host, o.assignment.port);
  } catch (error) {
    try {
      socket.close();
    } catch {
      // never bound: nothing to close
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
    throw new GameChildError('E_BIND_FAILED', `cannot bind UDP ${host}:${o.assignment.port}: ${code}`, {
      cause: error,
    });
  }
  if (o.socketBufferBytes > 0) {
    try {
      socket.setRecvBufferSize(o.socketBufferBytes);
      socket.setSendBufferSize(o.socketBufferBytes);
    } catch (error) {
      logger.debug('socket buffer size refused', { error: String(error) });
    }
  }
  server[kBegin]();
  logger.info('game started', { gameId: server.gameId, port: server.port, players: o.assignment.players.length });
  return server;
}
