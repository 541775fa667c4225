// The baseline of the child benchmarks: a bare Node child that does only what any game child must before it can
// serve a game (boot Node, take the IPC `start`, bind one UDP socket, answer `ready`), and nothing else.
// It speaks the same IPC messages as the real game child (see @proj/protocol src/ipc-messages.ts) without
// importing them.
import { createSocket } from 'node:dgram';

process.on('disconnect', () => process.exit(12));
process.on('message', (message) => {
  if (message?.type === 'shutdown') process.exit(16);
  if (message?.type !== 'start') return;
  const { gameId, bindHost, port } = message.game;
  const socket = createSocket('udp4');
  socket.once('error', (error) => {
    process.send({ type: 'bindFailed', gameId, port, errorCode: error.code ?? 'UNKNOWN', message: error.message });
    process.exit(13);
  });
  socket.bind(port, bindHost, () => process.send({ type: 'ready', gameId, port }));
});
