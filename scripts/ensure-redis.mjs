#!/usr/bin/env node
// Makes sure `redis-server` is on PATH for the tests and benchmarks of the shared queue, which start their own
// instances on free loopback ports (they fail, never skip, without it). When it is missing: on Debian/Ubuntu as root
// (or with sudo), installs the distribution's package; otherwise says how and exits 1. The package may start a
// system-wide instance on port 6379; it is stopped, since nothing here uses it.
import { spawnSync } from 'node:child_process';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const run = (args) => {
  process.stdout.write(`$ ${args.join(' ')}\n`);
  return spawnSync(args[0], args.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  }).status;
};

if (has('redis-server')) {
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  process.stdout.write(`redis-server found: ${version}\n`);
  process.exit(0);
}
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = root ? [] : has('sudo') ? ['sudo'] : undefined;
if (!has('apt-get') || sudo === undefined) {
  process.stderr.write(
    'redis-server is missing: the shared-queue tests need it. Install Redis 7 (Debian/Ubuntu: apt-get install ' +
      'redis-server; macOS: brew install redis) and run again.\n',
  );
  process.exit(1);
}
if (
  run([...sudo, 'apt-get', 'update', '-qq']) !== 0 ||
  run([...sudo, 'apt-get', 'install', '-y', '-qq', 'redis-server']) !== 0
) {
  process.stderr.write('installing redis-server failed (see above)\n');
  process.exit(1);
}
// Not needed: the tests start their own. Either way of stopping may be absent (containers have no init system).
spawnSync('sh', ['-c', `${sudo.join(' ')} service redis-server stop`], { stdio: 'ignore' });
process.stdout.write('redis-server installed\n');
