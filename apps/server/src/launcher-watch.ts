import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

// `pnpm start` runs the server under a chain of wrappers: pnpm -> sh -c -> pnpm -> sh -c -> node. pnpm forwards
// neither SIGTERM nor SIGKILL: a `kill <pid of pnpm>` ends the wrapper alone and leaves the server (and every game
// child, which only watches its IPC channel to the server) running, orphaned, with nobody to stop it. The server
// watches the wrappers it was started by, and stops when one of them is gone.

/** A process the server was started by, as {@link findLaunchers} finds it. */
export interface Launcher {
  readonly pid: number;
  /** Its start time in clock ticks since boot (field 22 of /proc/<pid>/stat): tells a reused pid from it. */
  readonly startTime: string;
  /** Its command line, for the log. */
  readonly command: string;
}

/** How {@link findLaunchers} and {@link watchLaunchers} read processes; injectable for tests. */
export interface ProcessTable {
  /** The argv of `pid`, or undefined when it does not exist (or /proc cannot be read). */
  argv(pid: number): string[] | undefined;
  /** Parent pid and start time of `pid`, or undefined when it does not exist or is a zombie. */
  stat(pid: number): { readonly ppid: number; readonly startTime: string } | undefined;
}

/** Linux's /proc. Every read that fails (no /proc, the process gone) answers undefined. */
export const procTable: ProcessTable = {
  argv(pid) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv.at(-1) === '') argv.pop(); // every argument ends with a NUL
      return argv;
    } catch {
      return undefined;
    }
  },
  stat(pid) {
    try {
      const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command (which may hold spaces and parentheses): state ppid ... starttime (22nd field).
      const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
      return { ppid: Number(fields[1]), startTime: fields[19] ?? '' };
    } catch {
      return undefined;
    }
  },
};

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'ash', 'ksh']);
const PACKAGE_MANAGERS = new Set(['pnpm', 'pnpx', 'npm', 'npx', 'yarn', 'bun', 'bunx']);
const PACKAGE_MANAGER_SCRIPTS = /^(pnpm|pnpx|npm|npx|yarn)(\.c?js|\.mjs|-cli\.js)?$/;

/**
 * True when `argv` is a wrapper that runs a command and passes signals on badly or not at all: a package manager
 * (`pnpm ...`, `node /usr/bin/pnpm ...`, `npm`, `npx`, `yarn`) or a non-interactive shell running a script
 * (`sh -c '...'`). An interactive shell, a terminal multiplexer, systemd or a plain node process are not.
 */
export function isWrapper(argv: readonly string[]): boolean {
  const [first, second] = argv;
  if (first === undefined) return false;
  const exe = basename(first).replace(/^-/, '');
  if (PACKAGE_MANAGERS.has(exe)) return true;
  if (SHELLS.has(exe)) return argv.slice(1).some((a) => /^-[a-z]*c[a-z]*$/.test(a));
  if ((exe === 'node' || exe === 'nodejs') && second !== undefined)
    return PACKAGE_MANAGER_SCRIPTS.test(basename(second));
  return false;
}

/**
 * The package-manager wrappers this process was started by: its parent, its grandparent... as long as each is a
 * wrapper ({@link isWrapper}), up to the outermost package manager. The first ancestor that is not a wrapper (a
 * terminal's shell, a supervisor, init) ends the chain, and shells above the outermost package manager are left out:
 * `sh -c 'node dist/main.js &'` or `ssh host 'nohup pnpm start &'` start a server meant to outlive that shell.
 * Empty when no package manager started the server, or where there is no /proc.
 */
export function findLaunchers(table: ProcessTable = procTable, parentPid = process.ppid): Launcher[] {
  const chain: Launcher[] = [];
  let outermostPackageManager = -1;
  for (let pid = parentPid; pid > 1 && chain.length < 16;) {
    const argv = table.argv(pid);
    const stat = table.stat(pid);
    if (argv === undefined || stat === undefined || !isWrapper(argv)) break;
    if (!isShell(argv)) outermostPackageManager = chain.length;
    chain.push({ pid, startTime: stat.startTime, command: argv.join(' ').slice(0, 200) });
    pid = stat.ppid;
  }
  return chain.slice(0, outermostPackageManager + 1);
}

function isShell(argv: readonly string[]): boolean {
  return SHELLS.has(basename(argv[0] ?? '').replace(/^-/, ''));
}

/**
 * Checks every `intervalMs` that each launcher still runs (same pid, same start time) and calls `onGone` once, with
 * the first one found gone. The timer does not keep the process alive. Returns a function that stops watching.
 */
export function watchLaunchers(
  launchers: readonly Launcher[],
  onGone: (launcher: Launcher) => void,
  options: { readonly intervalMs?: number; readonly table?: ProcessTable } = {},
): () => void {
  if (launchers.length === 0) return () => {};
  const table = options.table ?? procTable;
  const timer = setInterval(() => {
    const gone = launchers.find((l) => table.stat(l.pid)?.startTime !== l.startTime);
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, options.intervalMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
