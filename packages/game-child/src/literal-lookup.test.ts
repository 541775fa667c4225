import { describe, expect, it } from 'vitest';
import { literalLookup } from './literal-lookup.js';

describe('literalLookup', () => {
  it('answers an IPv4 or IPv6 literal before it returns, with its family', () => {
    const answers: unknown[][] = [];
    literalLookup('127.0.0.1', 4, (...args) => answers.push(args));
    literalLookup('::1', 6, (...args) => answers.push(args));
    expect(answers).toEqual([
      [null, '127.0.0.1', 4],
      [null, '::1', 6],
    ]);
  });

  it('resolves a name through dns.lookup, later', async () => {
    let sync = true;
    const answer = await new Promise<unknown[]>((resolve) => {
      literalLookup('localhost', 4, (...args) => resolve([sync, ...args]));
      sync = false;
    });
    expect(answer).toEqual([false, null, '127.0.0.1', 4]);
  });

  it('passes a failed name lookup on as an error', async () => {
    const error = await new Promise<unknown>((resolve) =>
      literalLookup('no-such-host.invalid', { family: 4 }, (e) => resolve(e)),
    );
    expect(error).toMatchObject({ code: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) });
  });
});
