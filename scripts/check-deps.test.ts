import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALLOWED_EDGES, checkWorkspace } from './check-deps.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const script = join(repoRoot, 'scripts', 'check-deps.mjs');

let root: string;

function write(path: string, text: string): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

function pkg(dir: string, name: string, deps: string[] = [], extraExports: Record<string, unknown> = {}): void {
  write(
    `${dir}/package.json`,
    JSON.stringify({
      name,
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './package.json': './package.json',
        ...extraExports,
      },
      dependencies: Object.fromEntries(deps.map((d) => [d, 'workspace:^'])),
    }),
  );
  write(`${dir}/src/index.ts`, 'export const x = 1;\n');
}

/** A small clean workspace with the real names and allowed edges. */
function cleanWorkspace(): void {
  pkg('packages/protocol', '@proj/protocol');
  pkg('packages/port-ring', '@proj/port-ring');
  pkg('packages/matchmaker', '@proj/matchmaker');
  pkg('packages/game-child', '@proj/game-child', ['@proj/protocol'], { './main': './dist/main.js' });
  pkg('packages/orchestrator', '@proj/orchestrator', ['@proj/protocol', '@proj/port-ring', '@proj/matchmaker']);
  write(
    'packages/orchestrator/src/server.ts',
    "import { x } from '@proj/protocol';\nimport type { y } from '@proj/port-ring';\nexport { x };\n",
  );
  pkg('apps/server', '@proj/server', ['@proj/orchestrator', '@proj/game-child']);
  write(
    'apps/server/src/main.ts',
    "import '@proj/orchestrator';\nconst entry = import.meta.resolve('@proj/game-child/main');\nimport('@proj/game-child');\n",
  );
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'check-deps-'));
  cleanWorkspace();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

