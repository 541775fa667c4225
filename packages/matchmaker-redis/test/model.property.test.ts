// A model-based property test of RedisQueueBackend: random sequences of operations by 2 or 3 hosts on one real
// redis-server, each checked against a small in-memory model of the shared queue (FIFO per mode by global arrival,
// claimed groups, matched tickets, the deliveries each host is owed). Leases (60 s) and heartbeat timeouts (10 s)
// are far longer than a run, so no recovery happens: every change in the store comes from an operation below.
//
// Operations: join (a new ticket; or a ticket that left, again), leave (any known ticket, from any host), claim
// (1..3 groups), confirm (by the claimer, sometimes by another host, sometimes without a member's payload), requeue
// (by the claimer or another host), close (at most one host per run). Checked at every step: join's arrival and
// position; claim returns exactly the groups the model takes (the first K of the mode whose head arrived first,
// repeated), with names, owners and arrivals; confirm's and requeue's answers (ok only when every member is still
// claimed by that group; `incomplete` names the members gone and puts the rest back at their old place; `lost` for
// another host); positions() of every ticket ever seen and sizes() equal the model's; every delivery received is
// owed (a ticket of that host matched by another host's confirm) and came once. At a close and at the end, each
// host's inbox is settled: a sentinel entry appended after the confirms proves that nothing more is in flight, and
// the deliveries must equal what the host is owed.
import type { ClaimedGroup, ConfirmResult, Delivery } from '@proj/matchmaker';
import { startRedisServer, stopAllRedis, waitUntil, type RedisServer } from '@proj/test-utils';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRedisQueueError, type RedisQueueBackend } from '../src/index.js';
import { MODES, closeAll, started, type Recorder } from './helpers.js';

type Mode = keyof typeof MODES;
const MODE_NAMES = Object.keys(MODES) as Mode[];
const LEASE_MS = 60_000;

/** One random operation; `host`, `pick` and `other` are resolved modulo what exists when it runs. */
type Op =
  | { readonly kind: 'join'; readonly host: number; readonly mode: Mode }
  | { readonly kind: 'rejoin'; readonly pick: number }
  | {
      readonly kind: 'leave';
      readonly pick: number;
      readonly which: 'claimed' | 'waiting' | 'any';
      readonly host: number;
    }
  | { readonly kind: 'claim'; readonly host: number; readonly maxGroups: number }
  | {
      readonly kind: 'confirm';
      readonly pick: number;
      readonly fresh: boolean;
      readonly byOther: boolean;
      readonly other: number;
      readonly omitPayload: boolean;
    }
  | {
      readonly kind: 'requeue';
      readonly pick: number;
      readonly fresh: boolean;
      readonly byOther: boolean;
      readonly other: number;
    }
  | { readonly kind: 'close'; readonly host: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 16,
    arbitrary: fc.record({ kind: fc.constant('join'), host: fc.nat(2), mode: fc.constantFrom(...MODE_NAMES) }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('rejoin'), pick: fc.nat(50) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('leave'),
      pick: fc.nat(50),
      which: fc.constantFrom('claimed', 'waiting', 'any'),
      host: fc.nat(2),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('claim'), host: fc.nat(2), maxGroups: fc.integer({ min: 1, max: 3 }) }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('confirm'),
      pick: fc.nat(50),
      fresh: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      byOther: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 4, arbitrary: fc.constant(false) }),
      other: fc.nat(2),
      omitPayload: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 9, arbitrary: fc.constant(false) }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('requeue'),
      pick: fc.nat(50),
      fresh: fc.boolean(),
      byOther: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
      other: fc.nat(2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close'), host: fc.nat(2) }) },
);

type TicketState =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'claimed'; readonly group: string }
  | { readonly kind: 'matched'; readonly group: string }
  | { readonly kind: 'gone' };

interface ModelTicket {
  readonly ticketId: string;
  readonly mode: Mode;
  readonly name: string;
  readonly owner: string;
  arrival: number;
  state: TicketState;
}

interface ModelGroup {
  readonly groupId: string;
  readonly claimer: string;
  readonly mode: Mode;
  /** Ticket ids in arrival order. */
  readonly members: readonly string[];
  state: 'claimed' | 'confirmed' | 'dropped';
}

/** What the shared queue should hold. */
class Model {
  seq = 0;
  gseq = 0;
  readonly tickets = new Map<string, ModelTicket>();
  readonly groups = new Map<string, ModelGroup>();
  /** Per host: the match-founds it is owed (its tickets confirmed by another host). */
  readonly owed = new Map<string, Delivery[]>();

