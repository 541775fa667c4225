// Port ranges for the integration tests: a random base in 40000..60000 whose ports are all free for UDP now.
import { createSocket } from 'node:dgram';

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** A range of `count` consecutive UDP ports that are free right now on 127.0.0.1. */
export async function freeUdpPorts(count: number): Promise<{ first: number; last: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 40_000 + Math.floor(Math.random() * (20_000 - count));
    let ok = true;
    for (let port = first; port < first + count && ok; port++) ok = await udpFree(port);
    if (ok) return { first, last: first + count - 1 };
  }
  throw new Error('no free UDP port range found');
}
