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
