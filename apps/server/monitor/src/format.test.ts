import { describe, expect, it } from 'vitest';
import {
  describeAdmissionReason,
  describeStatus,
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  formatRate,
  formatSpan,
  shortId,
} from './format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [1000, '1 s'],
    [3200, '3.2 s'],
    [3249, '3.2 s'],
    [12_400, '12 s'],
    [59_960, '1 min'],
    [64_000, '1 min 4 s'],
    [120_000, '2 min'],
    [3_600_000, '1 h'],
    [7_500_000, '2 h 5 min'],
    [86_400_000 * 3 + 3_600_000 * 4, '3 d 4 h'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('reads a dash for what is not a duration', () => {
    expect(formatDuration(-1)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('–');
  });
});

describe('formatMs, formatSpan, formatPercent, formatRate, formatCount', () => {
  it('keeps a decimal below 10 ms', () => {
    expect(formatMs(0.42)).toBe('0.4 ms');
    expect(formatMs(2)).toBe('2 ms');
    expect(formatMs(27.6)).toBe('28 ms');
    expect(formatMs(2300)).toBe('2.3 s');
    expect(formatMs(undefined)).toBe('–');
  });

  it('rounds a chart span to its unit', () => {
    expect(formatSpan(45_000)).toBe('45 s');
    expect(formatSpan(601_000)).toBe('10 min');
    expect(formatSpan(598_000)).toBe('10 min');
    expect(formatSpan(0)).toBe('–');
  });

  it('formats percentages, rates and counts', () => {
    expect(formatPercent(37.4)).toBe('37 %');
    expect(formatPercent(4.54)).toBe('4.5 %');
    expect(formatPercent(undefined)).toBe('–');
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(0.25)).toBe('0.25/s');
    expect(formatRate(3.5)).toBe('3.5/s');
    expect(formatRate(120.4)).toBe('120/s');
    expect(formatCount(1234567)).toBe('1\u202f234\u202f567');
    expect(formatCount(999)).toBe('999');
  });
});

describe('ids and words', () => {
  it('shortens a UUID to its first group and leaves short ids alone', () => {
    expect(shortId('f354902a-1b2c-4d5e-8f90-123456789abc')).toBe('f354902a');
    expect(shortId('g1')).toBe('g1');
  });

  it('says the admission reason and the status in words, and passes unknown codes through', () => {
    expect(describeAdmissionReason('open')).toBe('Taking new games');
    expect(describeAdmissionReason('hostCpu')).toMatch(/host CPU/);
    expect(describeAdmissionReason('somethingNew')).toBe('Held: somethingNew');
    expect(describeStatus('queueUnavailable')).toBe('Queue unavailable');
    expect(describeStatus('weird')).toBe('weird');
  });
});
