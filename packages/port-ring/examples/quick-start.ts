// The README's quick start, runnable:
//   node_modules/.bin/tsx --conditions=@proj/source packages/port-ring/examples/quick-start.ts
import { PortRing, PortRingError } from '@proj/port-ring';

const ring = PortRing.fromRange(7000, 7001); // two ports: 7000 and 7001

const a = ring.tryAcquire(); // 7000 (O(1), no allocation)
const b = await ring.acquire(); // 7001, at once: a port is free
const waiting = ring.acquire({ signal: AbortSignal.timeout(5_000) }); // none free: waits, FIFO

ring.release(a!); // 7000 goes straight to the waiter
const c = await waiting; // 7000

ring.release(c);
try {
  ring.release(c); // a double release is a bug: it throws, and the ring is unchanged
} catch (error) {
  if (error instanceof PortRingError) process.stdout.write(`${error.code}: ${error.message}\n`); // E_ALREADY_FREE
}

// A child failed to bind port `b` (EADDRINUSE): set it aside; it comes back by itself after 2 s.
ring.quarantine(b, { ms: 2_000 });
process.stdout.write(
  `capacity=${ring.capacity} available=${ring.available} inUse=${ring.inUse} quarantined=${ring.quarantined}\n`,
);
ring.close(); // ends quarantines and rejects waiters; the process exits (timers are unref'ed anyway)
