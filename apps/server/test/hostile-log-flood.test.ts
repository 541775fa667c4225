import { type LogLine, type ServerProcess, destroyAll, freeUdpPorts, startServer, waitUntil } from '@proj/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';
import { WireClient } from './helpers/wire-client.js';

// Logs that cannot be flooded, end to end: the built bin, one address (127.0.0.1) opening hundreds of connections
// that are refused at accept (per-address cap), that send a bad frame, or that never say hello. Every refusal is
// counted on /metrics by reason, but the log gets a few lines per reason per summary interval: the first one at once,
// the rest folded into one summary line per reason and interval (count, reason, sample address). The interval is
// given through the environment, so that the server of today (which does not know it, and only warns) runs the same
// flood and fails on the number of lines rather than on a flag.

const clients: WireClient[] = [];

beforeAll(() => ensureBuilt(), 240_000);
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  destroyAll();
});

const WIRE = { BAD_FRAME: 1, HELLO_TIMEOUT: 6, TOO_MANY_FROM_IP: 8 } as const;
type Reason = keyof typeof WIRE;
const REASONS = Object.keys(WIRE) as Reason[];
const NAME_OF = new Map<number, string>(Object.entries(WIRE).map(([name, code]) => [code, name]));

/** A frame of our layout with an unknown message type: BAD_FRAME. */
const BAD_FRAME = Buffer.from([0, 0, 0, 2, 1, 0xee]);

/**
 * Connects, sends `bytes` (if any), and resolves with the name of the error the server closed the connection with
 * ('none' when it closed without one).
 */
async function refusal(port: number, bytes?: Buffer): Promise<string> {
  const client = await WireClient.connect(port);
  clients.push(client);
  if (bytes !== undefined) client.send(bytes);
  await client.whenClosed();
  client.close();
  const error = client.messages.find((m) => m.type === 'error');
  return error === undefined ? 'none' : (NAME_OF.get(error.code) ?? `code ${error.code}`);
}

/** Runs `count` refusals, `batch` at a time, and tallies them by error name; `settle` runs after each batch. */
async function refusals(
  tally: Map<string, number>,
  count: number,
  batch: number,
  run: () => Promise<string>,
  settle: () => Promise<unknown> = async () => {},
): Promise<void> {
  for (let done = 0; done < count; done += batch) {
    const names = await Promise.all(Array.from({ length: Math.min(batch, count - done) }, run));
    for (const name of names) tally.set(name, (tally.get(name) ?? 0) + 1);
    await settle();
  }
}

/** Resolves once the server holds no client (so the next batch stays under the per-address cap). */
function noClients(server: ServerProcess): Promise<unknown> {
  return waitUntil(async () => (await metric(server, 'proj_clients_connected')) === 0, 'no client connected');
}

/** The log lines about refusals for `reason`: lines logged one by one, and summary lines with their `count`. */
function refusalLines(server: ServerProcess, reason: string): LogLine[] {
  return server.logs.filter((l) => l['reason'] === reason);
}

/** How many refusals the lines of `reason` account for: 1 per line, or the `count` of a summary line. */
function accounted(server: ServerProcess, reason: string): number {
  return refusalLines(server, reason).reduce((n, l) => n + (typeof l['count'] === 'number' ? l['count'] : 1), 0);
}

async function metric(server: ServerProcess, series: string): Promise<number> {
  return (await server.metric(series)) ?? 0;
}

