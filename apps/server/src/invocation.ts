import { basename, isAbsolute, relative } from 'node:path';
import { BIN_NAME } from './cli.js';

/** The name of this package, whose scripts run the server (`pnpm start`). */
const SERVER_PACKAGE = '@proj/server';

/** What {@link invocationName} looks at: this process's environment, `process.argv[1]` and working directory. */
export interface InvocationContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The script node runs (`process.argv[1]`). */
  readonly script: string | undefined;
  readonly cwd: string;
}

/**
 * The command the user ran to start this server, for hints such as `(see <it> --help)`, so that the hint works when
 * pasted. Under a package manager running a script of this package: the script (`pnpm start`; `pnpm --filter
 * @proj/server serve` when pnpm ran elsewhere than in the package a script other than `start`, which the workspace
 * root has too; `npm run serve --`). Run by node directly: `node <the script, relative to the working directory>`.
 * Otherwise the installed bin's name ({@link BIN_NAME}). Never throws.
 */
export function invocationName(context: InvocationContext): string {
  const { env, script, cwd } = context;
  const event = env['npm_lifecycle_event'];
  const agent = env['npm_config_user_agent'] ?? '';
  // Only a script of this package ran the server: a test runner started by `pnpm test` passes its variables on too.
  if (env['npm_package_name'] === SERVER_PACKAGE && event !== undefined && /^[\w:.-]+$/.test(event)) {
    if (agent.startsWith('pnpm/')) {
      const initCwd = env['INIT_CWD'];
      const elsewhere = initCwd !== undefined && initCwd !== cwd && event !== 'start';
      return elsewhere ? `pnpm --filter ${SERVER_PACKAGE} ${event}` : `pnpm ${event}`;
    }
    if (agent.startsWith('yarn/')) return `yarn ${event}`;
    if (agent.startsWith('npm/')) return event === 'start' ? 'npm start --' : `npm run ${event} --`;
  }
  if (script === undefined || script === '' || basename(script) === BIN_NAME) return BIN_NAME;
  if (!/\.[cm]?[jt]s$/.test(script)) return BIN_NAME;
  const path = relative(cwd, script);
  const shown = path === '' || path.startsWith('..') || isAbsolute(path) ? script : path;
  return `node ${/\s/.test(shown) ? JSON.stringify(shown) : shown}`;
}
