import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('the README example', () => {
  it('is examples/arena-bot.ts verbatim (which the package typecheck covers and the cli-client e2e tests run)', () => {
    const readme = read('../README.md');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```\n/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks[0]).toBe(read('../examples/arena-bot.ts'));
  });
});
