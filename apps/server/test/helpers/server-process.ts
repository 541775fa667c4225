import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { BIN } from './build.js';

/** One JSON log line of the server. */
export type LogLine = Record<string, unknown> & { readonly msg?: string; readonly level?: number };

/** Polls `check` until it returns something other than undefined/false; rejects after `timeoutMs`. */
export async function waitUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True while `pid` is a live process (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The pids of every live descendant of `pid` (children, their children...), from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

/** `n` UDP ports free right now on 127.0.0.1 (the OS picks them), as a --udp-ports value. */
export async function freeUdpPorts(n: number): Promise<number[]> {
  const sockets = await Promise.all(
    Array.from({ length: n }, async () => {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      return socket;
    }),
  );
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(resolve))));
  return ports;
}

/** The environment for the bin: this one without any PROJ_* variable, plus `extra`. */
export function binEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PROJ_')) env[k] = v;
  return { ...env, FORCE_COLOR: '0', ...extra };
}

/** Runs the bin to completion (for --help and bad configurations). */
export function runBin(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, ...args], { env: binEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`bin did not exit within ${timeoutMs} ms: ${stdout}${stderr}`));
    }, timeoutMs);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A server bin started by a test. */
export class ServerProcess {
  readonly proc: ChildProcess;
  readonly logs: LogLine[] = [];
  stdout = '';
  stderr = '';
  tcpPort = 0;
  adminUrl = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Every child pid ever seen, so cleanup can reach them even after the server died. */
  readonly seenChildren = new Set<number>();
  /** The pid of the server itself, from its ready line (not `pid` when it runs under a wrapper). */
  serverPid = 0;
  /** True once nothing writes to the server's stdout any more (the server and every child that inherited it gone). */
  outputClosed = false;

  /**
   * `processGroup`: start the server as the leader of a process group of its own, as a shell does with a job.
   * `command`: what runs the server instead of `node <bin>` (`['pnpm', 'run', 'serve']`): `proc` is then that wrapper.
   */
  constructor(args: readonly string[], env: Record<string, string>, options: StartOptions = {}) {
    const [file, ...rest] = [...(options.command ?? [process.execPath, BIN]), ...args] as [string, ...string[]];
    this.proc = spawn(file, rest, {
      env: binEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.processGroup === true,
      cwd: options.cwd,
    });
    let partial = '';
    this.proc.stdout!.on('data', (d: Buffer) => {
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
    this.proc.stdout!.on('close', () => (this.outputClosed = true));
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('exit', (code, signal) => (this.exit = { code, signal }));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** The first log line that `match` accepts, waiting for it. */
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs = 20_000): Promise<LogLine> {
    return waitUntil(
      () => {
        const found = this.logs.find(match);
        if (found === undefined && this.exit !== undefined && this.outputClosed)
          throw new Error(
            `server exited (${JSON.stringify(this.exit)}) before ${what}:\n${this.stdout}\n${this.stderr}`,
          );
        return found;
      },
      what,
      timeoutMs,
    );
  }

  /** Waits for the "ready" log line and reads the TCP port and admin URL from it. */
  async ready(): Promise<this> {
    const line = await this.waitForLog(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('game server ready'),
      'the server to be ready',
    );
    this.serverPid = line['pid'] as number;
    this.tcpPort = (line['tcp'] as { port: number }).port;
    this.adminUrl = line['admin'] as string;
    return this;
  }

  /** Resolves with the exit once the server process ended. */
  waitForExit(timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return waitUntil(() => this.exit, 'the server to exit', timeoutMs);
  }

  /** The live descendants of the server (its child game processes), remembered for cleanup. */
  children(): number[] {
    const pids = descendants(this.pid);
    for (const pid of pids) this.seenChildren.add(pid);
    return pids;
  }

  /** GET an admin path. */
  async get(path: string): Promise<Response> {
    return fetch(`${this.adminUrl}${path}`);
  }

  /** The value of one /metrics sample (`name{labels}`), or undefined when absent. */
  async metric(series: string): Promise<number | undefined> {
    const text = await (await this.get('/metrics')).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  }

  /** SIGKILLs the server and every child it ever had. Never throws. */
  destroy(): void {
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
  }
}

/** How {@link startBin} starts the server. */
export interface StartOptions {
  readonly processGroup?: boolean;
  /** What runs the server, the flags appended (default: node and the bin), e.g. `['pnpm', 'run', 'serve']`. */
  readonly command?: readonly string[];
  readonly cwd?: string;
}

const started = new Set<ServerProcess>();

/** Starts the bin with `args` and `env` and waits until it is ready. Registered for {@link destroyAll}. */
export async function startBin(
  args: readonly string[],
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<ServerProcess> {
  const server = new ServerProcess(args, env, options);
  started.add(server);
  return server.ready();
}

/** Kills every server the tests started and their children (afterEach). */
export function destroyAll(): void {
  for (const server of started) server.destroy();
  started.clear();
}

/** True when this machine has /proc (Linux): the child-process checks need it. */
export const HAS_PROC = existsSync('/proc/self/stat');
