import { defineConfig } from 'vitest/config';

// One root config, two projects: fast unit tests beside the code, and integration
// tests with real sockets and real child processes. Both resolve workspace packages
// through the "@proj/source" export condition, so no build is needed to test.
const resolveSource = {
  resolve: { conditions: ['@proj/source'] },
  ssr: { resolve: { conditions: ['@proj/source'] } },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...resolveSource,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
        },
      },
      {
        ...resolveSource,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
