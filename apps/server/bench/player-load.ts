// The open-loop load generator of shared-queue.bench.ts: players arrive at a steady rate (a timer adds, at each
// tick, the players due since the start), spread round-robin over the orchestrators' ports; each connects, says
// hello, waits for its match-found (or an error frame, the connection closing, a timeout), and leaves. Time-to-match
// is measured by the client, from its hello written to its match-found read.
//
// apps/server may not import @proj/protocol: the frames are those of the tests' wire helpers
// (test/helpers/wire-client.ts). Not a benchmark by itself (no .bench.ts suffix).
import { connect } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { TYPE, helloFrame, pongFrame } from '../test/helpers/wire-client.js';

/** Timer period of the generator: players due are started at each tick. */
const TICK_MS = 5;

/** How one player ended. */
export type PlayerOutcome =
  | {
      readonly ok: true;
      readonly startedAt: number;
      /** `performance.now()` when its hello was written, and when its match-found was read. */
      readonly helloAt: number;
      readonly matchedAt: number;
      /** From hello to match-found, ms. */
      readonly ms: number;
      /** The game of its match-found. */
      readonly gameId: string;
    }
  | { readonly ok: false; readonly startedAt: number; readonly why: string };

/** One load run. */
export interface LoadOptions {
  /** The orchestrators' TCP ports on 127.0.0.1; player i goes to ports[i % ports.length]. */
  readonly ports: readonly number[];
  readonly mode: string;
  /** Players per second. */
  readonly rate: number;
  /** Players started: rate x duration, rounded up to a multiple of `multipleOf` (so that nobody is left alone). */
  readonly durationMs: number;
  readonly multipleOf: number;
  /** A player without match-found this long after its hello counts as an error. */
  readonly timeoutMs: number;
  /** Player names start with it (unique across runs). */
  readonly namePrefix: string;
}

/** What a load run saw. */
export interface LoadResult {
  readonly outcomes: PlayerOutcome[];
  /** `performance.now()` of the first player's start. */
  readonly t0: number;
  /** From the first start to the last one, ms. */
  readonly startSpanMs: number;
  /** This process's event-loop delay p99 and CPU (user + system) during the run, ms. */
  readonly loopDelayP99Ms: number;
  readonly cpuMs: number;
}

/** One player: resolves with its outcome, never rejects. */
function player(port: number, name: string, mode: string, timeoutMs: number): Promise<PlayerOutcome> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let helloAt = 0;
    let buffer: Buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: PlayerOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, startedAt, why: 'timeout' }), timeoutMs);
    socket.setNoDelay(true);
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, startedAt, why: helloAt === 0 ? `connect:${error.code ?? 'error'}` : 'socketError' }),
    );
    socket.on('close', () => finish({ ok: false, startedAt, why: 'closedWithoutMatch' }));
    socket.once('connect', () => {
      helloAt = performance.now();
      socket.write(helloFrame(name, mode));
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0);
        if (buffer.length < 4 + length) break;
        const type = buffer[5]!;
        const payload = buffer.subarray(6, 4 + length);
        buffer = buffer.subarray(4 + length);
        if (type === TYPE.matchFound) {
          const now = performance.now();
          const gameId = payload.subarray(1, 1 + payload[0]!).toString('utf8');
          finish({ ok: true, startedAt, helloAt, matchedAt: now, ms: now - helloAt, gameId });
          return;
        }
        if (type === TYPE.error) {
          finish({ ok: false, startedAt, why: `errorFrame:${payload.length >= 2 ? payload.readUInt16BE(0) : '?'}` });
          return;
        }
        if (type === TYPE.ping) socket.write(pongFrame(Buffer.from(payload.subarray(0, 4))));
      }
    });
  });
}

/** Runs one load: resolves once every player has an outcome (at most `timeoutMs` after the last start). */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { ports, mode, rate, durationMs, multipleOf, timeoutMs, namePrefix } = options;
  const total = Math.ceil(Math.ceil((rate * durationMs) / 1000) / multipleOf) * multipleOf;
  const players: Promise<PlayerOutcome>[] = [];
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const cpuAt = process.cpuUsage();
  const t0 = performance.now();
  let lastStart = t0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor((rate * (performance.now() - t0)) / 1000) + 1);
      while (players.length < due) {
        const i = players.length;
        players.push(player(ports[i % ports.length]!, `${namePrefix}${i}`, mode, timeoutMs));
      }
      lastStart = performance.now();
      if (players.length >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, TICK_MS);
    tick();
  });
  const outcomes = await Promise.all(players);
  delay.disable();
  const cpu = process.cpuUsage(cpuAt);
  return {
    outcomes,
    t0,
    startSpanMs: lastStart - t0,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}
