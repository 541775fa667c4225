import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // main.ts is the `proj-server` bin (its shebang is kept and the file made executable); index.ts the programmatic
    // API. Cleaning spares the game child's bundle, which the second build below writes into the same folder.
    entry: ['src/main.ts', 'src/index.ts'],
    format: ['esm'],
    target: 'node20',
    dts: { entry: ['src/index.ts'] },
    sourcemap: true,
    clean: ['!game-child-entry.cjs*'],
  },
  {
    // game-child-entry.ts, the script forked for every game, as one self-contained CommonJS file: @proj/game-child
    // and @proj/protocol inlined, no chunks, so a child's start reads and compiles one file and resolves no module.
    // CommonJS, because a forked ESM entry also pays Node's ESM loader (and, for each built-in module it imports,
    // the enumeration of its exports); whitespace and syntax minified (names kept, for readable stack traces),
    // since a child parses the whole file before it runs a line. Measured: see the README's Performance section.
    entry: ['src/game-child-entry.ts'],
    format: ['cjs'],
    target: 'node20',
    platform: 'node',
    noExternal: [/^@proj\//],
    splitting: false,
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    clean: false,
  },
]);
