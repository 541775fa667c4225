// The client side of hello-queued.bench.ts, in its own process (so each side has its own file descriptors): opens
// `count` connections to the orchestrator, says hello from most of them in waves, then from the rest one at a time,
// and reports every hello -> queued latency over IPC. Not a benchmark by itself (no .bench.ts suffix).
import { type Socket, connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FrameDecoder, PROTOCOL_VERSION, encodeFrame } from '@proj/protocol';

interface Job {
  port: number;
  count: number;
  probes: number;
  wave: number;
  modes: number;
}

interface Conn {
  socket: Socket;
  decoder: FrameDecoder;
  sentAt: number;
  onQueued: ((ms: number) => void) | undefined;
}

let errors = 0;
let closed = 0;

function open(port: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const conn: Conn = { socket, decoder: new FrameDecoder(), sentAt: 0, onQueued: undefined };
    socket.setNoDelay(true);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(conn);
    });
    socket.on('close', () => closed++);
    socket.on('data', (chunk) => {
      for (const message of conn.decoder.push(chunk)) {
        if (message.type === 'error') errors++;
        else if (message.type === 'queued' && conn.onQueued !== undefined) {
          const done = conn.onQueued;
          conn.onQueued = undefined;
          done(performance.now() - conn.sentAt);
        }
      }
    });
  });
}

function hello(conn: Conn, name: string, mode: string): Promise<number> {
  return new Promise((resolve) => {
    conn.onQueued = resolve;
    conn.sentAt = performance.now();
    conn.socket.write(encodeFrame({ type: 'hello', protocolVersion: PROTOCOL_VERSION, name, mode }));
  });
}

async function run(job: Job): Promise<void> {
  const conns: Conn[] = [];
  const t0 = performance.now();
  for (let i = 0; i < job.count; i += 500) {
    const batch = Math.min(500, job.count - i);
    conns.push(...(await Promise.all(Array.from({ length: batch }, () => open(job.port)))));
  }
  const connectMs = performance.now() - t0;
  const burst: number[] = [];
  const bulk = conns.slice(0, job.count - job.probes);
  for (let i = 0; i < bulk.length; i += job.wave) {
    const wave = bulk.slice(i, i + job.wave);
    burst.push(...(await Promise.all(wave.map((c, j) => hello(c, `p${i + j}`, `m${(i + j) % job.modes}`)))));
  }
  const probes: number[] = [];
  for (let i = 0; i < job.probes; i++) {
    const c = conns[bulk.length + i]!;
    probes.push(await hello(c, `probe${i}`, `m${i % job.modes}`));
  }
  process.send!({ connectMs, burst, probes, errors, closed }, () => {
    process.once('message', () => {
      for (const c of conns) c.socket.destroy();
      process.exit(0);
    });
  });
}

process.once('message', (job: Job) => {
  // The parent bench waits for our report: a failure must end this process visibly, not leave it waiting.
  run(job).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
