#!/usr/bin/env node
// Makes sure the system programs the tests and benchmarks need are installed: `redis-server` (the shared queue's
// tests start their own instances on free loopback ports) and `chromium` (the monitor page's test drives it headless
// through playwright-core). Tests fail, never skip, without them. When one is missing: on Debian/Ubuntu as root (or
// with sudo), installs the distribution's packages; otherwise says how and exits 1. The redis package may start a
// system-wide instance on port 6379; it is stopped, since nothing here uses it.
import { spawnSync } from 'node:child_process';

/** What is needed: the command to find, the Debian package, and how to get it elsewhere. */
const TOOLS = [
  {
    command: 'redis-server',
    pkg: 'redis-server',
    version: ['--version'],
    elsewhere: 'Install Redis 7 (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)',
  },
  {
    command: 'chromium',
    pkg: 'chromium',
    version: ['--version'],
    elsewhere:
      'Install Chromium (Debian: apt-get install chromium), or set PROJ_CHROMIUM to a Chrome or Chromium executable',
  },
];

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const run = (args) => {
  process.stdout.write(`$ ${args.join(' ')}\n`);
  return spawnSync(args[0], args.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  }).status;
};
const found = (tool) => {
  const out = spawnSync(tool.command, tool.version, { encoding: 'utf8' });
  process.stdout.write(`${tool.command} found: ${(out.stdout || out.stderr || '').trim().split('\n')[0]}\n`);
};

const chromiumGiven = process.env.PROJ_CHROMIUM !== undefined && process.env.PROJ_CHROMIUM !== '';
const missing = TOOLS.filter((tool) => !has(tool.command) && !(tool.command === 'chromium' && chromiumGiven));
for (const tool of TOOLS.filter((t) => !missing.includes(t) && has(t.command))) found(tool);
if (missing.length === 0) process.exit(0);

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = root ? [] : has('sudo') ? ['sudo'] : undefined;
if (!has('apt-get') || sudo === undefined) {
  for (const tool of missing) {
    process.stderr.write(`${tool.command} is missing and the tests need it. ${tool.elsewhere}, and run again.\n`);
  }
  process.exit(1);
}
const packages = missing.map((tool) => tool.pkg);
if (
  run([...sudo, 'apt-get', 'update', '-qq']) !== 0 ||
  run([...sudo, 'apt-get', 'install', '-y', '-qq', ...packages]) !== 0
) {
  process.stderr.write(`installing ${packages.join(', ')} failed (see above)\n`);
  process.exit(1);
}
if (packages.includes('redis-server')) {
  // Not needed: the tests start their own. Either way of stopping may be absent (containers have no init system).
  spawnSync('sh', ['-c', `${sudo.join(' ')} service redis-server stop`], { stdio: 'ignore' });
}
for (const tool of missing) found(tool);
process.stdout.write(`installed: ${packages.join(', ')}\n`);
