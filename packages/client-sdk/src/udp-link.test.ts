import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import { UdpLink } from './udp-link.js';

async function waitUntil(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('UdpLink refusals', () => {
  it('counts ICMP port-unreachable refusals, and those since the last datagram received (reset by one)', async () => {
    // A port that was free a moment ago: nothing listens there, so loopback answers with port unreachable.
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const port = probe.address().port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const link = await UdpLink.open({ address: '127.0.0.1', family: 4, port }, silentLogger);
    link.setHandler(() => undefined);
    try {
      link.send(new Uint8Array([1]));
      await waitUntil(() => link.refused >= 1, 'a first refusal');
      link.send(new Uint8Array([2]));
      await waitUntil(() => link.refused >= 2, 'a second refusal');
      expect(link.refusedSinceReceived).toBe(link.refused);

      // Something listens there again and talks to us: the streak is over, the total stays.
      const server = createSocket('udp4');
      await new Promise<void>((resolve) => server.bind(port, '127.0.0.1', resolve));
      try {
        server.send(new Uint8Array([3]), link.localPort, '127.0.0.1');
        await waitUntil(() => link.refusedSinceReceived === 0, 'the reset');
        expect(link.refused).toBeGreaterThanOrEqual(2);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    } finally {
      await link.close();
    }
  });
});