  waiting(mode: Mode): ModelTicket[] {
    return [...this.tickets.values()]
      .filter((t) => t.mode === mode && t.state.kind === 'waiting')
      .sort((a, b) => a.arrival - b.arrival);
  }

  claimedBy(ticketId: string, groupId: string): boolean {
    const state = this.tickets.get(ticketId)?.state;
    return state?.kind === 'claimed' && state.group === groupId;
  }

  /** Puts back the members still claimed by a group (their arrival keeps their place); returns how many. */
  requeueGroup(group: ModelGroup): number {
    let n = 0;
    for (const id of group.members) {
      if (this.claimedBy(id, group.groupId)) {
        this.tickets.get(id)!.state = { kind: 'waiting' };
        n++;
      }
    }
    group.state = 'dropped';
    return n;
  }

  /** The groups `claim(maxGroups)` by `claimer` must return (and takes them): oldest head first, K at a time. */
  claim(claimer: string, maxGroups: number): ModelGroup[] {
    const out: ModelGroup[] = [];
    for (let i = 0; i < maxGroups; i++) {
      let best: { mode: Mode; queue: ModelTicket[] } | undefined;
      for (const mode of MODE_NAMES) {
        const queue = this.waiting(mode);
        if (queue.length < MODES[mode].playersPerGame) continue;
        if (best === undefined || queue[0]!.arrival < best.queue[0]!.arrival) best = { mode, queue };
      }
      if (best === undefined) break;
      const groupId = `${claimer}/${++this.gseq}`;
      const members = best.queue.slice(0, MODES[best.mode].playersPerGame);
      for (const t of members) t.state = { kind: 'claimed', group: groupId };
      const group: ModelGroup = {
        groupId,
        claimer,
        mode: best.mode,
        members: members.map((t) => t.ticketId),
        state: 'claimed',
      };
      this.groups.set(groupId, group);
      out.push(group);
    }
    return out;
  }
}

interface Host {
  readonly id: string;
  readonly queue: RedisQueueBackend;
  readonly events: Recorder;
  open: boolean;
}

const payloadOf = (groupId: string, ticketId: string): string => JSON.stringify({ groupId, ticketId });
const byTicket = (a: Delivery, b: Delivery): number =>
  a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : a.groupId < b.groupId ? -1 : 1;

let redis: RedisServer;
/** A raw connection, only to append a sentinel entry to an inbox (a barrier for the last deliveries). */
let raw: Redis;
let runs = 0;

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url, { lazyConnect: true });
  await raw.connect();
});
afterAll(async () => {
  await raw?.quit();
  await stopAllRedis();
});

