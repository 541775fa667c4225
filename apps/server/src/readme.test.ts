import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_LIST } from './config-schema.js';

describe('README.md', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('documents every setting: flag, environment variable, file key and default', () => {
    for (const spec of SETTING_LIST) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${spec.flag} `));
      expect(row, spec.flag).toBeDefined();
      expect(row).toContain(`\`${spec.env}\``);
      expect(row).toContain(`\`${spec.key}\``);
      expect(row).toContain(spec.default !== undefined ? `\`${spec.default}\`` : spec.defaultDoc);
    }
  });
});
