// bare-child.mjs as CommonJS: the same bare Node child (boot, take the IPC `start`, bind one UDP socket, answer
// `ready`), loaded by Node's CommonJS loader like the server's bundled game child entry (dist/game-child-entry.cjs),
// so that the game child is also compared with a bare child that does not pay for the ESM loader.
'use strict';
const { createSocket } = require('node:dgram');

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
