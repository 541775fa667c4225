import { fileURLToPath } from 'node:url';

/** The repository root (an absolute path ending in '/'). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** node arguments that run a workspace TypeScript entry from source (start it with `cwd` {@link REPO_ROOT}). */
export const SOURCE_ARGS = ['--import', 'tsx', '--conditions=@proj/source'] as const;
