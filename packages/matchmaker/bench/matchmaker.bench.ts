// Throughput of @proj/matchmaker with a large queue already waiting (100,000 players by default), side by side with
// a naive array queue (push to join, indexOf + splice to leave, splice(0, K) to match, indexOf for a position).
// Standalone script: `node_modules/.bin/tsx --conditions=@proj/source packages/matchmaker/bench/matchmaker.bench.ts`
// (or `node scripts/bench.mjs matchmaker`). Prints one `BENCH_RESULT {json}` line per figure, medians over rounds.
// BENCH_SMOKE=1: tiny counts, a second or so, and no assertion on absolute times.
import { Matchmaker } from '../src/index.js';

const smoke = process.env['BENCH_SMOKE'] === '1';
const QUEUED = smoke ? 2_000 : 100_000;
const ROUNDS = smoke ? 3 : 7;
const BATCH = smoke ? 200 : 10_000;
/** The naive queue's leave and position are O(n): fewer operations keep a round short; rates stay per second. */
const NAIVE_BATCH = smoke ? 50 : 500;
const MODES = { duel: { playersPerGame: 2 }, arena: { playersPerGame: 4 } };

/** A deterministic PRNG (mulberry32), so every run picks the same players. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct ids picked at random from [0, range). */
function pick(count: number, range: number, random: () => number): number[] {
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * range));
  return [...picked];
}

/** The straightforward alternative: one array of ids per mode. */
class NaiveQueue {
  readonly queues = new Map<string, number[]>();
  constructor(readonly k: Readonly<Record<string, { playersPerGame: number }>>) {
    for (const mode of Object.keys(k)) this.queues.set(mode, []);
  }
  join(id: number, mode: string): number {
    const queue = this.queues.get(mode) as number[];
    return queue.push(id) - 1;
  }
  leave(id: number): boolean {
    for (const queue of this.queues.values()) {
      const index = queue.indexOf(id);
      if (index >= 0) {
        queue.splice(index, 1);
        return true;
      }
    }
    return false;
  }
  takeGroup(mode: string): number[] | undefined {
    const queue = this.queues.get(mode) as number[];
    const k = this.k[mode]?.playersPerGame as number;
    return queue.length >= k ? queue.splice(0, k) : undefined;
  }
  position(id: number): number | undefined {
    for (const queue of this.queues.values()) {
      const index = queue.indexOf(id);
      if (index >= 0) return index;
    }
    return undefined;
  }
}

interface Subject {
  join(id: number, mode: string): unknown;
  leave(id: number): unknown;
  takeGroup(mode: string): unknown;
  position(id: number): unknown;
}

/** Ids 0..QUEUED-1 alternate between the two modes, so each mode holds half of them. */
function modeOf(id: number): string {
  return id % 2 === 0 ? 'duel' : 'arena';
}

function filled<T extends Subject>(subject: T): T {
  for (let id = 0; id < QUEUED; id++) subject.join(id, modeOf(id));
  return subject;
}

const real = (): Matchmaker<number> => filled(new Matchmaker<number>({ modes: MODES }));
const naive = (): NaiveQueue => filled(new NaiveQueue(MODES));

/** Runs `setup` untimed and `body` timed, for one warm-up round plus ROUNDS; returns the median ops per second. */
function measure<T>(ops: number, setup: () => T, body: (state: T) => void): number {
  const rates: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const state = setup();
    const start = process.hrtime.bigint();
    body(state);
    const ns = Number(process.hrtime.bigint() - start);
    if (round > 0) rates.push((ops * 1e9) / Math.max(ns, 1));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

function report(name: string, figures: Record<string, number | string>): void {
  const line = { bench: `matchmaker/${name}`, queued: QUEUED, rounds: ROUNDS, ...figures };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(line)}\n`);
}

const round = (x: number): number => Math.round(x);
const ratio = (a: number, b: number): number => Math.round((a / b) * 10) / 10;

// Joins at the back of a queue of QUEUED.
{
  const body = (batch: number) => (s: Subject) => {
    for (let i = 0; i < batch; i++) s.join(QUEUED + i, modeOf(i));
  };
  const ops = measure(BATCH, real, body(BATCH));
  const naiveOps = measure(BATCH, naive, body(BATCH));
  report('join', { opsPerSec: round(ops), naiveOpsPerSec: round(naiveOps), ratioVsNaive: ratio(ops, naiveOps) });
}

// Leaves of random players anywhere in the queue (the middle, on average).
{
  const random = rng(42);
  const victims = pick(BATCH, QUEUED, random);
  const body = (ids: number[]) => (s: Subject) => {
    for (const id of ids) s.leave(id);
  };
  const ops = measure(BATCH, real, body(victims));
  const naiveOps = measure(NAIVE_BATCH, naive, body(victims.slice(0, NAIVE_BATCH)));
  report('leave', { opsPerSec: round(ops), naiveOpsPerSec: round(naiveOps), ratioVsNaive: ratio(ops, naiveOps) });
}

// Matches: groups taken from the front across both modes (takeNextGroup picks the mode fairly).
{
  const groups = BATCH / 4;
  const ops = measure(groups, real, (mm) => {
    for (let i = 0; i < groups; i++) mm.takeNextGroup();
  });
  // The naive queue alternates modes rather than comparing arrival stamps: a lower bound on its cost.
  const naiveOps = measure(groups, naive, (q) => {
    for (let i = 0; i < groups; i++) q.takeGroup(i % 2 === 0 ? 'duel' : 'arena');
  });
  report('match', {
    groupsPerSec: round(ops),
    naiveGroupsPerSec: round(naiveOps),
    ratioVsNaive: ratio(ops, naiveOps),
  });
}

// Position reads of random players: with fresh numbering (O(1)) and after each read a leave from the middle
// (the worst case: every read renumbers the rest of that queue).
{
  const random = rng(7);
  const readers = pick(BATCH, QUEUED, random);
  const ops = measure(BATCH, real, (mm) => {
    for (const id of readers) mm.position(id);
  });
  const naiveOps = measure(NAIVE_BATCH, naive, (q) => {
    for (let i = 0; i < NAIVE_BATCH; i++) q.position(readers[i] as number);
  });
  const pairs = Math.min(NAIVE_BATCH, BATCH / 2);
  const ids = pick(pairs * 2, QUEUED, random);
  const afterLeave = measure(pairs, real, (mm) => {
    for (let i = 0; i < pairs; i++) {
      mm.leave(ids[2 * i] as number);
      mm.position(ids[2 * i + 1] as number);
    }
  });
  report('position', {
    readsPerSec: round(ops),
    naiveReadsPerSec: round(naiveOps),
    ratioVsNaive: ratio(ops, naiveOps),
    leaveThenReadPerSec: round(afterLeave),
  });
}

// A position broadcast: after one group is taken every waiting player of that mode moved, so draining the changes
// lists them all in one walk (half of QUEUED: the mode's whole queue).
{
  const drains = measure(1, real, (mm) => {
    mm.takeNextGroup();
    mm.takePositionChanges();
  });
  report('broadcast', {
    msPerDrain: Math.round((1e3 / drains) * 100) / 100,
    playersListed: QUEUED / 2,
    playersPerSec: round((drains * QUEUED) / 2),
  });
}
