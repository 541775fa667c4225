import { type Socket, createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { destroyAll, freeUdpPorts, startServer, waitUntil } from '@proj/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';
import { UdpType, WireClient } from './helpers/wire-client.js';

// proj_packets_rejected_total end to end: the built bin, a real game child, junk and forged UDP datagrams sent to
// the game's port, the child's IPC stats, the orchestrator's event, the counter on /metrics. Every wait is for an
// event or a condition, never for a fixed time.

const dir = mkdtempSync(join(tmpdir(), 'proj-server-packets-'));
const opened: { close(): void }[] = [];

beforeAll(() => ensureBuilt(), 240_000);
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
  destroyAll();
});

const UDP_PROTOCOL_ID = 0x4753_5031;

/** A stranger's UDP socket on 127.0.0.1. */
async function stranger(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  opened.push({ close: () => socket.close() });
  return socket;
}

/**
 * Sends `junk` datagrams that are not of our protocol and one oversized datagram, then a connect request whose
 * token is `token` with its signature altered; resolves once the child denied the request, so it has handled
 * everything sent before it (one socket, one path: datagrams arrive in order on loopback).
 */
async function misbehave(socket: Socket, port: number, junk: number, token: Buffer): Promise<void> {
  const denied = new Promise<void>((resolve) => {
    const onMessage = (msg: Buffer): void => {
      if (msg.length < 5 || msg.readUInt32BE(0) !== UDP_PROTOCOL_ID || msg[4] !== UdpType.denied) return;
      socket.off('message', onMessage);
      resolve();
    };
    socket.on('message', onMessage);
  });
  for (let i = 0; i < junk; i++) socket.send(Buffer.from(`GET / HTTP/1.1 #${i}`), port, '127.0.0.1');
  socket.send(Buffer.alloc(1300, 0x41), port, '127.0.0.1');
  const forged = Buffer.from(token);
  forged[forged.length - 1]! ^= 0xff; // the last byte of the MAC
  const header = Buffer.alloc(13);
  header.writeUInt32BE(UDP_PROTOCOL_ID, 0);
  header[4] = UdpType.connectRequest;
  socket.send(Buffer.concat([header, forged]), port, '127.0.0.1');
  await denied;
}

describe('rejected UDP packets on /metrics', () => {
  it('counts the junk and forged datagrams a running game drops, by reason, and those of its last moments', async () => {
    const udp = await freeUdpPorts(1);
    const config = join(dir, 'solo.json');
    writeFileSync(
      config,
      JSON.stringify({ modes: { solo: { playersPerGame: 1, gameOptions: { joinTimeoutMs: 60_000 } } }, warmPool: 0 }),
    );
    const server = await startServer(
      [
        '--port',
        '0',
        '--admin-port',
        '0',
        '--udp-ports',
        udp.join(','),
        '--drain-timeout',
        '100ms',
        '--config',
        config,
      ],
      {
        PROJ_LOG_LEVEL: 'debug',
      },
    );
    expect(await server.metric('proj_packets_rejected_total{reason="malformed"}')).toBeUndefined();
    const ann = await WireClient.join(server.tcpPort, 'ann', 'solo');
    opened.push(ann);
    const match = await ann.next('matchFound');

    const socket = await stranger();
    await misbehave(socket, match.port, 4, match.token);
    const series = async (reason: string): Promise<number | undefined> =>
      server.metric(`proj_packets_rejected_total{reason="${reason}"}`);
    await waitUntil(
      async () => (await series('malformed')) === 4 && (await series('tokenForged')) === 1,
      'the drops on /metrics',
    );
    expect(await series('oversize')).toBe(1);
    const logged = server.logs.find((l) => l.msg === 'UDP packets rejected by a game');
    expect(logged).toMatchObject({ gameId: match.gameId, port: match.port });

    // More junk, then a drain that stops the game at once: the child reports them before its gameOver.
    await misbehave(socket, match.port, 2, match.token);
    server.proc.kill('SIGTERM');
    await server.waitForLog((l) => l.msg === 'game ended' && l['gameId'] === match.gameId, 'the game to be stopped');
    expect(await server.waitForExit()).toEqual({ code: 0, signal: null });
    const reported: Record<string, number> = {};
    for (const line of server.logs.filter((l) => l.msg === 'UDP packets rejected by a game')) {
      expect(line['gameId']).toBe(match.gameId);
      for (const [reason, n] of Object.entries(line['dropped'] as Record<string, number>))
        reported[reason] = (reported[reason] ?? 0) + n;
    }
    expect(reported).toEqual({ malformed: 6, oversize: 2, tokenForged: 2 });
    const lastReport = server.logs.findLastIndex((l) => l.msg === 'UDP packets rejected by a game');
    expect(lastReport).toBeLessThan(server.logs.findIndex((l) => l.msg === 'game ended'));
  });
});
