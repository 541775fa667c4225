import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

// Each helper binds port 0 on 127.0.0.1 (the OS picks a port), reads the port and closes the socket again: the
// port was free a moment ago. Good enough for tests that hand a port to a process that binds it next; another
// program may still take it in between, so prefer port 0 wherever the code under test accepts it.

/** `count` distinct UDP ports that were free on 127.0.0.1 a moment ago (all held at once while picking). */
export async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets = await Promise.all(
    Array.from({ length: count }, async () => {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      return socket;
    }),
  );
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(resolve))));
  return ports;
}

/** One UDP port that was free on 127.0.0.1 a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const [port] = await freeUdpPorts(1);
  return port!;
}

/** One TCP port that was free on 127.0.0.1 a moment ago (nothing listens there once this resolves). */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether `port` can be bound for UDP on 127.0.0.1 right now. */
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

/**
 * A range of `count` consecutive UDP ports, all free on 127.0.0.1 a moment ago, for code that takes a port range
 * (the orchestrator's ring): a random base in 40000..60000, tried up to 50 times. Rejects when none was found.
 */
export async function freeUdpPortRange(count: number): Promise<{ first: number; last: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 40_000 + Math.floor(Math.random() * (20_000 - count));
    let ok = true;
    for (let port = first; port < first + count && ok; port++) ok = await udpFree(port);
    if (ok) return { first, last: first + count - 1 };
  }
  throw new Error(`no range of ${count} free UDP ports found`);
}