describe('refusal logs under a flood from one address', () => {
  it('logs a few lines per reason per interval, summaries with count and sample address, and counts all', async () => {
    const udp = await freeUdpPorts(1);
    const intervalMs = 1_000;
    const server = await startServer(
      [
        '--port',
        '0',
        '--admin-port',
        '0',
        '--udp-ports',
        udp.join(','),
        '--warm-pool',
        '0',
        '--modes',
        'big:64',
        '--max-connections-per-ip',
        '10',
        '--hello-timeout',
        '300ms',
        '--drain-timeout',
        '100ms',
      ],
      { PROJ_LOG_SUMMARY_INTERVAL: `${intervalMs}ms`, PROJ_LOG_FORMAT: 'json' },
    );
    const started = Date.now();
    const tally = new Map<string, number>();

    // Ten queued players hold every slot of the address: three hundred more connections are refused at accept.
    const holders = await Promise.all(
      Array.from({ length: 10 }, (_, i) => WireClient.join(server.tcpPort, `holder${i}`, 'big')),
    );
    clients.push(...holders);
    await Promise.all(holders.map((h) => h.next('queued')));
    await refusals(tally, 300, 50, () => refusal(server.tcpPort));
    for (const h of holders) h.close();
    await noClients(server);

    // Then bad frames and silent connections (hello timeouts), a few at a time, under the cap.
    const settle = (): Promise<unknown> => noClients(server);
    await refusals(tally, 100, 5, () => refusal(server.tcpPort, BAD_FRAME), settle);
    await refusals(tally, 20, 5, () => refusal(server.tcpPort), settle);
    expect(tally.get('TOO_MANY_FROM_IP')).toBeGreaterThanOrEqual(300);
    expect(tally.get('BAD_FRAME')).toBe(100);
    expect(tally.get('HELLO_TIMEOUT')).toBeGreaterThanOrEqual(20);

    // /metrics counts every one by reason, whatever the log does.
    const series = {
      TOO_MANY_FROM_IP: 'proj_connections_rejected_total{reason="TOO_MANY_FROM_IP"}',
      BAD_FRAME: 'proj_frames_rejected_total{reason="BAD_FRAME"}',
      HELLO_TIMEOUT: 'proj_frames_rejected_total{reason="HELLO_TIMEOUT"}',
    } as const;
    for (const reason of REASONS) expect(await metric(server, series[reason]), reason).toBe(tally.get(reason));

    // Once the last interval is over, the log accounts for each of them: nothing is lost, only folded.
    await waitUntil(
      () => REASONS.every((r) => accounted(server, r) === tally.get(r)),
      'the summaries to account for every refusal',
    );
    const elapsedMs = Date.now() - started;
    const windows = Math.ceil(elapsedMs / intervalMs);
    for (const reason of REASONS) {
      const lines = refusalLines(server, reason);
      // The first of a burst at once, then at most one summary per interval.
      expect(lines.length, `${reason}: ${lines.length} lines in ${elapsedMs} ms`).toBeLessThanOrEqual(2 + windows);
      const summaries = lines.filter((l) => typeof l['count'] === 'number');
      expect(summaries.length, reason).toBeGreaterThan(0);
      for (const s of summaries) {
        expect(s['sampleAddress'], reason).toBe('127.0.0.1');
        expect(s['addresses'], reason).toBe(1);
        expect(s.msg, reason).toContain(`${s['count'] as number} `);
        expect(s.msg, reason).toContain(reason);
        expect(s.msg, reason).toContain('e.g. from 127.0.0.1');
      }
      // The limit shows on /metrics too: what the log folded, by reason.
      const folded = summaries.reduce((n, l) => n + (l['count'] as number), 0);
      expect(await metric(server, `proj_log_lines_folded_total{reason="${reason}"}`), reason).toBe(folded);
    }
    const refused = refusalLines(server, 'TOO_MANY_FROM_IP').find((l) => typeof l['count'] === 'number')!;
    expect(refused.msg).toMatch(/^\d+ connections refused: TOO_MANY_FROM_IP in the last [\d.]+ m?s, e\.g\. from /);

    // Hello timeouts are logged as hello timeouts, never as bad frames.
    for (const line of refusalLines(server, 'HELLO_TIMEOUT')) {
      expect(line.msg).toContain('HELLO_TIMEOUT');
      expect(line.msg).not.toMatch(/bad frame/i);
    }
    await server.stop();
  }, 120_000);

  it('writes the pending summaries when it shuts down', async () => {
    const udp = await freeUdpPorts(1);
    const server = await startServer(
      ['--port', '0', '--admin-port', '0', '--udp-ports', udp.join(','), '--warm-pool', '0', '--drain-timeout', '0'],
      { PROJ_LOG_SUMMARY_INTERVAL: '1h', PROJ_LOG_FORMAT: 'json' },
    );
    const tally = new Map<string, number>();
    await refusals(tally, 13, 4, () => refusal(server.tcpPort, BAD_FRAME));
    expect(tally.get('BAD_FRAME')).toBe(13);

    await server.stop();
    expect(server.exit).toEqual({ code: 0, signal: null });
    const lines = refusalLines(server, 'BAD_FRAME');
    expect(lines.map((l) => l['count'] ?? 1)).toEqual([1, 12]);
    expect(lines[1]!.msg).toMatch(/^12 clients closed: BAD_FRAME in the last [\d.]+ m?s, e\.g\. from 127\.0\.0\.1/);
  }, 60_000);
});
