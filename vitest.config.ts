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
    // In CI, also write a JSON report: .ci/run turns it into a plain "N passed, N failed" closing line.
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
    projects: [
      {
        ...resolveSource,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'apps/*/monitor/src/**/*.test.ts',
            'examples/*/src/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          // Property tests run hundreds of cases; on a shared 2-core machine the 5 s default is too tight.
          // Speed is measured by `pnpm bench`, never by a test's time.
          testTimeout: 30_000,
        },
      },
      {
        ...resolveSource,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
