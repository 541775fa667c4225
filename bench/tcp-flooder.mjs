// A hostile TCP client of the orchestrator, for bench/tcp-flood.bench.mjs (not a benchmark itself): CONNECTIONS
// connections from LOCAL_ADDRESS that never say hello and send ping frames back to back, as fast as the socket
// drains, reading (and counting) what comes back so that they are never dropped as slow readers. A connection the
// server closes, or sends an error frame, is closed and opened again at once. Runs until SIGTERM, then prints one
// JSON line of counts on stdout. Prints `ready` once it floods (and its SIGTERM handler is in place).
//
// Usage: node bench/tcp-flooder.mjs <port> <connections> [localAddress]
import { connect } from 'node:net';

const port = Number(process.argv[2]);
const connections = Number(process.argv[3] ?? 8);
const localAddress = process.argv[4] ?? '127.0.0.1';
const PING = 0x03;
const PONG = 0x04;
const ERROR = 0x1f;
const RATE_LIMITED = 13;

/** 1,000 ping frames in one buffer: [u32 length = 6][u8 version = 1][u8 type][u32 nonce]. */
const batch = Buffer.alloc(1_000 * 10);
for (let i = 0; i < 1_000; i++) {
  batch.writeUInt32BE(6, i * 10);
  batch[i * 10 + 4] = 1;
  batch[i * 10 + 5] = PING;
  batch.writeUInt32BE(i, i * 10 + 6);
}

const counts = { connects: 0, connectErrors: 0, closes: 0, pongs: 0, rateLimited: 0, otherErrors: 0, bytesSent: 0 };
let stopping = false;

function open() {
  if (stopping) return;
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  let buffered = Buffer.alloc(0);
  let connected = false;
  const pump = () => {
    while (!stopping && !socket.destroyed && socket.writable) {
      counts.bytesSent += batch.length;
      if (!socket.write(batch)) return; // resumed on 'drain'
    }
  };
  socket.on('connect', () => {
    connected = true;
    counts.connects++;
    pump();
  });
  socket.on('drain', () => setImmediate(pump));
  socket.on('data', (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    let at = 0;
    while (buffered.length - at >= 6) {
      const length = buffered.readUInt32BE(at);
      if (buffered.length - at < 4 + length) break;
      const type = buffered[at + 5];
      if (type === PONG) counts.pongs++;
      else if (type === ERROR) {
        if (buffered.readUInt16BE(at + 6) === RATE_LIMITED) counts.rateLimited++;
        else counts.otherErrors++;
        // Told off: hang up and come back at once (what costs the server most: a new connection).
        socket.destroy();
        return;
      }
      at += 4 + length;
    }
    buffered = buffered.subarray(at);
  });
  socket.on('error', () => {
    if (!connected) counts.connectErrors++;
  });
  socket.on('close', () => {
    if (connected) counts.closes++;
    // Reconnect at once, as a flooder would (on the next turn, not inside the close handler).
    setImmediate(open);
  });
}

process.on('SIGTERM', () => {
  stopping = true;
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  process.exit(0);
});
for (let i = 0; i < connections; i++) open();
// The bench waits for this line before it counts: a SIGTERM before it would find no handler and no counts.
process.stdout.write('ready\n');
