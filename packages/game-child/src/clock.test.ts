import { describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';

describe('systemClock', () => {
  it('is monotonic and schedules timers', async () => {
    const a = systemClock.now();
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 1));
    expect(systemClock.now()).toBeGreaterThanOrEqual(a);
    expect(Math.abs(systemClock.epochNow() - Date.now())).toBeLessThan(1000);
    const h = systemClock.setTimeout(() => {
      throw new Error('cleared timer ran');
    }, 1);
    systemClock.clearTimeout(h);
  });
});
