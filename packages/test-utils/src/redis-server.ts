import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { TestUtilsError } from './errors.js';
import { freeTcpPort } from './free-ports.js';

/** How a {@link startRedisServer} server is started. */
export interface RedisServerOptions {
  /** Append-only file on (fsync always), so the data survives {@link RedisServer.restart} and a kill. Default false. */
  readonly appendOnly?: boolean;
  /** Default: a TCP port free a moment ago. */
  readonly port?: number;
  /** Its working directory (the AOF lives there). Default: a new temp dir, removed by `stop`. */
  readonly dir?: string;
}

/** A redis-server process started by a test, on 127.0.0.1. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The pid of the running process (changes on restart). */
  readonly pid: number;
  readonly dir: string;
  /** SIGTERM, SIGKILL after 3 s; then removes its temp dir (one it made). Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL (a crash); keeps the dir, so `restart` with appendOnly finds the data. */
  kill(): Promise<void>;
  /** Stops it (SIGTERM) if it runs, then starts it again on the same port and dir; resolves when it answers PING. */
  restart(): Promise<void>;
  /** CPU time (user + system) the current process used so far, in ms, from /proc/<pid>/stat. */
  cpuMs(): number;
}

const started = new Set<RedisServer>();
const READY_MS = 10_000;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ): 100 on every Linux we run on. */
const USER_HZ = 100;

/** The path of `redis-server` on the PATH; throws E_REDIS_MISSING when it is not there. */
export function findRedisServer(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  throw new TestUtilsError(
    'E_REDIS_MISSING',
    'redis-server is not on the PATH: these tests need a real Redis (7.0+). Install it: apt-get install redis-server',
  );
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

class RedisServerProcess implements RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly #ownsDir: boolean;
  readonly #args: string[];
  readonly #bin: string;
  #proc: ChildProcess | undefined;
  #output = '';

  constructor(bin: string, port: number, dir: string, ownsDir: boolean, appendOnly: boolean) {
    this.#bin = bin;
    this.port = port;
    this.dir = dir;
    this.#ownsDir = ownsDir;
    this.url = `redis://127.0.0.1:${port}`;
    this.#args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--dir',
      dir,
      '--daemonize',
      'no',
    ];
  }

  get pid(): number {
    return this.#proc?.pid ?? -1;
  }

  /** Spawns the server and resolves once it logged that it is ready and answered a PING. */
  async spawn(): Promise<void> {
    const proc = spawn(this.#bin, this.#args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#proc = proc;
    this.#output = '';
    const append = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-8192);
    };
    proc.stderr.on('data', append);
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        reject(new TestUtilsError('E_SERVER_EXITED', `redis-server on port ${this.port} ${why}:\n${this.#output}`));
      };
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        fail(`was not ready within ${READY_MS} ms`);
      }, READY_MS);
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
        fail(`exited (code ${code}, signal ${signal})`);
      proc.once('error', (error) => fail(`could not start (${error.message})`));
      proc.once('exit', onExit);
      const onData = (): void => {
        if (!this.#output.includes('Ready to accept connections')) return;
        clearTimeout(timer);
        proc.off('exit', onExit);
        proc.stdout.off('data', onData);
        resolve();
      };
      proc.stdout.on('data', append);
      proc.stdout.on('data', onData);
    });
    if (!(await ping(this.port))) {
      await this.#terminate('SIGKILL');
      throw new TestUtilsError('E_SERVER_EXITED', `redis-server on port ${this.port} did not answer PING`);
    }
  }

  async #terminate(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const proc = this.#proc;
    if (proc === undefined) return;
    const gone = exited(proc);
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill(signal);
      if (signal === 'SIGTERM') {
        const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
        await gone;
        clearTimeout(timer);
      }
    }
    await gone;
  }

  async stop(): Promise<void> {
    await this.#terminate('SIGTERM');
    started.delete(this);
    if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  kill(): Promise<void> {
    return this.#terminate('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.#terminate('SIGTERM');
    await this.spawn();
  }

  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3 of the full line, utime 14 and stime 15 (1-based).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  }
}

/**
 * Starts a `redis-server` on 127.0.0.1 (no RDB snapshots; an append-only file with fsync always when
 * `appendOnly`), in a temp dir of its own unless `dir` is given, and resolves once it answers PING. Throws
 * `E_REDIS_MISSING` when redis-server is not installed (tests then fail, never skip), `E_SERVER_EXITED` when it
 * exits or is not ready within 10 s. Tracked for {@link stopAllRedis}.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = findRedisServer();
  const port = options.port ?? (await freeTcpPort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'proj-redis-'));
  const server = new RedisServerProcess(bin, port, dir, options.dir === undefined, options.appendOnly ?? false);
  started.add(server);
  try {
    await server.spawn();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Stops every server {@link startRedisServer} started and not yet stopped (for `afterAll`/`afterEach`). */
export async function stopAllRedis(): Promise<void> {
  await Promise.all([...started].map((server) => server.stop()));
}
