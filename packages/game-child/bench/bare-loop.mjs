// The CPU baseline of child-cpu.bench.ts: a bare Node process doing a game child's I/O and nothing else. It takes
// an IPC `start` ({ port, tickRateHz, snapshotBytes }), binds one UDP socket, learns its peers from the datagrams
// they send (their inputs) and, on a timer at the tick rate, sends each peer one datagram of `snapshotBytes`.
// Plain JavaScript on bare Node, forked with IPC like a game child.
import { createSocket } from 'node:dgram';

process.on('disconnect', () => process.exit(0));
process.on('message', (message) => {
  if (message?.type === 'exit') process.exit(0);
  if (message?.type !== 'start') return;
  const { port, tickRateHz, snapshotBytes } = message;
  const peers = new Map();
  const snapshot = Buffer.alloc(snapshotBytes, 1);
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}|${rinfo.port}`;
    if (!peers.has(key)) peers.set(key, { address: rinfo.address, port: rinfo.port });
  });
  socket.bind(port, '127.0.0.1', () => {
    setInterval(() => {
      for (const peer of peers.values()) socket.send(snapshot, peer.port, peer.address);
    }, 1000 / tickRateHz);
    process.send({ type: 'ready', port });
  });
});
