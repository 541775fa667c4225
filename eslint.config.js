// ESLint flat config: JS rules everywhere, typescript-eslint for TypeScript, and the type-aware promise rules
// that catch what a server full of sockets and timers gets wrong (an unhandled rejection, an async listener
// whose promise nobody looks at). `pnpm lint:code` runs it; `pnpm lint` runs it with the other checks.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['**/dist/', '**/coverage/', '**/.turbo/', 'bench-results/', 'docs/perf/']),

  {
    files: ['**/*.{js,mjs,ts}'],
    extends: [js.configs.recommended],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `const { omitted: _omitted, ...rest } = options` is how the code drops a key.
      'no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // Prettier wraps code at 120 columns but leaves comments alone: hold them to the same width.
      'max-len': ['error', { code: 1000, comments: 120, ignoreUrls: true }],
    },
  },

  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: nodeGlobals() },
  },

  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        // Each package's tsconfig.json covers its src, test, bench and examples; the root tsconfig.json covers
        // the files outside them (scripts/*.ts, vitest.config.ts, the tsup configs).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
      // Off: marking ~100 functions that return a promise `async` would change no behaviour.
      '@typescript-eslint/promise-function-async': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // verbatimModuleSyntax keeps every import that is not marked `type`: mark them, inline in a mixed import.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
);

/** The Node.js globals the .mjs scripts use (the `globals` package would list them all; these are enough). */
function nodeGlobals() {
  const names = [
    'process',
    'console',
    'Buffer',
    'URL',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'clearImmediate',
    'queueMicrotask',
    'performance',
    'structuredClone',
    'AbortController',
    'AbortSignal',
    'TextEncoder',
    'TextDecoder',
    'fetch',
  ];
  return Object.fromEntries(names.map((name) => [name, 'readonly']));
}
