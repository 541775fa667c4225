import type { Socket } from 'node:net';
import { FrameDecoder } from '@proj/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Client, type ClientState, ClientTable } from './client-table.js';

const STATES: ClientState[] = ['awaitingHello', 'queued', 'matched', 'closing'];

function client(id: number, address: string): Client {
  return {
    id,
    socket: { id } as unknown as Socket,
    remoteAddress: address,
    decoder: new FrameDecoder(),
    state: 'awaitingHello',
    name: '',
    mode: '',
    queuedAt: 0,
    lastPosition: 0,
    timer: undefined,
    pending: undefined,
    leaveReason: undefined,
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
              if (op.op === 'move') table.setState(c, op.state);
              else {
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
});
