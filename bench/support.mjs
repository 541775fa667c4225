// Shared pieces of the system benchmarks (bench/*.bench.mjs): the built server started as a user would, the
// built cli-client's loadtest, /proc readings, percentiles and BENCH_RESULT lines. Not a benchmark itself.
//
// These benchmarks drive the real, built programs as processes (apps/server/dist/main.js and
// apps/cli-client/dist/main.js), so they import none of our packages and measure exactly what a studio deploys.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const smoke = process.env.BENCH_SMOKE === '1';
export const SERVER_BIN = join(root, 'apps/server/dist/main.js');
export const CLIENT_BIN = join(root, 'apps/cli-client/dist/main.js');
/** What the server forks for every game (the game-child entry behind the server's signal guard). */
export const GAME_CHILD_ENTRY = join(root, 'apps/server/dist/game-child-entry.cjs');
export const BARE_CHILD = fileURLToPath(new URL('./bare-child.mjs', import.meta.url));
/** The same bare child in CommonJS, the module format of the server's bundled game child entry. */
export const BARE_CHILD_CJS = fileURLToPath(new URL('./bare-child.cjs', import.meta.url));

/** Fails early, with the command to run, when the builds the benchmarks drive are missing. */
export function requireBuilds() {
  for (const file of [SERVER_BIN, CLIENT_BIN, GAME_CHILD_ENTRY]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm build\` first (pnpm bench does)`);
  }
}

