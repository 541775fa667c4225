#!/usr/bin/env node
// Headless clicker bots: `node examples/clicker/dist/bots-main.js [--host h] [--port p] [--mode m] [--bots n]`.
// Each bot plays one game and prints one JSON line: its seat, the game over's reason and the result (winner,
// standings). Ctrl-C leaves. Exit 0 when every bot got its game over, 1 otherwise.
import { parseArgs } from 'node:util';
import { playClicker } from './clicker-bot.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '7700' },
    mode: { type: 'string' },
    bots: { type: 'string', default: '2' },
    pace: { type: 'string', default: '1' },
  },
});
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
const count = Number(values.bots);
const runs = Array.from({ length: count }, (_, i) =>
  playClicker({
    host: values.host,
    port: Number(values.port),
    name: `clicker-bot-${i + 1}`,
    ...(values.mode !== undefined ? { mode: values.mode } : {}),
    pace: Number(values.pace),
    signal: stop.signal,
  }).then(
    (report) => process.stdout.write(`${JSON.stringify({ bot: i + 1, ...report })}\n`),
    (error: unknown) => {
      process.stderr.write(`bot ${i + 1}: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  ),
);
await Promise.all(runs);
