import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
/** apps/server's bin, run from source (no build needed; its game children then run from source too). */
const SERVER_MAIN = join(ROOT, 'apps', 'server', 'src', 'main.ts');
/** This app's bin, from source. */
export const CLI_MAIN = join(ROOT, 'apps', 'cli-client', 'src', 'main.ts');
/** node arguments that run a workspace TypeScript entry from source. */
export const SOURCE_ARGS = ['--import', 'tsx', '--conditions=@proj/source'] as const;

/** Polls `check` until it returns a value other than undefined/false; rejects after `timeoutMs` (generous). */
export async function waitUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `n` UDP ports free right now on 127.0.0.1 (the OS picks them). */
async function freeUdpPorts(n: number): Promise<number[]> {
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

/** This environment without PROJ_* variables (they would configure the server), no colours. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PROJ_')) env[k] = v;
  return { ...env, FORCE_COLOR: '0', ...extra };
}

/** A game mode of the test server: K players and arena options. */
export interface TestMode {
  readonly playersPerGame: number;
  readonly gameOptions?: Readonly<Record<string, unknown>>;
}

/** What a test server is started with. */
export interface TestServerOptions {
  readonly modes: Readonly<Record<string, TestMode>>;
  /** UDP ports (concurrent games), default 6. */
  readonly udpPorts?: number;
  /** Extra flags, e.g. ['--max-connections', '1']. */
  readonly args?: readonly string[];
}

/** A real server (orchestrator + game children) started by a test as a separate process. */
export class TestServer {
  readonly proc: ChildProcess;
  readonly logs: Record<string, unknown>[] = [];
  output = '';
  port = 0;
  adminUrl = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #dir: string;

  private constructor(proc: ChildProcess, dir: string) {
    this.proc = proc;
    this.#dir = dir;
    let partial = '';
    proc.stdout!.on('data', (d: Buffer) => {
      const text = d.toString();
      this.output += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // Not a log line of ours.
        }
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.on('exit', (code, signal) => (this.exit = { code, signal }));
  }

  /** Starts the server with a config file of `options.modes`, free ports, JSON logs; resolves once it is ready. */
  static async start(options: TestServerOptions): Promise<TestServer> {
    const dir = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
    const config = join(dir, 'server.json');
    writeFileSync(config, JSON.stringify({ modes: options.modes }));
    const ports = await freeUdpPorts(options.udpPorts ?? 6);
    const args = [
      ...SOURCE_ARGS,
      SERVER_MAIN,
      '--config',
      config,
      '--port',
      '0',
      '--admin-port',
      '0',
      '--udp-ports',
      ports.join(','),
      '--log-format',
      'json',
      '--log-level',
      'info',
      '--child-output',
      'ignore',
      // Tests stop the server with games still running: do not wait long for them.
      '--drain-timeout',
      '1s',
      '--shutdown-grace',
      '1s',
      ...(options.args ?? []),
    ];
    const proc = spawn(process.execPath, args, { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new TestServer(proc, dir);
    started.add(server);
    const ready = await waitUntil(
      () => {
        if (server.exit !== undefined)
          throw new Error(`server exited ${JSON.stringify(server.exit)}:\n${server.output}`);
        return server.logs.find((l) => typeof l['msg'] === 'string' && l['msg'].startsWith('game server ready'));
      },
      'the server to be ready',
      60_000,
    );
    server.port = (ready['tcp'] as { port: number }).port;
    server.adminUrl = ready['admin'] as string;
    return server;
  }

  /** The games the admin endpoint lists (id, mode, port, pid, players...). */
  async games(): Promise<{ id: string; mode: string; port: number; pid: number; players: string[]; state: string }[]> {
    const body = (await (await fetch(`${this.adminUrl}/games`)).json()) as {
      games: { id: string; mode: string; port: number; pid: number; players: string[]; state: string }[];
    };
    return body.games;
  }

  /** One /metrics sample (`name{labels}`), undefined when absent. */
  async metric(series: string): Promise<number | undefined> {
    const text = await (await fetch(`${this.adminUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  }

  /** Sends SIGTERM (graceful drain). */
  terminate(): void {
    this.proc.kill('SIGTERM');
  }

  /** Stops the server: SIGTERM, then SIGKILL if it lingers. Never throws. */
  async stop(): Promise<void> {
    started.delete(this);
    if (this.exit === undefined) {
      this.proc.kill('SIGTERM');
      try {
        await waitUntil(() => this.exit, 'the server to exit', 15_000);
      } catch {
        this.proc.kill('SIGKILL');
      }
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

const started = new Set<TestServer>();

/** Stops every server still running (afterAll safety net). */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((s) => s.stop()));
}

/** Runs the CLI from source to completion. */
export function runCli(
  args: readonly string[],
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...SOURCE_ARGS, CLI_MAIN, ...args], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`proj-play ${args.join(' ')} did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
