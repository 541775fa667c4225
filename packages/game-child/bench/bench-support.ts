// Shared pieces of the game-child benchmarks: which runtime forked processes use (the build when it is fresh, else
// the source through tsx), forking and IPC helpers, /proc readings, and the simulated players (one UDP socket each,
// the real join handshake, inputs, loss counting). Not a benchmark itself.
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AckTracker, encodeArenaInput, encodePacket, tryDecodePacket } from '@proj/protocol';

export const smoke = process.env.BENCH_SMOKE === '1';
export const here = dirname(fileURLToPath(import.meta.url));
export const pkgDir = resolve(here, '..');
const repoRoot = resolve(pkgDir, '../..');
const protocolDir = resolve(pkgDir, '../protocol');

export function result(name: string, figures: Record<string, unknown>): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ bench: `game-child/${name}`, ...figures })}\n`);
}
export const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? 0
    : s.length % 2 === 1
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- which runtime the forked processes use ---------------------------------------------------------

function newestSource(dir: string): number {
  let newest = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.ts') && !e.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}
function buildIsFresh(dir: string, files: string[]): boolean {
  const built = files.map((f) => join(dir, 'dist', f));
  if (!built.every((f) => existsSync(f))) return false;
  const oldest = Math.min(...built.map((f) => statSync(f).mtimeMs));
  return oldest >= newestSource(join(dir, 'src'));
}
export const useDist = buildIsFresh(pkgDir, ['index.js', 'main.js']) && buildIsFresh(protocolDir, ['index.js']);
export const runtime = useDist ? 'node (dist)' : 'tsx (source)';
const execArgv = useDist ? [] : ['--import', 'tsx', '--conditions=@proj/source'];

/**
 * Forks `file` with an IPC channel, from the repository root, through tsx unless the build is fresh (or `plain`: a
 * plain JavaScript file that imports none of our packages), with `extraExecArgv` added to the Node options.
 */
export function forkProcess(
  file: string,
  env: Record<string, string> = {},
  extraExecArgv: readonly string[] = [],
  plain = false,
): ChildProcess {
  return fork(file, [], {
    cwd: repoRoot,
    execArgv: [...(plain ? [] : execArgv), ...extraExecArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** A UDP port on 127.0.0.1 that was free a moment ago (bound to port 0, read, closed). */
export async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export function nextMessage<T = Record<string, unknown>>(
  child: ChildProcess,
  type: string,
  timeoutMs = 30_000,
): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`no ${type} message within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: unknown): void => {
      if ((m as { type?: string }).type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolvePromise(m as T);
    };
    child.on('message', onMessage);
  });
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

export async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}

// ---- simulated players --------------------------------------------------------------------------------

export class SimPlayer {
  readonly socket: Socket;
  readonly tracker = new AckTracker();
  accepted = false;
  measuring = false;
  received = 0;
  firstTick = -1;
  lastTick = -1;
  maxDatagram = 0;
  packetsIn = 0;
  #inputSeq = 0;
  #port = 0;
  #direction = 1 + Math.floor(Math.random() * 4);
  #dash = 0;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (msg) => {
      this.packetsIn++;
      const r = tryDecodePacket(msg);
      if (!r.ok) return;
      const p = r.value;
      this.tracker.receive(p.sequence);
      if (p.type === 'accepted') this.accepted = true;
      else if (p.type === 'challenge')
        this.send(
          this.#port,
          encodePacket({ type: 'challengeResponse', ...this.tracker.nextHeader(), cookie: p.cookie }),
        );
      else if (p.type === 'snapshot') {
        if (msg.length > this.maxDatagram) this.maxDatagram = msg.length;
        if (!this.measuring) return;
        this.received++;
        if (this.firstTick < 0) this.firstTick = p.tick;
        this.lastTick = p.tick;
      }
    });
  }

  static async open(): Promise<SimPlayer> {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    return new SimPlayer(socket);
  }

  send(port: number, bytes: Uint8Array): void {
    this.socket.send(bytes, port, '127.0.0.1');
  }

  /** Sends a connect request; a challenge that comes back is echoed at once (the return-routability check). */
  connect(port: number, token: Uint8Array): void {
    this.#port = port;
    this.send(port, encodePacket({ type: 'connectRequest', ...this.tracker.nextHeader(), token }));
  }

  input(port: number): void {
    if (Math.random() < 0.03) {
      this.#direction = 1 + Math.floor(Math.random() * 4);
      if (Math.random() < 0.2) this.#dash = (this.#dash + 1) & 0xff;
    }
    const data = encodeArenaInput({ direction: this.#direction as 1, dashCounter: this.#dash });
    this.send(port, encodePacket({ type: 'input', ...this.tracker.nextHeader(), inputSeq: ++this.#inputSeq, data }));
  }

  startMeasuring(): void {
    this.measuring = true;
    this.received = 0;
    this.firstTick = -1;
    this.lastTick = -1;
  }

  /** Snapshots missing between the first and last received in the window (tick numbers are consecutive). */
  lost(): number {
    if (this.firstTick < 0) return Number.POSITIVE_INFINITY;
    return ((this.lastTick - this.firstTick) >>> 0) + 1 - this.received;
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}
