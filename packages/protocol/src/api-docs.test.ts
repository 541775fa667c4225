// Every export of the package entry, and every public member of an exported class, carries a doc comment
// (CONVENTIONS.md: "a doc comment on every export"). Read with the TypeScript checker, as an editor would.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./index.ts', import.meta.url));

function undocumented(): { exports: number; missing: string[] } {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    types: [],
  });
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
  it('documents every export of src/index.ts and every public class member', () => {
    const { exports, missing } = undocumented();
    expect(exports).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  }, 60_000); // builds a TypeScript program: seconds on a busy machine
});
