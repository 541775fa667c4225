// Encode/decode throughput of @proj/protocol. Standalone: run by `node scripts/bench.mjs protocol`
// (tsx with the @proj/source condition). Prints one `BENCH_RESULT {json}` line per figure, quoting
// medians. BENCH_SMOKE=1 shrinks every run to a few milliseconds and asserts no absolute times.
import { Bench, hrtimeNow } from 'tinybench';
import {
  AckTracker,
  FrameDecoder,
  PROTOCOL_VERSION,
  decodeFrame,
  decodePacket,
  encodeFrame,
  encodePacket,
  generateGameSecret,
  signConnectToken,
  verifyConnectToken,
  type TcpMessage,
  type UdpPacket,
} from '../src/index.js';

const smoke = process.env['BENCH_SMOKE'] === '1';

// Each task runs a batch of operations per sample, so timer overhead does not swamp sub-microsecond work.
interface Case {
  readonly name: string;
  /** Operations per call of `run`. */
  readonly batch: number;
  /** Bytes processed per operation, for a MB/s figure (optional). */
  readonly bytesPerOp?: number;
  /** What one operation is, when not one message. */
  readonly unit?: string;
  readonly run: () => void;
}

let sink = 0; // keeps results observable so the work cannot be optimized away

const hello: TcpMessage = { type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'player-one', mode: 'arena' };
const secret = generateGameSecret();
const now = Date.now();
const token = signConnectToken({ gameId: 'g-0123456789', slot: 3, expiresAt: now + 60_000 }, secret);
const matchFound: TcpMessage = {
  type: 'matchFound',
  gameId: 'g-0123456789',
  host: '203.0.113.10',
  port: 40_123,
  slot: 3,
  token,
  tokenExpiresAt: now + 60_000,
};
const helloFrame = encodeFrame(hello);
const matchFoundFrame = encodeFrame(matchFound);

// A coalesced stream of mixed frames, cut into 1460-byte chunks (a typical TCP segment payload).
const streamMessages: TcpMessage[] = [];
for (let i = 0; i < 200; i++) {
  streamMessages.push(
    i % 4 === 0
      ? hello
      : i % 4 === 1
        ? { type: 'ping', nonce: i }
        : i % 4 === 2
          ? { type: 'queued', position: i, mode: 'arena' }
          : matchFound,
  );
}
const stream = Buffer.concat(streamMessages.map((m) => encodeFrame(m)));
const chunks: Uint8Array[] = [];
for (let at = 0; at < stream.length; at += 1460) chunks.push(stream.subarray(at, Math.min(stream.length, at + 1460)));

const tracker = new AckTracker();
const snapshotData = new Uint8Array(1024).map((_, i) => (i * 31) & 0xff);
const snapshot: UdpPacket = { ...tracker.nextHeader(), type: 'snapshot', tick: 123_456, data: snapshotData };
const snapshotDatagram = encodePacket(snapshot);

const cases: Case[] = [
  {
    name: 'tcp-hello-encode',
    batch: 1000,
    bytesPerOp: helloFrame.length,
    run: () => {
      for (let i = 0; i < 1000; i++) sink += encodeFrame(hello).length;
    },
  },
  {
    name: 'tcp-hello-decode',
    batch: 1000,
    bytesPerOp: helloFrame.length,
    run: () => {
      for (let i = 0; i < 1000; i++) sink += decodeFrame(helloFrame).type.length;
    },
  },
  {
    name: 'tcp-matchFound-encode',
    batch: 1000,
    bytesPerOp: matchFoundFrame.length,
    run: () => {
      for (let i = 0; i < 1000; i++) sink += encodeFrame(matchFound).length;
    },
  },
  {
    name: 'tcp-matchFound-decode',
    batch: 1000,
    bytesPerOp: matchFoundFrame.length,
    run: () => {
      for (let i = 0; i < 1000; i++) sink += decodeFrame(matchFoundFrame).type.length;
    },
  },
  {
    name: 'tcp-frame-decoder-stream',
    batch: streamMessages.length,
    bytesPerOp: stream.length / streamMessages.length,
    unit: `message (stream of ${streamMessages.length} mixed frames, ${stream.length} bytes in ${chunks.length} chunks)`,
    run: () => {
      const d = new FrameDecoder();
      for (const c of chunks) sink += d.push(c).length;
    },
  },
  {
    name: 'udp-snapshot-1k-encode',
    batch: 200,
    bytesPerOp: snapshotDatagram.length,
    run: () => {
      for (let i = 0; i < 200; i++) sink += encodePacket(snapshot).length;
    },
  },
  {
    name: 'udp-snapshot-1k-decode',
    batch: 1000,
    bytesPerOp: snapshotDatagram.length,
    run: () => {
      for (let i = 0; i < 1000; i++) sink += decodePacket(snapshotDatagram).sequence;
    },
  },
  {
    name: 'token-sign',
    batch: 20,
    unit: 'token',
    run: () => {
      for (let i = 0; i < 20; i++)
        sink += signConnectToken({ gameId: 'g-0123456789', slot: 3, expiresAt: now + 60_000 }, secret).length;
    },
  },
  {
    name: 'token-verify',
    batch: 20,
    unit: 'token',
    run: () => {
      for (let i = 0; i < 20; i++) sink += verifyConnectToken(token, secret, { now, gameId: 'g-0123456789' }).slot;
    },
  },
];

// Sanity: the stream decodes to what was encoded.
{
  const d = new FrameDecoder();
  const decoded = chunks.flatMap((c) => d.push(c));
  if (decoded.length !== streamMessages.length)
    throw new Error(`stream decoded ${decoded.length} of ${streamMessages.length} messages`);
}

const bench = new Bench({
  now: hrtimeNow,
  time: smoke ? 15 : 1500,
  warmupTime: smoke ? 5 : 300,
  iterations: smoke ? 5 : 64,
  warmupIterations: smoke ? 2 : 16,
  throws: true,
});
for (const c of cases) bench.add(c.name, c.run);
await bench.run();

for (const c of cases) {
  const task = bench.getTask(c.name);
  const result = task?.result;
  if (result === undefined || result.error !== undefined)
    throw new Error(`bench ${c.name} failed: ${String(result?.error)}`);
  const medianMsPerRun = result.latency.p50 ?? result.latency.mean;
  const medianNs = (medianMsPerRun * 1e6) / c.batch;
  const opsPerSec = Math.round(1e9 / medianNs);
  console.log(
    `BENCH_RESULT ${JSON.stringify({
      bench: `protocol/${c.name}`,
      opsPerSec,
      medianNs: Number(medianNs.toFixed(1)),
      p99Ns: Number((((result.latency.p99 ?? medianMsPerRun) * 1e6) / c.batch).toFixed(1)),
      ...(c.bytesPerOp !== undefined
        ? { bytesPerOp: Math.round(c.bytesPerOp), mbPerSec: Number(((opsPerSec * c.bytesPerOp) / 1e6).toFixed(1)) }
        : {}),
      unit: c.unit ?? 'message',
      samples: result.latency.samples.length,
      smoke,
    })}`,
  );
}
if (sink === 0) console.error('unexpected: nothing was computed');
