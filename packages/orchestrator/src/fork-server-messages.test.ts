import { describe, expect, it } from 'vitest';
import { parseFromForkServer } from './fork-server-messages.js';

describe('parseFromForkServer', () => {
  it('takes the three well-formed reports of a fork server', () => {
    const good = [
      { type: 'spawned', id: 1, pid: 4242 },
      { type: 'message', id: 2, message: { type: 'ready', gameId: 'g', port: 7701 } },
      { type: 'exit', id: 3, code: 0, signal: null },
      { type: 'exit', id: 4, code: null, signal: 'SIGKILL', error: 'the fork server was not configured' },
    ];
    for (const m of good) expect(parseFromForkServer(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });

  it('returns undefined for anything else, never throws', () => {
    const bad: unknown[] = [
      null,
      undefined,
      'spawned',
      [],
      { type: 'spawned', pid: 1 },
      { type: 'spawned', id: 1.5, pid: 1 },
      { type: 'spawned', id: 1, pid: '1' },
      { type: 'exit', id: 1, code: '0', signal: null },
      { type: 'exit', id: 1, code: 0, signal: 9 },
      { type: 'exit', id: 1, code: 0, signal: null, error: 42 },
      { type: 'nope', id: 1 },
    ];
    for (const m of bad) expect(parseFromForkServer(m)).toBeUndefined();
  });
});
