// The orchestrator's use of a port ring, with real UDP sockets standing in for child game processes.
// Run: node_modules/.bin/tsx --conditions=@proj/source packages/port-ring/examples/udp-bind.ts
//
// Three ports, four games. "Another program" holds the first port, so binding it fails with EADDRINUSE: the port
// is quarantined and retried later, the game takes the next port, and the fourth game waits until one ends.
import { type Socket, createSocket } from 'node:dgram';
import { PortRing } from '@proj/port-ring';

const FIRST = 47_310;
const log = (line: string): void => void process.stdout.write(`${line}\n`);

function bindUdp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

/** Takes a port and binds it, quarantining ports another program holds; waits (FIFO) while none is free. */
async function startGame(ring: PortRing, name: string, signal: AbortSignal): Promise<{ port: number; socket: Socket }> {
  for (;;) {
    const port = await ring.acquire({ signal });
    try {
      const socket = await bindUdp(port);
      log(`${name}: running on port ${port}`);
      return { port, socket };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        ring.release(port);
        throw error;
      }
      log(`${name}: port ${port} is held by another program, quarantined`);
      ring.quarantine(port);
    }
  }
}

const ring = PortRing.fromRange(FIRST, FIRST + 2, { quarantineMs: 300 });
const squatter = await bindUdp(FIRST); // the "other program"
const signal = AbortSignal.timeout(5_000);

const first = await startGame(ring, 'game 1', signal); // FIRST is taken: quarantined, gets FIRST + 1
const second = await startGame(ring, 'game 2', signal); // gets FIRST + 2
const third = startGame(ring, 'game 3', signal); // nothing free: waits
const fourth = startGame(ring, 'game 4', signal); // waits behind game 3
log(`waiting=${ring.waiting} inUse=${ring.inUse} quarantined=${ring.quarantined}`);

squatter.close(); // the other program exits; FIRST comes back when its quarantine ends
first.socket.close();
ring.release(first.port); // game 1 ends: its port goes straight to game 3
const games = [second, await third, await fourth]; // game 4 gets FIRST after the quarantine
log(`ports out: ${ring.portsInUse().join(', ')}`);
for (const game of games) {
  game.socket.close();
  ring.release(game.port);
}
ring.close();
log(`done: available=${ring.available}/${ring.capacity}`);
