import { createSocket, type Socket } from 'node:dgram';
import { GameOverReason, decodePacket, encodePacket } from '@proj/protocol';
import { freeUdpPort, waitUntil } from '@proj/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { PortTombstone } from './port-tombstone.js';

const sockets: Socket[] = [];
const tombstones: PortTombstone[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  for (const t of tombstones.splice(0)) t.close();
});

async function peer(): Promise<{ socket: Socket; received: Buffer[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, received };
}

const ping = Buffer.from(encodePacket({ type: 'ping', sequence: 7, ack: 3, ackBits: 0, time: 12345 }));

function open(port: number, durationMs = 10_000): { tombstone: PortTombstone; closed: Promise<void> } {
  let resolve!: () => void;
  const closed = new Promise<void>((r) => (resolve = r));
  const tombstone = new PortTombstone('127.0.0.1', port, durationMs, resolve);
  tombstones.push(tombstone);
  return { tombstone, closed };
}

describe('PortTombstone', () => {
  it("answers a player's datagrams with a gameOver ABORTED, never larger, paced per sender; ignores junk", async () => {
    const port = await freeUdpPort();
    const { tombstone } = open(port);
    const player = await peer();
    await waitUntil(() => {
      player.socket.send(ping, port, '127.0.0.1');
      return player.received.length > 0;
    }, 'an answer');
    const answer = decodePacket(player.received[0]!);
    expect(answer).toMatchObject({ type: 'gameOver', reason: GameOverReason.ABORTED });
    expect(player.received[0]!.length).toBeLessThanOrEqual(ping.length);
    // Junk and our own server-side types get nothing; a burst from one sender gets at most one answer per 100 ms.
    const before = tombstone.answered;
    const junk = await peer();
    junk.socket.send(Buffer.from('GET / HTTP/1.1\r\n\r\n'), port, '127.0.0.1');
    junk.socket.send(
      Buffer.from(
        encodePacket({ type: 'gameOver', sequence: 1, ack: 0, ackBits: 0, reason: 1, data: new Uint8Array(0) }),
      ),
      port,
      '127.0.0.1',
    );
    for (let i = 0; i < 50; i++) player.socket.send(ping, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 60));
    expect(junk.received).toEqual([]);
    expect(tombstone.answered - before).toBeLessThanOrEqual(1);
  });

  it('lets go of the port when its time is up, then calls onClosed once', async () => {
    const port = await freeUdpPort();
    const { closed } = open(port, 100);
    await closed;
    const again = createSocket('udp4');
    sockets.push(again);
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(port, '127.0.0.1', resolve);
    });
  });

  it('closes at once (onClosed, asynchronously) when the port is taken', async () => {
    const port = await freeUdpPort();
    const holder = createSocket('udp4');
    sockets.push(holder);
    await new Promise<void>((resolve) => holder.bind(port, '127.0.0.1', resolve));
    let calls = 0;
    const tombstone = new PortTombstone('127.0.0.1', port, 60_000, () => calls++);
    tombstones.push(tombstone);
    expect(calls).toBe(0);
    await waitUntil(() => calls === 1, 'onClosed');
    tombstone.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(1);
  });
});
