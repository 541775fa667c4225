import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv } from './clean-env.js';

describe('cleanEnv', () => {
  afterEach(() => {
    delete process.env['PROJ_TEST_UTILS_PROBE'];
  });

  it('drops every PROJ_* variable, turns colours off and puts extra on top', () => {
    process.env['PROJ_TEST_UTILS_PROBE'] = '1';
    const env = cleanEnv({ PROJ_KEPT: 'x', FORCE_COLOR: '1' });
    expect(env['PROJ_TEST_UTILS_PROBE']).toBeUndefined();
    expect(env['PROJ_KEPT']).toBe('x');
    expect(env['FORCE_COLOR']).toBe('1');
    expect(env['PATH']).toBe(process.env['PATH']);
    expect(cleanEnv()['FORCE_COLOR']).toBe('0');
  });
});
