import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv } from './clean-env.js';
import { TestUtilsError } from './errors.js';
import { descendants } from './process-tree.js';
import { REPO_ROOT } from './repo.js';
import { DEFAULT_WAIT_MS, type WakeSource, waitUntil } from './wait-until.js';

/** apps/server's built bin (`proj-server`): the default command of {@link ServerProcess}. Needs `pnpm build`. */
export const SERVER_BIN = join(REPO_ROOT, 'apps', 'server', 'dist', 'main.js');
/** apps/server's entry as source: run it with node and {@link SOURCE_ARGS}; its game children then run from source. */
export const SERVER_SOURCE = join(REPO_ROOT, 'apps', 'server', 'src', 'main.ts');

/** One JSON log line of the server. */
export type LogLine = Record<string, unknown> & { readonly msg?: string; readonly level?: number };

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A game as the server's admin endpoint `/games` lists it. */
export interface GameListing {
  readonly id: string;
  readonly mode: string;
  readonly port: number;
  readonly pid: number;
  readonly players: string[];
  readonly state: string;
}

/** How a {@link ServerProcess} is started. */
export interface ServerOptions {
  /**
   * What runs the server, its flags appended: default `[process.execPath, SERVER_BIN]`, the built bin. Also
   * `[process.execPath, ...SOURCE_ARGS, SERVER_SOURCE]` (from source), or a wrapper such as
   * `['pnpm', 'run', 'serve']` (`proc` is then the wrapper, and `serverPid` the server under it).
   */
  readonly command?: readonly string[];
  readonly cwd?: string;
  /** Start the server as the leader of a process group of its own, as a shell does with a job. */
  readonly processGroup?: boolean;
  /** How long `ready()` waits for the ready line (default 20 s). */
  readonly readyTimeoutMs?: number;
  /** A directory that belongs to this server (its config file, say): removed once it is stopped or destroyed. */
  readonly ownedDir?: string;
}

const started = new Set<ServerProcess>();

/**
 * A server (apps/server) started by a test as a separate process, its environment cleaned ({@link cleanEnv}),
 * stdout and stderr piped. Collects its output and its JSON log lines; waits for log lines, for its ready line
 * (reading the TCP port, admin URL and pid from it) and for its exit; reads its admin endpoint; stops it gently
 * (`stop`) or kills it and every child process it ever had, by pid (`destroy`).
 */
export class ServerProcess {
  /** The process started: the server, or the wrapper `options.command` named. */
  readonly proc: ChildProcess;
  /** Every JSON line of its stdout, parsed. */
  readonly logs: LogLine[] = [];
  /** Everything it wrote to stdout. */
  stdout = '';
  /** Everything it wrote to stderr. */
  stderr = '';
  /** The orchestrator's TCP port, from the ready line (0 until then). */
  tcpPort = 0;
  /** The admin endpoint's base URL, from the ready line ('' until then). */
  adminUrl = '';
  /** How `proc` ended, once it has. */
  exit: ProcessExit | undefined;
  /** Every child pid ever seen, so cleanup can reach them even after the server died. */
  readonly seenChildren = new Set<number>();
  /** The pid of the server itself, from its ready line (not `pid` when it runs under a wrapper). */
  serverPid = 0;
  /** True once nothing writes to the server's stdout any more (the server and every child that inherited it gone). */
  outputClosed = false;
  readonly #readyTimeoutMs: number;
  readonly #ownedDir: string | undefined;
  readonly #outputEvents: readonly WakeSource[];

