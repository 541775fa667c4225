import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type RunResult, SERVER_BIN, runProcess } from '@proj/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTING_LIST } from '../src/config-schema.js';
import { APP_DIR, ensureBuilt } from './helpers/build.js';

// The built bin as a user runs it: help, and every way a configuration can be wrong. None of these start a server.

const dir = mkdtempSync(join(tmpdir(), 'proj-server-cli-'));

/** Runs the built bin to completion with `args`, its environment cleaned plus `env`. */
function runBin(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return runProcess([process.execPath, SERVER_BIN, ...args], { env, what: 'proj-server' });
}

beforeAll(() => ensureBuilt(), 240_000);

describe('proj-server --help', () => {
  it('documents every setting with its flag, environment variable and default, and exits 0', async () => {
    const { code, stdout, stderr } = await runBin(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const text = stdout.replace(/\s+/g, ' ');
    for (const spec of SETTING_LIST) {
      expect(text).toContain(`${spec.flag} ${spec.placeholder}`);
      expect(text).toContain(`env ${spec.env};`);
      expect(text).toContain(`default: ${spec.defaultDoc})`);
    }
  });
});

describe('a bad configuration stops the server with exit code 2 and one line naming the setting', () => {
  const bad = join(dir, 'bad.json');
  const notJson = join(dir, 'not.json');
  beforeAll(() => {
    writeFileSync(bad, JSON.stringify({ udpPorts: '7701-7704', maxGames: 8 }));
    writeFileSync(notJson, '{ "port": ');
  });

  it.each<[string, string[], Record<string, string>, RegExp]>([
    [
      'an inverted UDP range (flag)',
      ['--udp-ports', '7800-7700'],
      {},
      /^invalid config: --udp-ports 7800-7700: range 7800-7700 is inverted \(first > last\)$/,
    ],
    [
      'overlapping UDP ranges (env)',
      [],
      { PROJ_UDP_PORTS: '7701-7710,7708-7712' },
      /^invalid config: PROJ_UDP_PORTS=7701-7710,7708-7712: ranges 7701-7710 and 7708-7712 overlap$/,
    ],
    [
      'K < 1',
      ['--modes', 'arena:0'],
      {},
      /^invalid config: --modes arena:0: players per game of mode 'arena' must be at least 1, got 0$/,
    ],
    [
      'a cap above the port count',
      ['--udp-ports', '7701-7702', '--max-games', '3'],
      {},
      /^invalid config: --max-games 3: the cap is above the number of UDP ports \(2, from --udp-ports 7701-7702\)$/,
    ],
    [
      'an unknown mode',
      [],
      { PROJ_DEFAULT_MODE: 'ctf' },
      /^invalid config: PROJ_DEFAULT_MODE=ctf: unknown mode 'ctf' \(the modes are arena, duel\)$/,
    ],
    [
      'an unreadable file',
      ['--config', join(dir, 'missing.json')],
      {},
      /^invalid config: --config .*missing\.json: cannot read the file \(no such file\)$/,
    ],
    [
      'a file that is not JSON',
      [],
      { PROJ_CONFIG: notJson },
      /^invalid config: PROJ_CONFIG=.*not\.json: not valid JSON/,
    ],
    [
      'a bad value in the file',
      ['--config', bad],
      {},
      /^invalid config: "maxGames": 8 in .*bad\.json: the cap is above the number of UDP ports \(4, from "udpPorts": "7701-7704" in .*bad\.json\)$/,
    ],
    [
      'a bad log level',
      ['--log-level', 'loud'],
      {},
      /^invalid config: --log-level loud: must be one of trace, debug, info, warn, error, fatal, silent$/,
    ],
    ['an unknown flag', ['--udp-port', '7701'], {}, /^invalid command line: unknown option '--udp-port'/],
  ])('%s', async (_name, args, env, message) => {
    const { code, stdout, stderr } = await runBin(args, env);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toMatch(message);
  });

  it('a flag overrides a bad environment value, which overrides the file', async () => {
    const { code, stdout } = await runBin(['--print-config', '--udp-ports', '9001-9002', '--config', bad], {
      PROJ_UDP_PORTS: '9100-9000',
      PROJ_MAX_GAMES: '1',
    });
    expect(code).toBe(0);
    const config = JSON.parse(stdout) as { udpPorts: unknown; maxGames: number };
    expect(config.udpPorts).toEqual([{ first: 9001, last: 9002 }]);
    expect(config.maxGames).toBe(1);
  });
});

describe('pnpm start -- <flags>', () => {
  it('a leading -- (which pnpm passes through) is skipped', async () => {
    const { code, stdout, stderr } = await runBin([
      '--',
      '--print-config',
      '--port',
      '7800',
      '--udp-ports',
      '7801-7802',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ port: 7800, udpPorts: [{ first: 7801, last: 7802 }], maxGames: 2 });
  });
});

describe('hints name the command the user ran', () => {
  it('node and the script, relative to the working directory, when node ran it', async () => {
    const r = await runProcess([process.execPath, 'apps/server/dist/main.js', '--bogus'], {
      cwd: REPO_ROOT,
      env: { npm_lifecycle_event: '', npm_package_name: '' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "invalid command line: unknown option '--bogus'\n(see node apps/server/dist/main.js --help)\n",
    );
    const help = await runProcess([process.execPath, SERVER_BIN, '--help'], {
      cwd: APP_DIR,
      env: { npm_lifecycle_event: '', npm_package_name: '' },
    });
    expect(help.stdout).toMatch(/^Usage: node dist\/main\.js \[options\]/);
  });

  it('the pnpm script when pnpm ran it', async () => {
    const r = await runProcess(['pnpm', '--silent', 'run', 'serve', '--bogus'], { cwd: APP_DIR, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("invalid command line: unknown option '--bogus'\n(see pnpm serve --help)\n");
    const root = await runProcess(['pnpm', '--silent', '--filter', '@proj/server', 'run', 'serve', '--bogus'], {
      cwd: REPO_ROOT,
      timeoutMs: 60_000,
    });
    expect(root.stderr).toContain('(see pnpm --filter @proj/server serve --help)');
  });
});

describe('start failures', () => {
  const blocker = createServer();
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  /** The non-empty lines a run wrote, stdout and stderr together. */
  const linesOf = (r: RunResult): string[] => `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() !== '');

  it.each(['json', 'pretty'])(
    'a TCP port in use: exit 1 and one line naming the port and --port, no stack, no drain (log format %s)',
    async (format) => {
      const r = await runBin(
        ['--port', String(port), '--admin-port', '0', '--udp-ports', '45001-45002', '--log-format', format],
        { PROJ_LOG_LEVEL: 'info' },
      );
      expect(r.code).toBe(1);
      expect(linesOf(r)).toEqual([
        `proj-server: cannot start: cannot listen for players on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); choose another with --port or stop what holds it`,
      ]);
    },
  );

  it('a TCP port in use, at debug level: the stack and the system error as well', async () => {
    const r = await runBin(
      ['--port', String(port), '--admin-port', '0', '--udp-ports', '45001-45002', '--warm-pool', '0'],
      { PROJ_LOG_LEVEL: 'debug' },
    );
    expect(r.code).toBe(1);
    const details = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; err?: { stack?: string } })
      .find((l) => l.msg === 'cannot start: details');
    expect(details?.err?.stack).toMatch(/ServerError: cannot listen for players[\s\S]*caused by: .*EADDRINUSE/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an admin port in use: exit 1 and one line naming --admin-port', async () => {
    const r = await runBin(['--port', '0', '--admin-port', String(port), '--udp-ports', '45001-45002'], {
      PROJ_LOG_LEVEL: 'info',
    });
    expect(r.code).toBe(1);
    expect(linesOf(r)).toEqual([
      `proj-server: cannot start: admin HTTP listener cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); choose another with --admin-port or stop what holds it`,
    ]);
  });
});