/** Runs `ops` on `hostCount` fresh hosts under a fresh key prefix, checking the model after every step. */
async function run(hostCount: number, ops: readonly Op[]): Promise<void> {
  const keyPrefix = `prop${++runs}:`;
  const model = new Model();
  const hosts: Host[] = [];
  const trace: string[] = [];
  let ticketCounter = 0;
  let closedOne = false;
  try {
    for (let i = 0; i < hostCount; i++) {
      const id = `h${i}`;
      const { queue, events } = await started(redis.url, id, {
        keyPrefix,
        leaseMs: LEASE_MS,
        heartbeatIntervalMs: 1000,
        heartbeatTimeoutMs: 10_000,
      });
      hosts.push({ id, queue, events, open: true });
      model.owed.set(id, []);
    }
    const open = (): Host[] => hosts.filter((h) => h.open);
    const host = (n: number): Host => open()[n % open().length]!;
    const hostById = (id: string): Host => hosts.find((h) => h.id === id)!;
    /** The host that calls for a group: its claimer, or another open host (when asked, or the claimer closed). */
    const caller = (group: ModelGroup, byOther: boolean, other: number): Host => {
      const claimer = hostById(group.claimer);
      const others = open().filter((h) => h !== claimer);
      if ((byOther || !claimer.open) && others.length > 0) return others[other % others.length]!;
      return claimer;
    };
    const pickGroup = (pick: number, fresh: boolean): ModelGroup | undefined => {
      const all = [...model.groups.values()];
      const claimed = all.filter((g) => g.state === 'claimed');
      const from = fresh && claimed.length > 0 ? claimed : all;
      return from.length === 0 ? undefined : from[pick % from.length];
    };

    /** The deliveries `h` got, without the sentinels of {@link settleInbox}. */
    const real = (h: Host): Delivery[] => h.events.deliveries.filter((d) => !d.ticketId.startsWith('sentinel-'));

    const checkState = async (): Promise<void> => {
      const asker = open()[0]!.queue;
      const sizes = await asker.sizes();
      expect(sizes, 'sizes').toEqual(new Map(MODE_NAMES.map((m) => [m, model.waiting(m).length])));
      const ids = [...model.tickets.keys()];
      const expected = ids.map((id) => {
        const t = model.tickets.get(id)!;
        if (t.state.kind !== 'waiting') return undefined;
        return model.waiting(t.mode).indexOf(t);
      });
      expect(await asker.positions(ids), `positions of ${ids.join(' ')}`).toEqual(expected);
      // Every delivery so far is owed to that host, and none came twice.
      for (const h of hosts) {
        const owed = model.owed.get(h.id)!;
        for (const d of real(h)) expect(owed, `${h.id} delivered ${JSON.stringify(d)}`).toContainEqual(d);
        const keys = real(h).map((d) => d.ticketId);
        expect(new Set(keys).size, `${h.id}: a delivery came twice`).toBe(keys.length);
      }
    };

    /** Waits until `h` got every delivery it is owed, then proves no extra one is in flight (a sentinel entry). */
    const settleInbox = async (h: Host): Promise<void> => {
      const owed = model.owed.get(h.id)!;
      const sentinel = `sentinel-${h.id}-${trace.length}`;
      await raw.xadd(`${keyPrefix}inbox:${h.id}`, '*', 'ticket', sentinel, 'group', 'none', 'payload', '-');
      await waitUntil(
        () => h.events.deliveries.some((d) => d.ticketId === sentinel),
        `${h.id}: the inbox reaching its sentinel`,
        5000,
      );
      expect(real(h).sort(byTicket), `${h.id}: deliveries`).toEqual([...owed].sort(byTicket));
    };

    for (const op of ops) {
      switch (op.kind) {
        case 'join': {
          const h = host(op.host);
          const ticketId = `${h.id}:${++ticketCounter}`;
          const name = `p${ticketCounter}`;
          const position = model.waiting(op.mode).length;
          trace.push(`${h.id}.join(${ticketId}, ${op.mode})`);
          const joined = await h.queue.join({ ticketId, mode: op.mode, name });
          const arrival = ++model.seq;
          expect(joined, trace.at(-1)).toEqual({ arrival, position });
          model.tickets.set(ticketId, {
            ticketId,
            mode: op.mode,
            name,
            owner: h.id,
            arrival,
            state: { kind: 'waiting' },
          });
          break;
        }
        case 'rejoin': {
          // A ticket that left comes back under the same id (its owner still open): a new arrival, at the back.
          const gone = [...model.tickets.values()].filter((t) => t.state.kind === 'gone' && hostById(t.owner).open);
          const t = gone[op.pick % Math.max(gone.length, 1)];
          if (t === undefined) break;
          const position = model.waiting(t.mode).length;
          trace.push(`${t.owner}.join(${t.ticketId}, ${t.mode}) again`);
          const joined = await hostById(t.owner).queue.join({ ticketId: t.ticketId, mode: t.mode, name: t.name });
          const arrival = ++model.seq;
          expect(joined, trace.at(-1)).toEqual({ arrival, position });
          t.arrival = arrival;
          t.state = { kind: 'waiting' };
          break;
        }
        case 'leave': {
          const all = [...model.tickets.values()];
          // Mostly a ticket still here (a claimed one makes its group incomplete); sometimes any, even gone.
          const some = op.which === 'any' ? all : all.filter((t) => t.state.kind === op.which);
          const from = some.length > 0 ? some : all;
          const t = from[op.pick % Math.max(from.length, 1)];
          if (t === undefined) break;
          const h = host(op.host);
          trace.push(`${h.id}.leave(${t.ticketId}) [${t.state.kind}]`);
          const expected = t.state.kind === 'waiting' || t.state.kind === 'claimed';
          expect(await h.queue.leave(t.ticketId), trace.at(-1)).toBe(expected);
          if (expected) t.state = { kind: 'gone' };
          break;
        }
        case 'claim': {
          const h = host(op.host);
          trace.push(`${h.id}.claim(${op.maxGroups})`);
          const before = Date.now();
          const groups: ClaimedGroup[] = await h.queue.claim(op.maxGroups);
          const expected = model.claim(h.id, op.maxGroups);
          trace[trace.length - 1] +=
            ` -> ${groups.map((g) => `${g.groupId}[${g.members.map((m) => m.ticketId).join(',')}]`).join(' ')}`;
          expect(
            groups.map(({ leaseUntil: _, ...g }) => g),
            trace.at(-1),
          ).toEqual(
            expected.map((g) => ({
              groupId: g.groupId,
              mode: g.mode,
              members: g.members.map((id) => {
                const t = model.tickets.get(id)!;
                return { ticketId: id, name: t.name, owner: t.owner, arrival: t.arrival };
              }),
            })),
          );
          for (const g of groups) {
            expect(g.leaseUntil).toBeGreaterThanOrEqual(before + LEASE_MS - 1000);
            expect(g.leaseUntil).toBeLessThanOrEqual(Date.now() + LEASE_MS + 1000);
          }
          break;
        }
        case 'confirm': {
          const group = pickGroup(op.pick, op.fresh);
          if (group === undefined) break;
          const h = caller(group, op.byOther, op.other);
          const members = op.omitPayload ? group.members.slice(0, -1) : group.members;
          const payloads = new Map(members.map((id) => [id, payloadOf(group.groupId, id)]));
          trace.push(
            `${h.id}.confirm(${group.groupId} [${group.state}]${op.omitPayload ? ', a payload missing' : ''})`,
          );
          let expected: ConfirmResult | 'E_INVALID_ARGUMENT';
          if (h.id !== group.claimer) expected = { ok: false, reason: 'lost' };
          else if (group.state === 'confirmed') expected = { ok: true };
          else if (group.state === 'dropped') expected = { ok: false, reason: 'lost' };
          else if (op.omitPayload) expected = 'E_INVALID_ARGUMENT';
          else {
            const missing = group.members.filter((id) => !model.claimedBy(id, group.groupId));
            if (missing.length > 0) {
              expected = { ok: false, reason: 'incomplete', missing, requeued: model.requeueGroup(group) };
            } else {
              expected = { ok: true };
              group.state = 'confirmed';
              for (const id of group.members) {
                const t = model.tickets.get(id)!;
                t.state = { kind: 'matched', group: group.groupId };
                if (t.owner !== group.claimer) {
                  model.owed
                    .get(t.owner)!
                    .push({ ticketId: id, groupId: group.groupId, payload: payloadOf(group.groupId, id) });
                }
              }
            }
          }
          const result = await h.queue.confirm(group.groupId, payloads).then(
            (r) => r,
            (error: unknown) => {
              if (isRedisQueueError(error, 'E_INVALID_ARGUMENT')) return 'E_INVALID_ARGUMENT' as const;
              throw error;
            },
          );
          trace[trace.length - 1] += ` -> ${JSON.stringify(result)}`;
          expect(result, trace.at(-1)).toEqual(expected);
          break;
        }
        case 'requeue': {
          const group = pickGroup(op.pick, op.fresh);
          if (group === undefined) break;
          const h = caller(group, op.byOther, op.other);
          trace.push(`${h.id}.requeue(${group.groupId} [${group.state}])`);
          const expected = h.id === group.claimer && group.state === 'claimed' ? model.requeueGroup(group) : 0;
          expect(await h.queue.requeue(group.groupId), trace.at(-1)).toBe(expected);
          break;
        }
        case 'close': {
          if (closedOne || open().length < 2) break;
          closedOne = true;
          const h = host(op.host);
          trace.push(`${h.id}.close()`);
          // Its inbox goes with it: first it gets what it is owed.
          await settleInbox(h);
          await h.queue.close();
          h.open = false;
          // Its tickets (waiting, or claimed by anyone) are removed; then its claims go back to the queue.
          for (const t of model.tickets.values()) {
            if (t.owner === h.id && (t.state.kind === 'waiting' || t.state.kind === 'claimed'))
              t.state = { kind: 'gone' };
          }
          for (const g of model.groups.values()) if (g.claimer === h.id && g.state === 'claimed') model.requeueGroup(g);
          await expect(h.queue.join({ ticketId: `${h.id}:late`, mode: 'duel', name: 'late' })).rejects.toSatisfy((e) =>
            isRedisQueueError(e, 'E_CLOSED'),
          );
          break;
        }
      }
      await checkState();
    }
    // Every ticket matched at most once: no ticket id in two confirmed groups.
    const matched = [...model.groups.values()].filter((g) => g.state === 'confirmed').flatMap((g) => g.members);
    expect(new Set(matched).size).toBe(matched.length);
    for (const h of open()) await settleInbox(h);
  } catch (error) {
    // fast-check prints the shrunk operations; the trace says what they did.
    if (error instanceof Error) error.message += `\n  trace (${hostCount} hosts):\n    ${trace.join('\n    ')}`;
    throw error;
  } finally {
    await closeAll();
  }
}

describe('RedisQueueBackend against a model (property)', () => {
  it('is FIFO across modes and hosts, positions and sizes agree, confirms match once, deliveries arrive once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(2, 3), fc.array(opArb, { minLength: 1, maxLength: 40, size: 'max' }), run),
      { numRuns: 40 },
    );
  }, 180_000);
});