  /** Starts the server with the flags `args` and the environment {@link cleanEnv}`(env)`; see {@link ServerOptions}. */
  constructor(args: readonly string[], env: Readonly<Record<string, string>> = {}, options: ServerOptions = {}) {
    const [file, ...rest] = [...(options.command ?? [process.execPath, SERVER_BIN]), ...args] as [string, ...string[]];
    this.#readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_WAIT_MS;
    this.#ownedDir = options.ownedDir;
    this.proc = spawn(file, rest, {
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.processGroup === true,
      cwd: options.cwd,
    });
    const stdout = this.proc.stdout!;
    let partial = '';
    stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      this.stdout += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          // A child's own output interleaved; not ours.
        }
      }
    });
    stdout.on('close', () => (this.outputClosed = true));
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('exit', (code, signal) => (this.exit = { code, signal }));
    this.#outputEvents = [
      [stdout, 'data'],
      [stdout, 'close'],
      [this.proc, 'exit'],
    ];
  }

  /** The pid of `proc`. */
  get pid(): number {
    return this.proc.pid!;
  }

  /**
   * The first log line that `match` accepts, waiting for it (checked as output arrives). Rejects with
   * `E_SERVER_EXITED` if the server exits and its output ends first, or `E_WAIT_TIMEOUT` after `timeoutMs`.
   */
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<LogLine> {
    return waitUntil(
      () => {
        const found = this.logs.find(match);
        if (found === undefined && this.exit !== undefined && this.outputClosed)
          throw new TestUtilsError(
            'E_SERVER_EXITED',
            `server exited (${JSON.stringify(this.exit)}) before ${what}:\n${this.stdout}\n${this.stderr}`,
          );
        return found;
      },
      what,
      { timeoutMs, wakeOn: this.#outputEvents },
    );
  }

  /** Waits for the "game server ready" log line and reads the TCP port, admin URL and server pid from it. */
  async ready(): Promise<this> {
    const line = await this.waitForLog(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('game server ready'),
      'the server to be ready',
      this.#readyTimeoutMs,
    );
    this.serverPid = line['pid'] as number;
    this.tcpPort = (line['tcp'] as { port: number }).port;
    this.adminUrl = line['admin'] as string;
    return this;
  }

  /** Resolves with the exit once `proc` has ended. */
  waitForExit(timeoutMs = 30_000): Promise<ProcessExit> {
    return waitUntil(() => this.exit, 'the server to exit', { timeoutMs, wakeOn: [[this.proc, 'exit']] });
  }

  /** The live descendants of `proc` (the server's game processes...), remembered for cleanup. Needs /proc. */
  children(): number[] {
    const pids = descendants(this.pid);
    for (const pid of pids) this.seenChildren.add(pid);
    return pids;
  }

  /** GET an admin path ('/metrics', '/games'...). */
  async get(path: string): Promise<Response> {
    return fetch(`${this.adminUrl}${path}`);
  }

  /** The value of one /metrics sample (`name{labels}`), or undefined when absent. */
  async metric(series: string): Promise<number | undefined> {
    const text = await (await this.get('/metrics')).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  }

  /** The games the admin endpoint lists. */
  async games(): Promise<GameListing[]> {
    const body = (await (await this.get('/games')).json()) as { games: GameListing[] };
    return body.games;
  }

  /** Sends SIGTERM to `proc` (the server drains, then stops). */
  terminate(): void {
    this.proc.kill('SIGTERM');
  }

  /**
   * Stops the server gently: SIGTERM, then, if it has not exited within 15 s, {@link destroy}. Removes its owned
   * directory. Never throws.
   */
  async stop(): Promise<void> {
    started.delete(this);
    if (this.exit === undefined) {
      this.terminate();
      try {
        await this.waitForExit(15_000);
      } catch {
        this.destroy();
      }
    }
    this.#removeOwnedDir();
  }

  /**
   * SIGKILLs `proc`, the server under it and every child it ever had (by pid); removes its owned directory. Never
   * throws.
   */
  destroy(): void {
    started.delete(this);
    if (this.exit === undefined) {
      try {
        this.children();
      } catch {
        // /proc unreadable: fall through.
      }
      this.proc.kill('SIGKILL');
    }
    if (this.serverPid !== 0 && this.serverPid !== this.pid) this.seenChildren.add(this.serverPid);
    for (const pid of this.seenChildren) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    this.#removeOwnedDir();
  }

  #removeOwnedDir(): void {
    if (this.#ownedDir !== undefined) rmSync(this.#ownedDir, { recursive: true, force: true });
  }
}

/**
 * Starts a {@link ServerProcess} and waits until it is ready (rejecting as `ready()` does). Every server started
 * here is registered for {@link destroyAll} and {@link stopAll}, also one that never got ready.
 */
export async function startServer(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  options: ServerOptions = {},
): Promise<ServerProcess> {
  const server = new ServerProcess(args, env, options);
  started.add(server);
  return server.ready();
}

/** Kills every server {@link startServer} started and not yet stopped, and their children (for `afterEach`). */
export function destroyAll(): void {
  for (const server of [...started]) server.destroy();
}

/** Stops every server {@link startServer} started and not yet stopped, gently (for `afterAll`). */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((s) => s.stop()));
}
