import { defineConfig } from 'tsup';

export default defineConfig({
  // main.ts is the `proj-server` bin (its shebang is kept and the file made executable); index.ts the programmatic API;
  // game-child-entry.ts the script forked for each game (it must stay a file of its own, next to the chunks).
  entry: ['src/main.ts', 'src/index.ts', 'src/game-child-entry.ts'],
  format: ['esm'],
  target: 'node20',
  dts: { entry: ['src/index.ts'] },
  sourcemap: true,
  clean: true,
});
