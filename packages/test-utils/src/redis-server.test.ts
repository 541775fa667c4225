import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from './process-tree.js';
import { startRedisServer, stopAllRedis } from './redis-server.js';

afterAll(stopAllRedis);

/** Sends raw RESP commands and resolves with the raw reply once `until` matches it. */
function send(port: number, command: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(command));
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (until.test(reply)) {
        socket.destroy();
        resolve(reply);
      }
    });
    socket.on('error', reject);
  });
}

describe('startRedisServer', () => {
  it('starts a server that answers, keeps AOF data across kill + restart, and stops it and its dir', async () => {
    const server = await startRedisServer({ appendOnly: true });
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(isAlive(server.pid)).toBe(true);
    expect(await send(server.port, 'SET k v\r\n', /\r\n/)).toBe('+OK\r\n');
    expect(server.cpuMs()).toBeGreaterThanOrEqual(0);
    const firstPid = server.pid;
    await server.kill();
    expect(isAlive(firstPid)).toBe(false);
    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    expect(await send(server.port, 'GET k\r\n', /v\r\n/)).toBe('$1\r\nv\r\n');
    await server.stop();
    expect(isAlive(server.pid)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
  });

  it('without appendOnly, a restart comes back empty', async () => {
    const server = await startRedisServer();
    await send(server.port, 'SET k v\r\n', /\r\n/);
    await server.restart();
    expect(await send(server.port, 'GET k\r\n', /\r\n/)).toBe('$-1\r\n');
    await server.stop();
  });

  it('names apt-get install redis-server when redis-server is not on the PATH', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await expect(startRedisServer()).rejects.toMatchObject({
        code: 'E_REDIS_MISSING',
        message: expect.stringContaining('apt-get install redis-server'),
      });
    } finally {
      process.env['PATH'] = path;
    }
  });
});
