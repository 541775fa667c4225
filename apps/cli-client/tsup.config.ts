import { defineConfig } from 'tsup';

export default defineConfig({
  // index: the programmatic pieces; main: the proj-play bin (its #! line is kept).
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  target: 'node20',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
});
