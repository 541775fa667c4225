import { type ServerProcess, destroyAll, freeUdpPorts, startServer } from '@proj/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';
import { WireClient, helloFrame } from './helpers/wire-client.js';

// Hostile TCP clients against the built bin: ping floods before and after hello are answered with at most a
// burst of pongs, then RATE_LIMITED and a close, counted in /metrics; the flooder's address sits out a penalty;
// an honest player on another address, pinging as the client SDK does, is never limited and gets its match.
// Flooders connect from 127.0.0.2 and 127.0.0.3 (the whole of 127/8 is loopback on Linux), honest players from
// 127.0.0.1. No timing is asserted.

const RATE_LIMITED = 13;
const BEFORE_HELLO_BURST = 8; // the server's defaults
const PING_BURST = 10;
const clients: WireClient[] = [];

beforeAll(() => ensureBuilt(), 240_000);
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  destroyAll();
});

/** `count` ping frames in one buffer. */
function pings(count: number): Buffer {
  const out = Buffer.alloc(count * 10);
  for (let i = 0; i < count; i++) {
    out.writeUInt32BE(6, i * 10);
    out[i * 10 + 4] = 1;
    out[i * 10 + 5] = 0x03;
    out.writeUInt32BE(i, i * 10 + 6);
  }
  return out;
}

async function connect(server: ServerProcess, localAddress?: string): Promise<WireClient> {
  const client = await WireClient.connect(server.tcpPort, '127.0.0.1', localAddress);
  clients.push(client);
  return client;
}

const pongs = (c: WireClient): number => c.messages.filter((m) => m.type === 'pong').length;

async function start(): Promise<ServerProcess> {
  const udp = await freeUdpPorts(2);
  return startServer(['--port', '0', '--admin-port', '0', '--udp-ports', udp.join(','), '--warm-pool', '0'], {
    PROJ_MODES: 'duel:2',
  });
}

describe('the built bin under a TCP flood', () => {
  it('limits a ping flood before hello and one after hello, closes both, counts them, and penalises the address', async () => {
    const server = await start();

    // Before hello: the tighter budget.
    const early = await connect(server, '127.0.0.2');
    early.send(pings(20_000));
    const earlyError = await early.next('error');
    expect(earlyError).toEqual({
      type: 'error',
      code: RATE_LIMITED,
      message: `messages too fast: frames before hello over 1/s (burst ${BEFORE_HELLO_BURST})`,
    });
    await early.whenClosed();
    expect(pongs(early)).toBeLessThanOrEqual(BEFORE_HELLO_BURST);

    // The same address is refused while its penalty runs.
    const again = await connect(server, '127.0.0.2');
    expect((await again.next('error')).code).toBe(RATE_LIMITED);
    await again.whenClosed();
    expect(pongs(again)).toBe(0);

    // After hello (another address): the ping budget.
    const late = await connect(server, '127.0.0.3');
    late.send(helloFrame('flooder'));
    await late.next('queued');
    late.send(pings(20_000));
    expect(await late.next('error')).toEqual({
      type: 'error',
      code: RATE_LIMITED,
      message: `messages too fast: pings over 2/s (burst ${PING_BURST})`,
    });
    await late.whenClosed();
    expect(pongs(late)).toBeLessThanOrEqual(PING_BURST);

    expect(await server.metric('proj_frames_rejected_total{reason="RATE_LIMITED"}')).toBe(2);
    expect(await server.metric('proj_connections_rejected_total{reason="RATE_LIMITED"}')).toBe(1);
    expect(await server.metric('proj_queue_length{mode="duel"}')).toBe(0);
  });

  it('never limits an honest player that pings every 5 s while flooders hammer the server; it gets its match', async () => {
    const server = await start();
    const honest = await connect(server);
    honest.send(helloFrame('honest'));
    await honest.next('queued');
    const ping = (): void => honest.send(pings(1));
    ping();
    const pinger = setInterval(ping, 5_000);
    try {
      // Flooders from another address, reconnecting whenever they are closed, until the honest player has
      // pinged twice (5 s apart) and been answered.
      let flooding = true;
      let floods = 0;
      const flood = (async () => {
        while (flooding) {
          const flooder = await connect(server, '127.0.0.2');
          flooder.send(pings(5_000));
          await flooder.whenClosed();
          floods++;
          clients.splice(clients.indexOf(flooder), 1);
        }
      })();
      await honest.until(() => pongs(honest) >= 2, 20_000, 'two pongs');
      flooding = false;
      await flood;
      expect(floods).toBeGreaterThan(0);
      expect(honest.closed).toBe(false);
      expect(honest.messages.filter((m) => m.type === 'error')).toEqual([]);

      const rival = await connect(server);
      rival.send(helloFrame('rival'));
      const [a, b] = await Promise.all([honest.next('matchFound'), rival.next('matchFound')]);
      expect([a.slot, b.slot].sort()).toEqual([0, 1]);
    } finally {
      clearInterval(pinger);
    }
    expect(await server.metric('proj_frames_rejected_total{reason="RATE_LIMITED"}')).toBeGreaterThan(0);
  }, 60_000);
});
