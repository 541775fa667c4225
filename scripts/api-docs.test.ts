// Every export of a published package's entry (src/index.ts), and every public member of an exported class,
// carries a doc comment (CONVENTIONS.md: "a doc comment on every export"). Read with the TypeScript checker, as an
// editor would, for every package whose package.json is not private.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

/** The published packages: name and entry file. */
function publishedPackages(): { name: string; entry: string }[] {
  const out: { name: string; entry: string }[] = [];
  for (const dir of readdirSync(packagesDir).sort()) {
    const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
    };
    if (manifest.private !== true) out.push({ name: manifest.name, entry: join(packagesDir, dir, 'src', 'index.ts') });
  }
  return out;
}

const packages = publishedPackages();

// One TypeScript program for every entry: the packages import one another, so each file is parsed once.
const program = ts.createProgram(
  packages.map((p) => p.entry),
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    customConditions: ['@proj/source'],
    noEmit: true,
    types: ['node'],
  },
);

/** The exports (and public class members) of `entry` without a doc comment. */
function undocumented(entry: string): { exports: number; missing: string[] } {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`cannot read ${entry}`);
  const hasDoc = (node: ts.Node): boolean => ts.getJSDocCommentsAndTags(node).length > 0;
  const exported = checker.getExportsOfModule(module);
  const missing: string[] = [];
  for (const symbol of exported) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declarations = target.getDeclarations() ?? [];
    if (!declarations.some(hasDoc)) missing.push(symbol.name);
    for (const declaration of declarations) {
      if (!ts.isClassDeclaration(declaration)) continue;
      for (const member of declaration.members) {
        if (member.name !== undefined && ts.isPrivateIdentifier(member.name)) continue;
        if (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Private) continue;
        if (!hasDoc(member)) missing.push(`${symbol.name}.${member.name?.getText() ?? 'constructor'}`);
      }
    }
  }
  return { exports: exported.length, missing };
}

describe('public API docs', () => {
  it('finds the seven published packages', () => {
    expect(packages.map((p) => p.name)).toEqual([
      '@proj/client-sdk',
      '@proj/game-child',
      '@proj/matchmaker',
      '@proj/matchmaker-redis',
      '@proj/orchestrator',
      '@proj/port-ring',
      '@proj/protocol',
    ]);
  });

  // The first check pays for the type checker: seconds on a busy machine.
  it.each(packages)(
    'documents every export of $name and every public class member',
    ({ entry }) => {
      const { exports, missing } = undocumented(entry);
      expect(exports).toBeGreaterThan(3);
      expect(missing).toEqual([]);
    },
    60_000,
  );
});
