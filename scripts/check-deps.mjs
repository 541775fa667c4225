#!/usr/bin/env node
// Boundary check: fails when a workspace package declares or imports one of ours that is not on
// its allowed list, imports another package's internals instead of an exported entry, reaches
// into another package by a relative path, or when the package graph or the module graph inside a
// package has a cycle: of imports that run, or one closed only by type imports (`import type`), which
// the compiler erases but which still ties the modules together for a reader.
//
// Imports are read with TypeScript's own pre-processor (static imports, re-exports, `import x =
// require()`, dynamic `import()` and `require()` calls), so string tricks in comments don't count;
// module resolution calls (`import.meta.resolve('@proj/x')`, `require.resolve(...)`, any `*.resolve(...)`
// given an '@proj/' string literal) count as imports too, since they reach a package just the same.
// Every source file of a package is read (config files and scripts included), not only src/.
// A test-only package (TEST_ONLY_PACKAGES: @proj/test-utils) may be used by every package, but only from its
// test files, benches and examples, and only as a devDependency.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** The only dependency edges between our packages. Keep in sync with README.md and docs/architecture.md. */
export const ALLOWED_EDGES = {
  '@proj/protocol': [],
  '@proj/port-ring': [],
  '@proj/matchmaker': [],
  '@proj/matchmaker-redis': ['@proj/matchmaker'],
  '@proj/game-child': ['@proj/protocol'],
  '@proj/client-sdk': ['@proj/protocol'],
  '@proj/orchestrator': ['@proj/protocol', '@proj/port-ring', '@proj/matchmaker'],
  '@proj/server': ['@proj/orchestrator', '@proj/game-child', '@proj/matchmaker-redis'],
  '@proj/cli-client': ['@proj/client-sdk'],
  // A complete custom game (examples/clicker): its game module (types of game-child only) and its bot (client-sdk).
  '@proj/example-clicker': ['@proj/game-child', '@proj/client-sdk'],
  // Private helpers shared by tests: see TEST_ONLY_PACKAGES for who may use them, and how.
  '@proj/test-utils': [],
};

/**
 * Private packages that every workspace package may use, but only from its tests, benches and examples
 * ({@link TEST_FILE}), and only declared in devDependencies: never from runtime code, never in dependencies.
 */
export const TEST_ONLY_PACKAGES = ['@proj/test-utils'];
/** The files of a package (path relative to it) that may import a test-only package. */
const TEST_FILE = /^(test|bench|examples)\/|\.test\.(c|m)?(t|j)sx?$/;

const SCOPE = '@proj/';
/** Directories of a package that hold no source of its own. */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '.turbo']);
const SOURCE_EXT = /\.(c|m)?(t|j)sx?$/;
const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

function listWorkspacePackages(root) {
  const found = [];
  for (const top of ['packages', 'apps', 'examples']) {
    const topDir = join(root, top);
    if (!existsSync(topDir)) continue;
    for (const name of readdirSync(topDir).sort()) {
      const dir = join(topDir, name);
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) found.push({ dir, manifest: JSON.parse(readFileSync(manifest, 'utf8')) });
    }
  }
  return found;
}

function listSourceFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d).sort()) {
      if (SKIP_DIRS.has(entry) || entry.startsWith('.')) continue;
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (SOURCE_EXT.test(entry) && !entry.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** True for `import type ...`, `import { type a, type b }`, `export type ...`: erased, never run. */
function isTypeOnly(statement) {
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (!clause) return false;
    if (clause.isTypeOnly) return true;
    const named = clause.namedBindings;
    return (
      !clause.name &&
      !!named &&
      ts.isNamedImports(named) &&
      named.elements.length > 0 &&
      named.elements.every((e) => e.isTypeOnly)
    );
  }
  const clause = statement.exportClause;
  if (statement.isTypeOnly) return true;
  return (
    !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)
  );
}

