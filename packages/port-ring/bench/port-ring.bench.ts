// Benchmark of @proj/port-ring: how many acquire/release pairs per second, against a naive Array queue, plus the
// waiting path (a release handed straight to a pending acquire()) and a check that the hot path allocates nothing.
//
// Run: node_modules/.bin/tsx --conditions=@proj/source packages/port-ring/bench/port-ring.bench.ts
// (or `pnpm bench port-ring`). BENCH_SMOKE=1 runs tiny counts in about a second and asserts no absolute times.
// Prints one `BENCH_RESULT {json}` line per figure; the figures are medians of tinybench samples, each sample
// timing a batch of BATCH operations (one call is too short for the timer to see).
import { PerformanceObserver } from 'node:perf_hooks';
import { Bench, type Task, hrtimeNow } from 'tinybench';
import { PortRing } from '../src/index.js';

const smoke = process.env.BENCH_SMOKE === '1';
const BATCH = smoke ? 100 : 1_000;
const ASYNC_BATCH = smoke ? 20 : 200;
const CAPACITY = 1_000;
const FIRST_PORT = 20_000;

function report(figures: Record<string, unknown>): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(figures)}\n`);
}

/** Median ns per operation and operations per second, from a task whose every sample ran `perSample` operations. */
function perOp(task: Task, perSample: number) {
  const result = task.result;
  if (result === undefined || result.error !== undefined) {
    throw new Error(`bench task ${task.name} failed`, { cause: result?.error });
  }
  const medianMs = result.latency.p50 ?? result.latency.mean;
  const medianNs = (medianMs * 1e6) / perSample;
  const p99Ns = ((result.latency.p99 ?? result.latency.max) * 1e6) / perSample;
  return {
    opsPerSec: Math.round(1e9 / medianNs),
    medianNs: Number(medianNs.toFixed(2)),
    p99Ns: Number(p99Ns.toFixed(2)),
    samples: result.latency.samples.length,
    opsPerSample: perSample,
  };
}

/** A ring with half its ports out, so acquire/release keep wrapping around the buffer. */
function halfFullRing(): PortRing {
  const ring = PortRing.fromRange(FIRST_PORT, FIRST_PORT + CAPACITY - 1);
  for (let i = 0; i < CAPACITY / 2; i++) ring.tryAcquire();
  return ring;
}

/** What one would write without this package: shift/push on an Array, a Set to catch double releases. */
class NaiveQueue {
  readonly #free: number[];
  readonly #out = new Set<number>();
  constructor(ports: number[]) {
    this.#free = ports;
  }
  tryAcquire(): number | undefined {
    const port = this.#free.shift();
    if (port !== undefined) this.#out.add(port);
    return port;
  }
  release(port: number): void {
    if (!this.#out.delete(port)) throw new Error(`port ${port} is not out`);
    this.#free.push(port);
  }
}

function naiveHalfFull(): NaiveQueue {
  const queue = new NaiveQueue(Array.from({ length: CAPACITY }, (_, i) => FIRST_PORT + i));
  for (let i = 0; i < CAPACITY / 2; i++) queue.tryAcquire();
  return queue;
}

let sink = 0;

async function throughput(): Promise<void> {
  const ring = halfFullRing();
  const naive = naiveHalfFull();
  const unchecked = Array.from({ length: CAPACITY / 2 }, (_, i) => FIRST_PORT + i);

  const bench = new Bench({
    now: hrtimeNow,
    time: smoke ? 30 : 1_500,
    iterations: smoke ? 10 : 200,
    warmupTime: smoke ? 10 : 300,
    warmupIterations: smoke ? 5 : 50,
  });
  bench
    .add('acquire-release', () => {
      for (let i = 0; i < BATCH; i++) {
        const port = ring.tryAcquire()!;
        ring.release(port);
        sink ^= port;
      }
    })
    .add('naive-array-set', () => {
      for (let i = 0; i < BATCH; i++) {
        const port = naive.tryAcquire()!;
        naive.release(port);
        sink ^= port;
      }
    })
    .add('naive-array-unchecked', () => {
      for (let i = 0; i < BATCH; i++) {
        const port = unchecked.shift()!;
        unchecked.push(port);
        sink ^= port;
      }
    });
  await bench.run();

  const [ringTask, naiveTask, uncheckedTask] = bench.tasks;
  const ringFigures = perOp(ringTask!, BATCH);
  const naiveFigures = perOp(naiveTask!, BATCH);
  const uncheckedFigures = perOp(uncheckedTask!, BATCH);
  const op = 'tryAcquire()+release() pair';
  report({ bench: 'port-ring/acquire-release', op, capacity: CAPACITY, ...ringFigures });
  report({
    bench: 'port-ring/naive-array-set',
    op: 'Array#shift+Set#add, Set#delete+Array#push (same misuse checks)',
    ...naiveFigures,
    ringSpeedup: Number((naiveFigures.medianNs / ringFigures.medianNs).toFixed(2)),
  });
  report({
    bench: 'port-ring/naive-array-unchecked',
    op: 'Array#shift+Array#push, no checks',
    ...uncheckedFigures,
    ringSpeedup: Number((uncheckedFigures.medianNs / ringFigures.medianNs).toFixed(2)),
  });
}

async function waiting(): Promise<void> {
  // One port, always out: every acquire() waits and every release() hands the port straight to it.
  const handoff = PortRing.fromRange(FIRST_PORT, FIRST_PORT);
  let held = handoff.tryAcquire()!;
  const controller = new AbortController();
  const free = PortRing.fromRange(FIRST_PORT, FIRST_PORT + 7);

  const bench = new Bench({
    now: hrtimeNow,
    time: smoke ? 30 : 1_500,
    iterations: smoke ? 10 : 200,
    warmupTime: smoke ? 10 : 300,
    warmupIterations: smoke ? 5 : 50,
  });
  bench
    .add('waiter-handoff', async () => {
      for (let i = 0; i < ASYNC_BATCH; i++) {
        const next = handoff.acquire({ signal: controller.signal });
        handoff.release(held);
        held = await next;
      }
    })
    .add('acquire-async-free', async () => {
      for (let i = 0; i < ASYNC_BATCH; i++) {
        const port = await free.acquire();
        free.release(port);
      }
    });
  await bench.run();
  const [handoffTask, freeTask] = bench.tasks;
  report({
    bench: 'port-ring/waiter-handoff',
    op: 'acquire({signal}) that waits + release() handing the port to it + await',
    ...perOp(handoffTask!, ASYNC_BATCH),
  });
  report({
    bench: 'port-ring/acquire-async-free',
    op: 'await acquire() of a free port + release()',
    ...perOp(freeTask!, ASYNC_BATCH),
  });
}

/** Counts garbage collections during a long run of tryAcquire/release: zero means the hot path allocates nothing. */
async function allocation(): Promise<void> {
  const pairs = smoke ? 100_000 : 5_000_000;
  const ring = halfFullRing();
  // Warm up so the loop runs optimized code, then settle pending GC work.
  for (let i = 0; i < 100_000; i++) ring.release(ring.tryAcquire()!);
  await new Promise((resolve) => setTimeout(resolve, 20));

  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < pairs; i++) {
    const port = ring.tryAcquire()!;
    ring.release(port);
    sink ^= port;
  }
  const heapDelta = process.memoryUsage().heapUsed - heapBefore;
  await new Promise((resolve) => setTimeout(resolve, 50)); // GC entries are delivered asynchronously
  observer.disconnect();
  report({
    bench: 'port-ring/allocation',
    op: 'tryAcquire()+release() pair',
    pairs,
    gcCount: gcs,
    heapDeltaBytes: heapDelta,
    bytesPerPair: Number((heapDelta / pairs).toFixed(4)),
  });
}

await throughput();
await waiting();
await allocation();
if (sink === 0.5) process.stdout.write('unreachable\n'); // keeps `sink` observable so loops are not optimized away
