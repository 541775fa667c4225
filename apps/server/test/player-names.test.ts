import { destroyAll, freeUdpPorts, startServer } from '@proj/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';
import { WireClient } from './helpers/wire-client.js';

// Player names against the built bin: format characters and line separators are refused with BAD_NAME and the
// reason; names in other scripts and emoji are welcome.

const BAD_NAME = 5;
const clients: WireClient[] = [];

beforeAll(() => ensureBuilt(), 240_000);
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  destroyAll();
});

describe('the built bin and player names', () => {
  it('refuses U+202E, U+200B and U+2028 with BAD_NAME and the reason; queues non-Latin names and emoji', async () => {
    const udp = await freeUdpPorts(2);
    const server = await startServer(
      ['--port', '0', '--admin-port', '0', '--udp-ports', udp.join(','), '--warm-pool', '0'],
      { PROJ_MODES: 'crowd:16' },
    );
    for (const [name, what] of [
      ['\u202Enimda', 'a format character U+202E'],
      ['ad\u200Ba', 'a format character U+200B'],
      ['ada\u2028', 'a line separator U+2028'],
    ] as const) {
      const client = await WireClient.join(server.tcpPort, name);
      clients.push(client);
      expect(await client.next('error')).toEqual({
        type: 'error',
        code: BAD_NAME,
        message: `player name refused: hello.name holds ${what}`,
      });
      await client.whenClosed();
    }
    expect(await server.metric('proj_frames_rejected_total{reason="BAD_NAME"}')).toBe(3);

    const names = ['Zoë', '名前', 'Владимир', 'محمد', 'می‌خواهم', '😀', '👩‍💻', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'];
    for (const name of names) {
      const client = await WireClient.join(server.tcpPort, name);
      clients.push(client);
      expect((await client.next('queued')).mode).toBe('crowd');
    }
    expect(await server.metric('proj_queue_length{mode="crowd"}')).toBe(names.length);
  });
});
