import { fileURLToPath } from 'node:url';
import { ServerError } from './errors.js';

/** The script to fork for each game and the Node options to fork it with. */
export interface ChildEntry {
  /** Absolute path of the script to fork. */
  readonly path: string;
  /** Node options for the child: empty for built JavaScript; tsx and the source condition for TypeScript source. */
  readonly execArgv: readonly string[];
}

/** How {@link resolveChildEntry} resolves modules; injectable for tests. */
export interface EntryResolver {
  /** `import.meta.resolve` of this module. */
  resolve(specifier: string): string;
  /** The URL of this module (it tells whether the server runs from its build or from source). */
  readonly selfUrl: string;
}

const defaultResolver: EntryResolver = { resolve: (s) => import.meta.resolve(s), selfUrl: import.meta.url };

/**
 * The script the server forks for each game: its own `game-child-entry` (which ignores the terminal's SIGINT/SIGHUP,
 * then runs `@proj/game-child/main`), next to this module: `dist/game-child-entry.cjs` when the server runs from its
 * build (one self-contained file with the game child bundled in, forked plainly), `src/game-child-entry.ts` when it
 * runs from source (forked with tsx and the `@proj/source` condition, so that the game child runs from source too).
 * @throws ServerError `E_START_FAILED` when `@proj/game-child/main` cannot be resolved (not installed, not built).
 */
export function resolveChildEntry(resolver: EntryResolver = defaultResolver): ChildEntry {
  try {
    resolver.resolve('@proj/game-child/main');
  } catch (error) {
    throw new ServerError(
      'E_START_FAILED',
      `cannot find the game child entry @proj/game-child/main (is it built? run pnpm build): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const fromSource = /\.[cm]?ts$/.test(new URL(resolver.selfUrl).pathname);
  const path = fileURLToPath(new URL(`./game-child-entry.${fromSource ? 'ts' : 'cjs'}`, resolver.selfUrl));
  if (!fromSource) return { path, execArgv: [] };
  let tsx = 'tsx';
  try {
    tsx = resolver.resolve('tsx');
  } catch {
    // Not resolvable from here: let the child resolve 'tsx' from its working directory.
  }
  return { path, execArgv: ['--import', tsx, '--conditions=@proj/source'] };
}