/**
 * What `file` imports: `specifiers`, every module it names (for the package edges); `local`, the relative
 * specifiers of its static imports and re-exports, and `runtime`, those of them that are not type-only (for
 * module cycles).
 */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  const local = [];
  const runtime = [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  for (const statement of source.statements) {
    if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement))) continue;
    const spec = statement.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    local.push(spec.text);
    if (!isTypeOnly(statement)) runtime.push(spec.text);
  }
  if (text.includes(SCOPE)) {
    const visit = (node) => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'resolve'
      ) {
        const [first] = node.arguments;
        if (first && ts.isStringLiteralLike(first) && first.text.startsWith(SCOPE)) specifiers.push(first.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { specifiers, local, runtime };
}

/** The source file a relative specifier of `from` names (`./x.js` written for `./x.ts`), or undefined. */
function resolveRelative(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [
    base,
    base.replace(/\.(c|m)?js$/, '.$1ts'),
    base.replace(/\.(c|m)?js$/, '.$1tsx'),
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Splits '@proj/x/deep/path' into ['@proj/x', './deep/path']. */
function splitSpecifier(spec) {
  const [scope, name, ...rest] = spec.split('/');
  return [`${scope}/${name}`, rest.length > 0 ? `./${rest.join('/')}` : '.'];
}

function findCycle(graph) {
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

/**
 * Checks the workspace at `root` and returns the list of violations (empty when clean).
 * @param {string} root
 * @param {Record<string, string[]>} [allowed]
 * @returns {string[]}
 */
export function checkWorkspace(root, allowed = ALLOWED_EDGES) {
  const violations = [];
  const packages = listWorkspacePackages(root);
  const byName = new Map(packages.map((p) => [p.manifest.name, p]));
  const graph = new Map();

  for (const { dir, manifest } of packages) {
    const name = manifest.name;
    const where = relative(root, dir);
    const allowedHere = allowed[name];
    if (!allowedHere) {
      violations.push(`${where}: package ${name} has no entry in the allowed-edges list`);
      continue;
    }
    const edges = new Set();
    const declared = new Set();
    for (const field of DEP_FIELDS) {
      for (const dep of Object.keys(manifest[field] ?? {})) {
        if (!dep.startsWith(SCOPE)) continue;
        declared.add(dep);
        edges.add(dep);
        if (TEST_ONLY_PACKAGES.includes(dep)) {
          if (field !== 'devDependencies')
            violations.push(
              `${where}/package.json: ${dep} is for tests only: declare it in devDependencies, not ${field}`,
            );
        } else if (!allowedHere.includes(dep))
          violations.push(`${where}/package.json: ${name} may not depend on ${dep} (${field})`);
      }
    }
    const runtimeModules = new Map();
    const allModules = new Map();
    for (const file of listSourceFiles(dir)) {
      const fileRel = relative(root, file);
      const { specifiers, local, runtime } = importsOf(file);
      const targets = (specs) =>
        specs
          .map((spec) => resolveRelative(file, spec))
          .filter((t) => t !== undefined)
          .map((t) => relative(root, t));
      runtimeModules.set(fileRel, targets(runtime));
      allModules.set(fileRel, targets(local));
      for (const spec of specifiers) {
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (target !== dir && !target.startsWith(dir + sep)) {
            violations.push(
              `${fileRel}: relative import '${spec}' leaves package ${name}; import another package by its name`,
            );
          }
          continue;
        }
        if (!spec.startsWith(SCOPE)) continue;
        const [target, subpath] = splitSpecifier(spec);
        if (target === name) {
          // Examples show the package as its users import it; everywhere else a self-import by name is a mistake.
          if (fileRel.includes(`${sep}examples${sep}`)) continue;
          violations.push(`${fileRel}: ${name} imports itself by name ('${spec}'); use a relative import`);
          continue;
        }
        edges.add(target);
        if (TEST_ONLY_PACKAGES.includes(target)) {
          if (!TEST_FILE.test(relative(dir, file).split(sep).join('/'))) {
            violations.push(
              `${fileRel}: ${target} is for tests only; ${name} may import it from test/, bench/, examples/ or *.test.ts files, not here`,
            );
            continue;
          }
        } else if (!allowedHere.includes(target)) {
          violations.push(`${fileRel}: ${name} may not import ${target} ('${spec}')`);
          continue;
        }
        if (!declared.has(target))
          violations.push(`${fileRel}: imports ${target} but ${name} does not declare it in package.json`);
        const targetPkg = byName.get(target);
        const exportsField = targetPkg?.manifest.exports;
        const exported =
          exportsField &&
          typeof exportsField === 'object' &&
          !Array.isArray(exportsField) &&
          !('import' in exportsField || 'default' in exportsField)
            ? Object.keys(exportsField)
            : ['.'];
        if (!exported.includes(subpath)) {
          violations.push(
            `${fileRel}: deep import '${spec}' into ${target} internals; use one of its exports: ${exported.join(', ')}`,
          );
        }
      }
    }
    graph.set(name, [...edges]);
    const moduleCycle = findCycle(runtimeModules);
    const typeCycle = moduleCycle === undefined ? findCycle(allModules) : undefined;
    if (moduleCycle)
      violations.push(
        `module import cycle in ${name}: ${moduleCycle.join(' -> ')} (break it: move what both sides need into a module of their own)`,
      );
    else if (typeCycle)
      violations.push(
        `module type-import cycle in ${name}: ${typeCycle.join(' -> ')} (only \`import type\` closes it; ` +
          'move the types both sides need into a module of their own)',
      );
  }

  const cycle = findCycle(graph);
  if (cycle) violations.push(`import cycle: ${cycle.join(' -> ')}`);
  return violations;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL('..', import.meta.url));
  const violations = checkWorkspace(root);
  if (violations.length > 0) {
    console.error(`dependency boundary check failed (${violations.length}):\n  ${violations.join('\n  ')}`);
    process.exit(1);
  }
  console.log(
    `dependency boundary check passed: ${listWorkspacePackages(root).length} packages, edges as allowed, no deep imports, no cycles`,
  );
}
