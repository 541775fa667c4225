// Shared pieces of the orchestrator benchmarks: percentiles, BENCH_RESULT lines, the bare fork baseline, and a
// light TCP client. Not a benchmark itself (no .bench.ts suffix).
import { type ChildProcess, fork } from 'node:child_process';
import { type Socket, connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { FrameDecoder, PROTOCOL_VERSION, type TcpMessage, encodeFrame } from '@proj/protocol';

export { freeUdpPortRange } from '@proj/test-utils';

/** The fake game child the benchmarks fork (plain .mjs, no tsx). */
export const FIXTURE = fileURLToPath(new URL('../test/fixtures/fake-game-child.mjs', import.meta.url));

export const smoke = process.env.BENCH_SMOKE === '1';

/** Prints one figure line for scripts/bench.mjs. */
export function report(figures: Record<string, unknown>): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(figures)}\n`);
}

/** Progress on stderr (the runner shows it, and it never mixes with the results). */
export function note(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Nearest-rank percentile of `values` (q in 0..1); NaN for none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** p50, p99 and max of `values`, rounded to 0.01 ms. */
export function summary(values: readonly number[]): { n: number; p50: number; p99: number; max: number } {
  const round = (v: number): number => Math.round(v * 100) / 100;
  return {
    n: values.length,
    p50: round(percentile(values, 0.5)),
    p99: round(percentile(values, 0.99)),
    max: round(percentile(values, 1)),
  };
}

/** a / b rounded to 0.001. */
export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 1000) / 1000;
}

const SECRET = Buffer.alloc(32, 1).toString('base64');
let bareGame = 0;

/**
 * One bare fork-to-ready: `child_process.fork` of the fixture, `start` sent at once, until its `ready` (UDP bound).
 * Resolves with the milliseconds and the child (which exits by itself after `lingerMs`, 0 by default).
 */
export function bareForkToReady(port: number, lingerMs = 0): Promise<{ ms: number; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // execArgv: [] as ForkSpawner does (fork would otherwise pass on this process's tsx loader flags).
    const child = fork(FIXTURE, [], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    const gameId = `bare-${++bareGame}`;
    child.on('message', (message: { type?: string }) => {
      if (message.type === 'ready') resolve({ ms: performance.now() - started, child });
      else if (message.type === 'bindFailed') reject(new Error(`bare child could not bind ${port}`));
    });
    child.once('error', reject);
    child.send({
      type: 'start',
      ipcVersion: 1,
      game: {
        gameId,
        mode: 'bare',
        bindHost: '127.0.0.1',
        port,
        players: [{ slot: 0, name: 'bare' }],
        secretBase64: SECRET,
        tokenExpiresAt: Date.now() + 30_000,
        options: { fake: { lingerMs } },
      },
    });
  });
}

/** Resolves when `child` has exited. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Bare forks per second at `concurrency` processes in flight over `durationMs`: each slot forks the fixture, waits
 * for its ready and its exit (it exits right after ready), then forks again. `ports` gives one UDP port per slot.
 */
export async function bareForksPerSecond(ports: readonly number[], durationMs: number): Promise<number> {
  let done = 0;
  const until = performance.now() + durationMs;
  await Promise.all(
    ports.map(async (port) => {
      while (performance.now() < until) {
        const { child } = await bareForkToReady(port, 0);
        await exited(child);
        done++;
      }
    }),
  );
  return done / (durationMs / 1000);
}

/** A light protocol client for the benchmarks. */
export class BenchClient {
  readonly socket: Socket;
  readonly #decoder = new FrameDecoder({ maxFrameBytes: 1 << 16 });
  #listener: ((message: TcpMessage) => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      for (const message of this.#decoder.push(chunk)) this.#listener?.(message);
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(port: number): Promise<BenchClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new BenchClient(socket));
      });
    });
  }

  /** Calls `listener` with every message from now on. */
  onMessage(listener: (message: TcpMessage) => void): void {
    this.#listener = listener;
  }

  hello(name: string, mode?: string): void {
    this.socket.write(
      encodeFrame(
        mode === undefined
          ? { type: 'hello', protocolVersion: PROTOCOL_VERSION, name }
          : { type: 'hello', protocolVersion: PROTOCOL_VERSION, name, mode },
      ),
    );
  }

  /** Resolves with the first message of `type`; rejects if the connection closes first. */
  waitFor<T extends TcpMessage['type']>(type: T): Promise<Extract<TcpMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.#listener = (message) => {
        if (message.type === type) resolve(message as Extract<TcpMessage, { type: T }>);
        else if (message.type === 'error') reject(new Error(`error frame ${message.code}: ${message.message}`));
      };
      void this.closed.then(() => reject(new Error(`closed before ${type}`)));
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}
