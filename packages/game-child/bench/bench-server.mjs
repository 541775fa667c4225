// Benchmark helper (forked by game-child.bench.ts): runs games with @proj/game-child's startGame in this
// process, the way a game child does, and reports the server's counters, tick times and memory over IPC.
// Plain JavaScript so that it runs on bare Node against the build (BENCH_USE_DIST=1), or through tsx
// against the source.
import { readFileSync } from 'node:fs';

const lib = await import(process.env.BENCH_USE_DIST === '1' ? '../dist/index.js' : '../src/index.ts');

function vmHwmMiB() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

let server;
process.on('message', async (msg) => {
  switch (msg.type) {
    case 'start':
      server = await lib.startGame({
        assignment: msg.assignment,
        tickRateHz: msg.tickRateHz,
        joinTimeoutMs: 60_000,
        disconnectTimeoutMs: 30_000,
      });
      process.send({ type: 'started', port: server.port });
      break;
    case 'reset':
      server.resetTickTimes();
      process.send({ type: 'reset', stats: server.stats() });
      break;
    case 'report':
      process.send({
        type: 'report',
        stats: server.stats(),
        tickTimes: server.tickTimes(),
        connected: server.players().filter((p) => p.connected).length,
        rssMiB: process.memoryUsage().rss / 2 ** 20,
        hwmMiB: vmHwmMiB(),
      });
      break;
    case 'stop':
      await server.close();
      server = undefined;
      process.send({ type: 'stopped' });
      break;
    case 'exit':
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'hello' });