/** Prints one figure line for scripts/bench.mjs. */
export function report(figures) {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(figures)}\n`);
}

/** Progress on stderr. */
export function note(message) {
  process.stderr.write(`  ${message}\n`);
}

/** Nearest-rank percentile (q in 0..1) of numbers; undefined for none. */
export function percentile(values, q) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const round = (v, digits = 2) =>
  v === undefined || v === null ? v : Math.round(v * 10 ** digits) / 10 ** digits;
export const median = (values) => percentile(values, 0.5);
export const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : round(a / b, 3));

/** p50, p95, p99, max of `values` rounded to 0.01. */
export function summary(values) {
  return {
    n: values.length,
    p50: round(percentile(values, 0.5)),
    p95: round(percentile(values, 0.95)),
    p99: round(percentile(values, 0.99)),
    max: round(percentile(values, 1)),
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident set size of a process in MiB (VmRSS), or undefined when it is gone. */
export function rssMiB(pid) {
  return procStatusField(pid, 'VmRSS');
}

/** Peak resident set size of a process in MiB (VmHWM), or undefined when it is gone. */
export function peakRssMiB(pid) {
  return procStatusField(pid, 'VmHWM');
}

function procStatusField(pid, field) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line === undefined ? undefined : round(Number(line.split(/\s+/)[1]) / 1024, 1);
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far; Linux clock ticks are 100 a second. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of a process so far: its own (`self`: utime + stime) and its reaped children's (`children`: cutime +
 * cstime), or undefined when it is gone.
 */
export function cpuTimes(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { self: (Number(f[11]) + Number(f[12])) / 100, children: (Number(f[13]) + Number(f[14])) / 100 };
  } catch {
    return undefined;
  }
}

/** Proportional set size of a process in MiB (Pss of /proc/<pid>/smaps_rollup), or undefined when it is gone. */
export function pssMiB(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Pss:'));
    return line === undefined ? undefined : Number(line.split(/\s+/)[1]) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * CPU time in ms that every thread of a live process has spent on a CPU so far: the sum over
 * /proc/<pid>/task/<tid>/schedstat of the first field (ns on CPU). All threads, because V8 compiles and collects
 * garbage on helper threads. Undefined when the process is gone; threads that already exited are not counted.
 */
export function threadsCpuMs(pid) {
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let ns = 0;
  for (const tid of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return ns / 1e6;
}

/** The command line of a process (arguments joined by spaces), or '' when it is gone. */
export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Pids of the direct children of `pid` (forked by any of its threads). */
export function childPids(pid) {
  const pids = [];
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return pids;
  }
  for (const tid of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) {
        if (c !== '') pids.push(Number(c));
      }
    } catch {
      // The thread ended meanwhile.
    }
  }
  return pids;
}

/** Pids of every descendant of `pid`: its children, their children, and so on. */
export function descendantPids(pid) {
  const out = [];
  const stack = childPids(pid);
  while (stack.length > 0) {
    const next = stack.pop();
    out.push(next);
    stack.push(...childPids(next));
  }
  return out;
}

/**
 * The server's process tree as it is now. With `--spawner fork-server` (the default) the game children are the
 * server's GRANDchildren: server -> fork server (its direct child running fork-server-main.js) -> children. The fork
 * server is part of the server's overhead, not a game child. With `--spawner fork` there is no fork server and the
 * children are the server's direct children.
 */
export function serverTree(serverPid) {
  const direct = childPids(serverPid);
  const forkServer = direct.find((pid) => commandLine(pid).includes('fork-server-main'));
  const gameChildren = descendantPids(serverPid).filter((pid) => pid !== forkServer);
  return { server: serverPid, forkServer, gameChildren };
}

/** `count` consecutive UDP ports that are free on 127.0.0.1 right now, from a random base. */
export async function freeUdpRange(count) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 30_000);
    const sockets = [];
    let ok = true;
    for (let port = first; port < first + count && ok; port++) {
      const socket = createSocket('udp4');
      ok = await new Promise((resolve) => {
        socket.once('error', () => resolve(false));
        socket.bind(port, '127.0.0.1', () => resolve(true));
      });
      sockets.push(socket);
    }
    for (const s of sockets) {
      try {
        s.close();
      } catch {
        // The socket that failed to bind is not running: nothing to close.
      }
    }
    if (ok) return { first, last: first + count - 1 };
  }
  throw new Error(`no ${count} consecutive free UDP ports found`);
}

/**
 * Starts the built server as a user would (`node apps/server/dist/main.js` with flags and a config file), with JSON
 * logs on its stdout. Resolves once it is ready, with its TCP and admin ports, its pid, the times of every game it
 * starts (from its log) and stop(), which sends SIGTERM and resolves when it has exited. `warmPool` undefined: the
 * server's default.
 */
export async function startServer({ udpPorts, warmPool, modes, extraArgs = [] }) {
  const dir = mkdtempSync(join(tmpdir(), 'proj-bench-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ modes }));
  const args = [
    SERVER_BIN,
    '--port',
    '0',
    '--admin-port',
    '0',
    '--udp-ports',
    `${udpPorts.first}-${udpPorts.last}`,
    ...(warmPool === undefined ? [] : ['--warm-pool', String(warmPool)]),
    '--config',
    configFile,
    '--log-format',
    'json',
    '--log-level',
    'info',
    '--child-output',
    'ignore',
    '--max-connections',
    '20000',
    '--max-connections-per-ip',
    '20000',
    // Every simulated player comes from 127.0.0.1: lift the per-address queue cap too.
    '--max-queued-per-ip',
    '20000',
    '--drain-timeout',
    '2s',
    '--shutdown-grace',
    '1s',
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const gameStarts = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    let tcpPort;
    lines.on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === 'game started')
        gameStarts.push({
          time: entry.time,
          warm: entry.warm,
          spawnMs: entry.spawnMs,
          timeToMatchMs: entry.timeToMatchMs,
        });
      else if (entry.msg === 'listening for players (TCP)') tcpPort = entry.port;
      else if (typeof entry.msg === 'string' && entry.msg.startsWith('game server ready')) {
        resolve({ tcpPort: tcpPort ?? entry.tcp?.port, adminUrl: entry.admin });
      }
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`server exited (${code ?? signal}) before ready: ${stderr}`)),
    );
  });
  const { tcpPort, adminUrl } = await ready;
  return {
    pid: child.pid,
    tcpPort,
    adminUrl,
    gameStarts,
    /** The server's process tree now: { server, forkServer, gameChildren } (see serverTree). */
    tree() {
      return serverTree(child.pid);
    },
    /**
     * The server's own CPU seconds so far: the orchestrator's plus its fork server's (own time only: the fork
     * server's reaped children are game children, not overhead). Read it while the server runs.
     */
    overheadCpuSeconds() {
      const forkServer = serverTree(child.pid).forkServer;
      return (cpuSeconds(child.pid) ?? 0) + (forkServer === undefined ? 0 : (cpuSeconds(forkServer) ?? 0));
    },
    /** Peak RSS in MiB of the orchestrator plus that of its fork server (VmHWM each). Read it while the server runs. */
    overheadPeakRssMiB() {
      const forkServer = serverTree(child.pid).forkServer;
      return round((peakRssMiB(child.pid) ?? 0) + (forkServer === undefined ? 0 : (peakRssMiB(forkServer) ?? 0)), 1);
    },
    /** Running games as the admin listener lists them (id, port, pid, ...). */
    async games() {
      const res = await fetch(`${adminUrl}/games`);
      return (await res.json()).games;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const result = await exited;
      rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
}

/**
 * Runs the built cli-client's `loadtest --json` against `port` and resolves with its parsed report (see
 * apps/cli-client: time-to-match and time-to-game distributions, games completed, loss, errors by code).
 * `priority`: the nice value to give it (e.g. -10, which needs root, so that the load generator is never starved and
 * what is measured is the server).
 */
export function runLoadtest({ port, clients, rate, perGame, mode, timeout = '5m', priority }) {
  return new Promise((resolve, reject) => {
    const args = [
      CLIENT_BIN,
      'loadtest',
      '--json',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--clients',
      String(clients),
      '--rate',
      String(rate),
      '--per-game',
      String(perGame),
      '--timeout',
      timeout,
    ];
    if (mode !== undefined) args.push('--mode', mode);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (priority !== undefined) {
      try {
        setPriority(child.pid, priority);
      } catch (error) {
        note(`could not set the loadtest's priority to ${priority} (${error.code ?? error}): it runs at the default`);
      }
    }
    let out = '';
    let err = '';
    // Its CPU as last read (every 200 ms) before it exited: what the load generator itself took from the machine.
    let cpu;
    const meter = setInterval(() => (cpu = cpuSeconds(child.pid) ?? cpu), 200);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(meter);
      try {
        resolve({ exitCode: code, report: JSON.parse(out), pid: child.pid, cpuSeconds: cpu });
      } catch {
        reject(new Error(`loadtest exited ${code} without a JSON report: ${err.slice(-2000)}`));
      }
    });
  });
}
