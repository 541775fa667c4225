import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freeTcpPort, freeUdpPort, freeUdpPortRange, freeUdpPorts } from './free-ports.js';

describe('free ports', () => {
  it('gives distinct UDP ports that can be bound', async () => {
    const ports = await freeUdpPorts(4);
    expect(new Set(ports).size).toBe(4);
    const port = await freeUdpPort();
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
    expect(socket.address().port).toBe(port);
    await new Promise<void>((resolve) => socket.close(resolve));
  });

  it('gives a TCP port that can be listened on', async () => {
    const port = await freeTcpPort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    expect(server.address()).toMatchObject({ port });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gives a range of consecutive UDP ports that can all be bound', async () => {
    const { first, last } = await freeUdpPortRange(3);
    expect(last - first).toBe(2);
    const sockets = [first, first + 1, last].map(() => createSocket('udp4'));
    await Promise.all(
      sockets.map((socket, i) => new Promise<void>((resolve) => socket.bind(first + i, '127.0.0.1', resolve))),
    );
    expect(sockets.map((socket) => socket.address().port)).toEqual([first, first + 1, last]);
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(resolve))));
  });
});
