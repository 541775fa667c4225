import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, resolveLogFormat, toPackageLogger } from './logger.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('logger', () => {
  it("'auto' is pretty on a terminal, JSON otherwise", () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('writes JSON lines with the fields of the event, filtered by level', () => {
    const out = sink();
    const logger = createLogger({ level: 'info', format: 'auto', isTty: false, destination: out.stream });
    const pkg = toPackageLogger(logger);
    pkg.debug('hidden');
    pkg.info('game started', { gameId: 'g1', port: 7701, slot: 2 });
    pkg.warn('plain');
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'game started',
      gameId: 'g1',
      port: 7701,
      slot: 2,
      name: 'proj-server',
    });
    expect(lines[1]).toMatchObject({ level: 40, msg: 'plain' });
    expect(typeof lines[0]!['time']).toBe('number');
  });

  it('writes human-readable lines in pretty format', () => {
    const out = sink();
    const logger = createLogger({ level: 'debug', format: 'pretty', isTty: false, destination: out.stream });
    toPackageLogger(logger).debug('child exited', { reason: 'GAME_OVER' });
    const text = out.text();
    expect(text).toContain('DEBUG');
    expect(text).toContain('child exited');
    expect(text).toContain('"reason":"GAME_OVER"');
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('serializes errors passed as `error` or `err`', () => {
    const out = sink();
    const pkg = toPackageLogger(createLogger({ level: 'info', format: 'json', destination: out.stream }));
    pkg.error('spawn failed', { error: Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' }) });
    const line = JSON.parse(out.text()) as { error: { message: string; code: string; stack: string } };
    expect(line.error.message).toBe('EMFILE: too many open files');
    expect(line.error.code).toBe('EMFILE');
    expect(line.error.stack).toContain('Error');
  });

  it("renames a package's `pid` field (a child's) to childPid, keeping pino's own pid", () => {
    const out = sink();
    toPackageLogger(createLogger({ level: 'info', format: 'json', destination: out.stream })).warn('child not ready', {
      pid: 4242,
      gameId: 'g',
    });
    const text = out.text();
    expect(text.match(/"pid":/g)).toHaveLength(1);
    expect(JSON.parse(text)).toMatchObject({ pid: process.pid, childPid: 4242, gameId: 'g' });
  });

  it("'silent' logs nothing", () => {
    const out = sink();
    toPackageLogger(createLogger({ level: 'silent', format: 'json', destination: out.stream })).error('nope');
    expect(out.text()).toBe('');
  });
});
