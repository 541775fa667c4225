// The RSS baseline of the benchmark: a bare Node process (forked with IPC, like a game child) that binds
// one UDP socket and waits.
import { createSocket } from 'node:dgram';

const socket = createSocket('udp4');
socket.bind(0, '127.0.0.1', () => process.send({ type: 'ready', port: socket.address().port }));
process.on('disconnect', () => process.exit(0));
