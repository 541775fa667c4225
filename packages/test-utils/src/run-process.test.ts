import { describe, expect, it } from 'vitest';
import { runProcess } from './run-process.js';

describe('runProcess', () => {
  it('resolves with the exit code and both outputs', async () => {
    const result = await runProcess([
      process.execPath,
      '-e',
      'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)',
    ]);
    expect(result).toEqual({ code: 3, stdout: 'out', stderr: 'err' });
  });

  it('kills a process that outlives its timeout and rejects with E_PROCESS_TIMEOUT', async () => {
    await expect(
      runProcess([process.execPath, '-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 1_000, what: 'the sleeper' }),
    ).rejects.toMatchObject({
      code: 'E_PROCESS_TIMEOUT',
      message: expect.stringMatching(/^the sleeper did not exit within 1000 ms:/),
    });
  });
});
