import { cp } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // main.ts is the `proj-server` bin (its shebang is kept and the file made executable); index.ts the programmatic
    // API. Cleaning spares the game child's bundle and the monitor page, which the builds below write into the same
    // folder.
    entry: ['src/main.ts', 'src/index.ts'],
    format: ['esm'],
    target: 'node20',
    dts: { entry: ['src/index.ts'] },
    sourcemap: true,
    clean: ['!game-child-entry.cjs*', '!monitor/**'],
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
  {
    // The admin listener's monitor page: its script bundled for the browser (no dependency, nothing loaded from
    // elsewhere), next to its HTML and CSS, in dist/monitor/ (index.html, monitor.css, monitor.js).
    entry: { monitor: 'monitor/src/main.ts' },
    outDir: 'dist/monitor',
    tsconfig: 'monitor/tsconfig.json',
    format: ['esm'],
    outExtension: () => ({ js: '.js' }),
    platform: 'browser',
    target: 'es2022',
    splitting: false,
    dts: false,
    sourcemap: true,
    clean: true,
    async onSuccess() {
      await cp('monitor/index.html', 'dist/monitor/index.html');
      await cp('monitor/monitor.css', 'dist/monitor/monitor.css');
    },
  },
]);
