import { defineConfig } from 'tsup';

// clicker-game.js is the game module the server loads (`--game examples/clicker/dist/clicker-game.js`): it imports
// only types, so it is one self-contained file. bots-main.js is the headless bots' command.
export default defineConfig({
  entry: ['src/index.ts', 'src/clicker-game.ts', 'src/bots-main.ts'],
  format: ['esm'],
  target: 'node20',
  dts: { entry: ['src/index.ts', 'src/clicker-game.ts'] },
  sourcemap: true,
  splitting: false,
  clean: true,
});
