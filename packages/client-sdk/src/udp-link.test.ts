import { createSocket } from 'node:dgram';
import { freeUdpPort, waitUntil } from '@proj/test-utils';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import { UdpLink } from './udp-link.js';

/** Short waits: these are unit tests on loopback. */
const WAIT_MS = 5_000;

describe('UdpLink refusals', () => {
  it('counts ICMP port-unreachable refusals, and those since the last datagram received (reset by one)', async () => {
    // A port that was free a moment ago: nothing listens there, so loopback answers with port unreachable.
    const port = await freeUdpPort();

    const link = await UdpLink.open({ address: '127.0.0.1', family: 4, port }, silentLogger);
    link.setHandler(() => undefined);
    try {
      link.send(new Uint8Array([1]));
      await waitUntil(() => link.refused >= 1, 'a first refusal', WAIT_MS);
      link.send(new Uint8Array([2]));
      await waitUntil(() => link.refused >= 2, 'a second refusal', WAIT_MS);
      expect(link.refusedSinceReceived).toBe(link.refused);

      // Something listens there again and talks to us: the streak is over, the total stays.
      const server = createSocket('udp4');
      await new Promise<void>((resolve) => server.bind(port, '127.0.0.1', resolve));
      try {
        server.send(new Uint8Array([3]), link.localPort, '127.0.0.1');
        await waitUntil(() => link.refusedSinceReceived === 0, 'the reset', WAIT_MS);
        expect(link.refused).toBeGreaterThanOrEqual(2);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    } finally {
      await link.close();
    }
  });
});
