import { ManualClock } from '@proj/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackageLogger } from './logger.js';
import { OTHER_REASONS, RefusalLog, type RefusalLogOptions } from './refusal-log.js';

interface Line {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
  /** The clock's time when it was logged. */
  readonly at: number;
}

function setup(options: Partial<RefusalLogOptions> = {}): {
  log: RefusalLog;
  clock: ManualClock;
  lines: Line[];
  folded: string[];
} {
  const lines: Line[] = [];
  const clock = new ManualClock();
  const at =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}): void =>
      void lines.push({ level, message, fields, at: clock.now() });
  const logger: PackageLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  const folded: string[] = [];
  const log = new RefusalLog({
    logger,
    intervalMs: 10_000,
    timers: clock,
    onFolded: (reason) => folded.push(reason),
    ...options,
  });
  return { log, clock, lines, folded };
}

/** A line without its time, to compare. */
const bare = ({ level, message, fields }: Line): Omit<Line, 'at'> => ({ level, message, fields });

/** What the lines account for: 1 per line, or a summary's count. */
const accounted = (lines: readonly Line[]): number =>
  lines.reduce((n, l) => n + (typeof l.fields['count'] === 'number' ? l.fields['count'] : 1), 0);

describe('RefusalLog', () => {
  it('logs the first refusal of a reason at once and folds the rest of the interval into one summary', () => {
    const { log, clock, lines, folded } = setup();
    log.record('connection', 'TOO_MANY_FROM_IP', '10.0.0.1', { code: 8 });
    expect(lines.map(bare)).toEqual([
      {
        level: 'info',
        message: 'connection refused: TOO_MANY_FROM_IP',
        fields: { code: 8, remoteAddress: '10.0.0.1', reason: 'TOO_MANY_FROM_IP' },
      },
    ]);
    for (let i = 0; i < 500; i++) {
      clock.advance(10);
      log.record('connection', 'TOO_MANY_FROM_IP', i % 5 === 0 ? '10.0.0.2' : '10.0.0.1', { code: 8 });
    }
    expect(lines).toHaveLength(1);
    expect(folded).toHaveLength(500);
    clock.advance(5_000);
    expect(lines).toHaveLength(2);
    expect(bare(lines[1]!)).toEqual({
      level: 'info',
      message:
        '500 connections refused: TOO_MANY_FROM_IP in the last 10 s, e.g. from 10.0.0.1 (400 of them; 2 addresses)',
      fields: {
        kind: 'connection',
        reason: 'TOO_MANY_FROM_IP',
        count: 500,
        sampleAddress: '10.0.0.1',
        sampleCount: 400,
        addresses: 2,
        windowMs: 10_000,
      },
    });
  });

  it('writes one summary per interval while a flood goes on, and logs at once again after a quiet interval', () => {
    const { log, clock, lines } = setup({ intervalMs: 1_000 });
    // 3.5 s of 100 refusals a second.
    for (let t = 0; t < 3_500; t += 10) {
      log.record('client', 'BAD_FRAME', '127.0.0.1');
      clock.advance(10);
    }
    clock.advance(1_000);
    expect(lines.map((l) => l.fields['count'] ?? 1)).toEqual([1, 99, 100, 100, 50]);
    expect(lines[0]!.message).toBe('client closed: BAD_FRAME');
    expect(lines[1]!.message).toBe('99 clients closed: BAD_FRAME in the last 1 s, e.g. from 127.0.0.1');
    expect(lines[4]!.message).toBe('50 clients closed: BAD_FRAME in the last 1 s, e.g. from 127.0.0.1');
    // The interval after the last summary had nothing: the streak is over, nothing is pending.
    clock.advance(1_000);
    expect(log.pending).toBe(0);
    expect(clock.pendingCount).toBe(0);
    log.record('client', 'BAD_FRAME', '127.0.0.1');
    expect(lines.at(-1)!.message).toBe('client closed: BAD_FRAME');
    expect(accounted(lines)).toBe(351);
  });

  it('summarises each reason and kind apart, new reasons included, and names hello timeouts as such', () => {
    const { log, clock, lines } = setup();
    for (const reason of ['HELLO_TIMEOUT', 'NO_SHOW_BACKOFF', 'RATE_LIMITED', 'HELLO_TIMEOUT', 'NO_SHOW_BACKOFF'])
      log.record('client', reason, '192.0.2.7');
    log.record('connection', 'HELLO_TIMEOUT', '192.0.2.7');
    clock.advance(10_000);
    expect(lines.map((l) => l.message)).toEqual([
      'client closed: HELLO_TIMEOUT',
      'client closed: NO_SHOW_BACKOFF',
      'client closed: RATE_LIMITED',
      'connection refused: HELLO_TIMEOUT',
      '1 client closed: HELLO_TIMEOUT in the last 10 s, e.g. from 192.0.2.7',
      '1 client closed: NO_SHOW_BACKOFF in the last 10 s, e.g. from 192.0.2.7',
    ]);
  });

  it('writes the pending summaries on flush, over the time elapsed, and starts afresh', () => {
    const { log, clock, lines } = setup();
    log.record('client', 'IDLE_TIMEOUT', '::1');
    clock.advance(1_200);
    log.record('client', 'IDLE_TIMEOUT', '::1');
    log.record('client', 'IDLE_TIMEOUT', '::1');
    clock.advance(1_000);
    log.flush();
    expect(lines.at(-1)!.message).toBe('2 clients closed: IDLE_TIMEOUT in the last 2.2 s, e.g. from ::1');
    expect(lines.at(-1)!.fields['windowMs']).toBe(2_200);
    expect(log.pending).toBe(0);
    expect(clock.pendingCount).toBe(0);
    log.flush();
    expect(lines).toHaveLength(2);
    log.record('client', 'IDLE_TIMEOUT', '::1');
    clock.advance(999.6);
    log.record('client', 'IDLE_TIMEOUT', '::1');
    log.flush();
    expect(lines.at(-1)!.message).toBe('1 client closed: IDLE_TIMEOUT in the last 1 s, e.g. from ::1');
    clock.advance(10_000);
    expect(lines).toHaveLength(4);
    log.record('client', 'IDLE_TIMEOUT', '::1');
    expect(lines.at(-1)!.message).toBe('client closed: IDLE_TIMEOUT');
  });

  it('logs every refusal on its own line with an interval of 0', () => {
    const { log, clock, lines, folded } = setup({ intervalMs: 0 });
    for (let i = 0; i < 5; i++) log.record('connection', 'SERVER_FULL', '10.0.0.1');
    expect(lines.map((l) => l.message)).toEqual(Array(5).fill('connection refused: SERVER_FULL'));
    expect(folded).toEqual([]);
    expect(clock.pendingCount).toBe(0);
  });

  it('stays bounded: addresses beyond the cap are counted but not remembered, reasons beyond it fold together', () => {
    const { log, clock, lines, folded } = setup({ maxAddresses: 3, maxReasons: 2 });
    log.record('connection', 'TOO_MANY_FROM_IP', '10.0.0.0');
    for (let i = 0; i < 1_000; i++) log.record('connection', 'TOO_MANY_FROM_IP', `10.0.${i >> 8}.${i & 255}`);
    for (const reason of ['A', 'B', 'C', 'D', 'C']) log.record('client', reason, '10.9.9.9');
    expect(log.pending).toBe(4);
    clock.advance(10_000);
    const summary = lines.find((l) => l.fields['reason'] === 'TOO_MANY_FROM_IP' && 'count' in l.fields)!;
    expect(summary.fields).toMatchObject({ count: 1_000, sampleAddress: '10.0.0.0', sampleCount: 1, addresses: 3 });
    expect(summary.fields['addressesCapped']).toBe(true);
    expect(summary.message).toContain('(1 of them; 3+ addresses)');
    expect(lines.filter((l) => l.fields['kind'] === 'client' || !('count' in l.fields)).map((l) => l.message)).toEqual([
      'connection refused: TOO_MANY_FROM_IP',
      'client closed: A',
      'client closed: B',
      'client closed: C',
      '2 clients closed: OTHER_REASONS in the last 10 s, e.g. from 10.9.9.9',
    ]);
    expect(folded.filter((r) => r === OTHER_REASONS)).toHaveLength(2);
  });

  it('accounts for every refusal, in a bounded number of lines, whatever the sequence', () => {
    const event = fc.record({
      wait: fc.integer({ min: 0, max: 3_000 }),
      kind: fc.constantFrom('connection' as const, 'client' as const),
      reason: fc.constantFrom('BAD_FRAME', 'HELLO_TIMEOUT', 'TOO_MANY_FROM_IP', 'X'),
      address: fc.constantFrom('10.0.0.1', '10.0.0.2', '::1'),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 300 }), fc.boolean(), (events, flushAtEnd) => {
        const { log, clock, lines, folded } = setup({ intervalMs: 1_000, maxAddresses: 2 });
        for (const e of events) {
          clock.advance(e.wait);
          log.record(e.kind, e.reason, e.address);
        }
        if (flushAtEnd) log.flush();
        else clock.advance(2_000);
        expect(accounted(lines)).toBe(events.length);
        expect(folded.length).toBe(lines.reduce((n, l) => n + ((l.fields['count'] as number | undefined) ?? 0), 0));
        expect(log.pending).toBe(0);
        expect(clock.pendingCount).toBe(0);
        // Per kind and reason, lines logged at once are an interval apart at least, and so are summaries (but the
        // flush's): at most two lines per reason in any interval.
        const end = clock.now();
        for (const kind of ['connection', 'client'] as const) {
          const what = kind === 'connection' ? 'refused' : 'closed';
          for (const reason of new Set(events.map((e) => e.reason))) {
            const mine = lines.filter((l) => l.fields['reason'] === reason && l.message.includes(what));
            for (const summary of [false, true]) {
              const times = mine
                .filter((l) => 'count' in l.fields === summary && !(flushAtEnd && summary && l.at === end))
                .map((l) => l.at);
              for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
            }
          }
        }
      }),
    );
  });
});
