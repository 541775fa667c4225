import type { Socket } from 'node:net';
import { FrameDecoder } from '@proj/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_TRANSITIONS, type Client, type ClientState, ClientTable } from './client-table.js';
import { MessageBudget } from './message-budget.js';

const STATES: ClientState[] = ['awaitingHello', 'queued', 'matched', 'closing'];

function client(id: number, address: string): Client {
  return {
    id,
    socket: { id } as unknown as Socket,
    remoteAddress: address,
    decoder: new FrameDecoder(),
    budget: new MessageBudget({ messages: undefined, pings: undefined, beforeHello: undefined }, 0),
    state: 'awaitingHello',
    name: '',
    mode: '',
    queuedAt: 0,
    lastPosition: 0,
    deadline: undefined,
  };
}

describe('ClientTable', () => {
  it('keeps per-address and per-state counts right through any sequence of adds, moves and removes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('add' as const), address: fc.constantFrom('a', 'b', 'c') }),
            fc.record({ op: fc.constant('move' as const), index: fc.nat(), state: fc.constantFrom(...STATES) }),
            fc.record({ op: fc.constant('remove' as const), index: fc.nat() }),
          ),
          { maxLength: 200 },
        ),
        (ops) => {
          const table = new ClientTable();
          const model: Client[] = [];
          let id = 0;
          for (const op of ops) {
            if (op.op === 'add') {
              const c = client(id++, op.address);
              table.add(c);
              model.push(c);
            } else if (model.length > 0) {
              const c = model[op.index % model.length]!;
              if (op.op === 'move') {
                const from = c.state;
                if (CLIENT_TRANSITIONS[from].includes(op.state)) table.transition(c, op.state);
                else {
                  expect(() => table.transition(c, op.state)).toThrow(
                    `illegal state transition ${from} -> ${op.state}`,
                  );
                  expect(c.state).toBe(from);
                }
              } else {
                expect(table.remove(c)).toBe(true);
                expect(table.remove(c)).toBe(false);
                model.splice(model.indexOf(c), 1);
              }
            }
          }
          expect(table.size).toBe(model.length);
          for (const address of ['a', 'b', 'c'])
            expect(table.countFrom(address)).toBe(model.filter((c) => c.remoteAddress === address).length);
          for (const state of STATES) expect(table.countIn(state)).toBe(model.filter((c) => c.state === state).length);
          for (const c of model) expect(table.get(c.socket)).toBe(c);
          expect([...table.values()]).toEqual(model);
        },
      ),
    );
  });

  it('allows exactly the moves of the client flow, and none out of closing', () => {
    const table = new ClientTable();
    const c = client(1, 'a');
    table.add(c);
    expect(() => table.transition(c, 'matched')).toThrow('illegal state transition awaitingHello -> matched');
    table.transition(c, 'queued');
    table.transition(c, 'matched');
    table.transition(c, 'queued');
    table.transition(c, 'matched');
    expect(() => table.transition(c, 'awaitingHello')).toThrow('illegal state transition matched -> awaitingHello');
    table.transition(c, 'closing');
    for (const to of STATES) expect(() => table.transition(c, to)).toThrow(`closing -> ${to}`);
    expect(table.countIn('closing')).toBe(1);
    expect(table.countIn('matched')).toBe(0);
  });
});