// Parses every source file of the repository and spawns node: allow for a busy CPU (vitest's default is 5 s).
describe('check-deps', { timeout: 60_000 }, () => {
  it('passes on this repository', () => {
    expect(checkWorkspace(repoRoot)).toEqual([]);
  });

  it('passes on a clean workspace', () => {
    expect(checkWorkspace(root)).toEqual([]);
  });

  it('fails on a planted import of a package that is not allowed (orchestrator -> game-child)', () => {
    write('packages/orchestrator/src/spawn.ts', "import { startGame } from '@proj/game-child';\n");
    expect(checkWorkspace(root)).toEqual([
      "packages/orchestrator/src/spawn.ts: @proj/orchestrator may not import @proj/game-child ('@proj/game-child')",
    ]);
  });

  it('catches dynamic import(), require() and re-exports too', () => {
    write('packages/protocol/src/a.ts', "export * from '@proj/port-ring';\n");
    write('packages/protocol/src/b.ts', "const m = await import('@proj/matchmaker');\n");
    write('packages/protocol/src/c.cjs', "const o = require('@proj/orchestrator');\n");
    const v = checkWorkspace(root);
    // protocol -> orchestrator -> protocol also closes a cycle.
    expect(v).toHaveLength(4);
    expect(v).toContain('import cycle: @proj/protocol -> @proj/orchestrator -> @proj/protocol');
    expect(v.join('\n')).toMatch(/a\.ts: @proj\/protocol may not import @proj\/port-ring/);
    expect(v.join('\n')).toMatch(/b\.ts: @proj\/protocol may not import @proj\/matchmaker/);
    expect(v.join('\n')).toMatch(/c\.cjs: @proj\/protocol may not import @proj\/orchestrator/);
  });

  it('ignores imports that only appear in comments or strings', () => {
    write(
      'packages/protocol/src/d.ts',
      "// import '@proj/orchestrator'\nexport const s = \"import '@proj/orchestrator'\";\n",
    );
    expect(checkWorkspace(root)).toEqual([]);
  });

  it('fails on a declared dependency that is not allowed', () => {
    pkg('packages/game-child', '@proj/game-child', ['@proj/protocol', '@proj/orchestrator'], {
      './main': './dist/main.js',
    });
    expect(checkWorkspace(root)).toEqual([
      'packages/game-child/package.json: @proj/game-child may not depend on @proj/orchestrator (dependencies)',
    ]);
  });

  it('fails on a deep import into internals, allows an exported subpath', () => {
    write('packages/orchestrator/src/deep.ts', "import { FrameDecoder } from '@proj/protocol/src/frame-decoder.js';\n");
    const v = checkWorkspace(root);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatch(/deep import '@proj\/protocol\/src\/frame-decoder\.js' into @proj\/protocol internals/);
  });

  it('accepts a subpath only when the package exports it (@proj/protocol/internal), never the file behind it', () => {
    write('packages/game-child/src/shared.ts', "export { nodeCrypto, type Logger } from '@proj/protocol/internal';\n");
    expect(checkWorkspace(root)).toEqual([
      "packages/game-child/src/shared.ts: deep import '@proj/protocol/internal' into @proj/protocol internals; use one of its exports: ., ./package.json",
    ]);
    pkg('packages/protocol', '@proj/protocol', [], {
      './internal': { types: './dist/internal.d.ts', default: './dist/internal.js' },
    });
    expect(checkWorkspace(root)).toEqual([]);
    write('packages/game-child/src/deep.ts', "import { nodeCrypto } from '@proj/protocol/src/internal.js';\n");
    expect(checkWorkspace(root)).toEqual([
      "packages/game-child/src/deep.ts: deep import '@proj/protocol/src/internal.js' into @proj/protocol internals; use one of its exports: ., ./package.json, ./internal",
    ]);
  });

  it('treats resolve calls with an @proj/ specifier as imports (deep, undeclared or forbidden)', () => {
    write('apps/server/src/entry.ts', "export const a = import.meta.resolve('@proj/game-child/src/main.ts');\n");
    write('packages/orchestrator/src/entry.cjs', "module.exports = require.resolve('@proj/game-child/main');\n");
    const v = checkWorkspace(root);
    expect(v).toHaveLength(2);
    expect(v.join('\n')).toMatch(
      /apps\/server\/src\/entry\.ts: deep import '@proj\/game-child\/src\/main\.ts' into @proj\/game-child internals/,
    );
    expect(v).toContain(
      "packages/orchestrator/src/entry.cjs: @proj/orchestrator may not import @proj/game-child ('@proj/game-child/main')",
    );
  });

  it('reads every source file of a package, not only src/', () => {
    write('packages/matchmaker/tsup.config.ts', "import '@proj/protocol';\n");
    write('packages/matchmaker/scripts/gen/tool.mjs', "import '@proj/port-ring';\n");
    write('packages/matchmaker/dist/index.js', "import '@proj/orchestrator';\n");
    write('packages/matchmaker/node_modules/x/index.js', "import '@proj/orchestrator';\n");
    expect(checkWorkspace(root)).toEqual([
      "packages/matchmaker/scripts/gen/tool.mjs: @proj/matchmaker may not import @proj/port-ring ('@proj/port-ring')",
      "packages/matchmaker/tsup.config.ts: @proj/matchmaker may not import @proj/protocol ('@proj/protocol')",
    ]);
  });

  it('fails on a relative import that leaves the package', () => {
    write('packages/orchestrator/src/rel.ts', "import { x } from '../../protocol/src/index.js';\n");
    expect(checkWorkspace(root)[0]).toMatch(
      /relative import '..\/..\/protocol\/src\/index.js' leaves package @proj\/orchestrator/,
    );
  });

  it('fails on an import that is allowed but not declared', () => {
    write('packages/game-child/src/x.ts', "import '@proj/protocol';\n");
    pkg('packages/game-child', '@proj/game-child', [], { './main': './dist/main.js' });
    write('packages/game-child/src/x.ts', "import '@proj/protocol';\n");
    expect(checkWorkspace(root)).toEqual([
      'packages/game-child/src/x.ts: imports @proj/protocol but @proj/game-child does not declare it in package.json',
    ]);
  });

  it('fails on a cycle even when a looser rule set would allow each edge', () => {
    pkg('packages/protocol', '@proj/protocol', ['@proj/game-child']);
    const looser = { ...ALLOWED_EDGES, '@proj/protocol': ['@proj/game-child'] };
    expect(checkWorkspace(root, looser)).toEqual([
      'import cycle: @proj/game-child -> @proj/protocol -> @proj/game-child',
    ]);
  });

  it('fails on a module import cycle inside a package, of run-time imports or closed by type-only ones', () => {
    write('packages/matchmaker/src/shared.ts', 'export type Shared = number;\n');
    write('packages/matchmaker/src/a.ts', "import type { Shared } from './shared.js';\nexport type A = Shared;\n");
    write('packages/matchmaker/src/b.ts', "import { type A } from './a.js';\nexport type B = A | number;\n");
    expect(checkWorkspace(root)).toEqual([]);
    write('packages/matchmaker/src/a.ts', "import type { B } from './b.js';\nexport type A = B;\n");
    expect(checkWorkspace(root)).toEqual([
      'module type-import cycle in @proj/matchmaker: packages/matchmaker/src/a.ts -> packages/matchmaker/src/b.ts -> packages/matchmaker/src/a.ts (only `import type` closes it; move the types both sides need into a module of their own)',
    ]);
    rmSync(join(root, 'packages/matchmaker/src/a.ts'));
    write('packages/matchmaker/src/c.ts', "import { d } from './d.js';\nexport const c = () => d;\n");
    write('packages/matchmaker/src/d.ts', "export { e as d } from './e.js';\n");
    write('packages/matchmaker/src/e.ts', "import { c } from './c.js';\nexport const e = c;\n");
    expect(checkWorkspace(root)).toEqual([
      'module import cycle in @proj/matchmaker: packages/matchmaker/src/c.ts -> packages/matchmaker/src/d.ts -> packages/matchmaker/src/e.ts -> packages/matchmaker/src/c.ts (break it: move what both sides need into a module of their own)',
    ]);
  });

  it('allows a self-import by name only in examples/', () => {
    write('packages/port-ring/examples/quick-start.ts', "import { x } from '@proj/port-ring';\n");
    expect(checkWorkspace(root)).toEqual([]);
    write('packages/port-ring/src/self.ts', "import { x } from '@proj/port-ring';\n");
    expect(checkWorkspace(root)[0]).toMatch(/self.ts: @proj\/port-ring imports itself by name/);
  });

  describe('@proj/test-utils, for tests only', () => {
    /** The private test-utils package, and port-ring declaring it as `field`. */
    function withTestUtils(field: 'devDependencies' | 'dependencies' = 'devDependencies'): void {
      write(
        'packages/test-utils/package.json',
        JSON.stringify({ name: '@proj/test-utils', private: true, exports: { '.': './src/index.ts' } }),
      );
      write('packages/test-utils/src/index.ts', 'export const waitUntil = 1;\n');
      write(
        'packages/port-ring/package.json',
        JSON.stringify({
          name: '@proj/port-ring',
          exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
          [field]: { '@proj/test-utils': 'workspace:*' },
        }),
      );
    }

    it('passes when test files, benches and examples import it and it is a devDependency', () => {
      withTestUtils();
      write('packages/port-ring/test/ring.test.ts', "import { waitUntil } from '@proj/test-utils';\n");
      write('packages/port-ring/test/helpers/clock.ts', "export { waitUntil } from '@proj/test-utils';\n");
      write('packages/port-ring/src/ring.test.ts', "import { waitUntil } from '@proj/test-utils';\n");
      write('packages/port-ring/bench/ring.bench.ts', "import { waitUntil } from '@proj/test-utils';\n");
      write('packages/port-ring/examples/ring.ts', "import { waitUntil } from '@proj/test-utils';\n");
      expect(checkWorkspace(root)).toEqual([]);
    });

    it('fails when runtime code (src/) imports it, even a type', () => {
      withTestUtils();
      write('packages/port-ring/src/ring.ts', "import { waitUntil } from '@proj/test-utils';\n");
      write('packages/port-ring/src/types.ts', "import type { X } from '@proj/test-utils';\n");
      expect(checkWorkspace(root)).toEqual([
        'packages/port-ring/src/ring.ts: @proj/test-utils is for tests only; @proj/port-ring may import it from test/, bench/, examples/ or *.test.ts files, not here',
        'packages/port-ring/src/types.ts: @proj/test-utils is for tests only; @proj/port-ring may import it from test/, bench/, examples/ or *.test.ts files, not here',
      ]);
    });

    it('fails when it is declared in dependencies', () => {
      withTestUtils('dependencies');
      write('packages/port-ring/test/ring.test.ts', "import { waitUntil } from '@proj/test-utils';\n");
      expect(checkWorkspace(root)).toEqual([
        'packages/port-ring/package.json: @proj/test-utils is for tests only: declare it in devDependencies, not dependencies',
      ]);
    });

    it('fails when a test imports it without declaring it', () => {
      withTestUtils();
      pkg('packages/matchmaker', '@proj/matchmaker');
      write('packages/matchmaker/test/queue.test.ts', "import { waitUntil } from '@proj/test-utils';\n");
      expect(checkWorkspace(root)).toEqual([
        'packages/matchmaker/test/queue.test.ts: imports @proj/test-utils but @proj/matchmaker does not declare it in package.json',
      ]);
    });

    it('fails when it depends on one of ours not on its (empty) list', () => {
      withTestUtils();
      write('packages/test-utils/src/wire.ts', "import '@proj/protocol';\n");
      expect(checkWorkspace(root)).toEqual([
        "packages/test-utils/src/wire.ts: @proj/test-utils may not import @proj/protocol ('@proj/protocol')",
      ]);
    });
  });

  it('fails on a package missing from the rules', () => {
    pkg('packages/extra', '@proj/extra');
    expect(checkWorkspace(root)).toEqual([
      'packages/extra: package @proj/extra has no entry in the allowed-edges list',
    ]);
  });

  it('the command exits non-zero and names the bad import', () => {
    expect(execFileSync('node', [script, root], { encoding: 'utf8' })).toMatch(/passed/);
    write('packages/port-ring/src/bad.ts', "import '@proj/protocol';\n");
    const run = spawnSync('node', [script, root], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "packages/port-ring/src/bad.ts: @proj/port-ring may not import @proj/protocol ('@proj/protocol')",
    );
  });
});
