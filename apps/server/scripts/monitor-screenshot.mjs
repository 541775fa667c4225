#!/usr/bin/env node
// Renders docs/monitor.png: the built server on a busy minute, seen through its monitor page in headless Chromium.
// Run from the repository root after `pnpm build`: `pnpm --filter @proj/server screenshot:monitor`. It starts the
// built server (24 UDP ports, one of them held by this script so that its game fails to bind and the port is shown
// quarantined), bots of the built cli-client that play without end in both modes, waits for the charts to fill, takes
// the screenshot and stops everything. Needs Chromium (PROJ_CHROMIUM, or /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = join(root, 'docs', 'monitor.png');
const warmupS = Number(process.env.MONITOR_SCREENSHOT_WARMUP_S ?? 75);
const first = Number(process.env.MONITOR_SCREENSHOT_PORT ?? 17_701);
const dir = mkdtempSync(join(tmpdir(), 'monitor-shot-'));
const config = join(dir, 'config.json');
writeFileSync(
  config,
  JSON.stringify({
    modes: {
      arena: { playersPerGame: 4, gameOptions: { timeLimitMs: 25_000 } },
      duel: { playersPerGame: 2, gameOptions: { timeLimitMs: 12_000 } },
    },
  }),
);

const processes = [];
const start = (args, options = {}) => {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], ...options });
  processes.push(child);
  return child;
};
const stopAll = () => {
  for (const child of processes) child.kill('SIGTERM');
};

// A port of the range held by someone else: its game's child cannot bind it, and the ring sets it aside.
const holder = createSocket('udp4');
await new Promise((resolve) => holder.bind(first + 5, '127.0.0.1', resolve));

const server = start([
  'apps/server/dist/main.js',
  '--config',
  config,
  '--port',
  String(first - 1),
  '--admin-port',
  String(first - 2),
  '--udp-ports',
  `${first}-${first + 23}`,
  '--log-format',
  'json',
  '--quarantine',
  '10m',
]);
const ready = await new Promise((resolve, reject) => {
  let buffer = '';
  server.stdout.on('data', (chunk) => {
    buffer += chunk;
    for (const line of buffer.split('\n').slice(0, -1)) {
      if (line.includes('game server ready')) resolve(JSON.parse(line));
    }
    buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
  });
  server.on('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready`)));
});
const bots = (mode, count, prefix) =>
  start(
    [
      'apps/cli-client/dist/main.js',
      'bots',
      '--port',
      String(ready.tcp.port),
      '--mode',
      mode,
      '--count',
      String(count),
    ].concat(['--forever', '--name-prefix', prefix]),
    { stdio: 'ignore' },
  );
bots('arena', 30, 'arena');
bots('duel', 13, 'duel');

try {
  process.stdout.write(`server ready at ${ready.admin}; letting the bots play for ${warmupS} s\n`);
  await new Promise((resolve) => setTimeout(resolve, warmupS * 1000));
  const browser = await chromium.launch({
    executablePath: process.env.PROJ_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${ready.admin}/`);
  await page.waitForSelector('#games [data-game-id]');
  await page.waitForTimeout(2_500);
  await page.screenshot({ path: out, fullPage: true });
  await browser.close();
  process.stdout.write(`wrote ${out}\n`);
} finally {
  stopAll();
  holder.close();
}
