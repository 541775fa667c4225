import { describe, expect, it } from 'vitest';
import { PortRingError } from './errors.js';
import { isValidPort, slotOf, tableFromList, tableFromRange } from './port-list.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PortRingError);
    return (error as PortRingError).code;
  }
  return undefined;
}

describe('isValidPort', () => {
  it('accepts integers in 1..65535 only', () => {
    expect([1, 80, 65_535].map(isValidPort)).toEqual([true, true, true]);
    expect([0, -1, 65_536, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '80', null].map(isValidPort)).toEqual(
      Array(8).fill(false),
    );
  });
});

describe('tableFromList', () => {
  it('keeps the given order and maps every port to its slot', () => {
    const table = tableFromList([7002, 7000, 9000]);
    expect([...table.ports]).toEqual([7002, 7000, 9000]);
    expect(slotOf(table, 7002)).toBe(0);
    expect(slotOf(table, 7000)).toBe(1);
    expect(slotOf(table, 9000)).toBe(2);
  });

  it('accepts any iterable', () => {
    expect([...tableFromList(new Set([5, 6])).ports]).toEqual([5, 6]);
  });

  it('rejects invalid, duplicate and missing ports with typed codes', () => {
    expect(codeOf(() => tableFromList([80, 0]))).toBe('E_INVALID_PORT');
    expect(codeOf(() => tableFromList([80.5]))).toBe('E_INVALID_PORT');
    expect(codeOf(() => tableFromList([65_536]))).toBe('E_INVALID_PORT');
    expect(codeOf(() => tableFromList(['80' as unknown as number]))).toBe('E_INVALID_PORT');
    expect(codeOf(() => tableFromList([80, 81, 80]))).toBe('E_DUPLICATE_PORT');
    expect(codeOf(() => tableFromList([]))).toBe('E_EMPTY');
  });

  it('handles the extreme ports', () => {
    const table = tableFromList([65_535, 1]);
    expect(slotOf(table, 1)).toBe(1);
    expect(slotOf(table, 65_535)).toBe(0);
    expect(slotOf(table, 2)).toBe(-1);
  });
});

describe('tableFromRange', () => {
  it('builds first..last inclusive, ascending', () => {
    const table = tableFromRange(4000, 4003);
    expect([...table.ports]).toEqual([4000, 4001, 4002, 4003]);
    expect(slotOf(table, 4003)).toBe(3);
    expect([...tableFromRange(9, 9).ports]).toEqual([9]);
  });

  it('rejects bad bounds with typed codes', () => {
    expect(codeOf(() => tableFromRange(0, 10))).toBe('E_INVALID_PORT');
    expect(codeOf(() => tableFromRange(10, 70_000))).toBe('E_INVALID_PORT');
    expect(codeOf(() => tableFromRange(11, 10))).toBe('E_INVALID_RANGE');
  });
});

describe('slotOf', () => {
  it('returns -1 for anything that is not one of the ports', () => {
    const table = tableFromList([10, 12]);
    for (const port of [9, 11, 13, -10, 10.5, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
      expect(slotOf(table, port)).toBe(-1);
    }
  });
});
