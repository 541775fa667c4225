import {
  ArenaDirection,
  ArenaEventType,
  ClientError,
  connect,
  decodeArenaEvent,
  decodeArenaSnapshot,
  encodeArenaInput,
  findMatch,
} from '@proj/client-sdk';

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());

try {
  // 1. Matchmaking over TCP: resolves when the orchestrator found a game (the TCP connection is then closed).
  const match = await findMatch({
    host: process.env.GAME_HOST ?? '127.0.0.1',
    port: Number(process.env.GAME_PORT ?? 7700),
    name: process.env.GAME_NAME ?? 'ada',
    mode: process.env.GAME_MODE, // undefined: the server's default mode
    signal: stop.signal, // abort = leave the queue
    onQueued: ({ position }) => console.log(`in queue, position ${position}`),
  });

  // 2. Join the game over UDP with the signed token (resent with backoff until the child answers).
  const session = await connect(match, { signal: stop.signal });
  stop.signal.addEventListener('abort', () => void session.close());

  const me = session.slot;
  session.on('event', ({ data }) => {
    const event = decodeArenaEvent(data); // reliable: each once, in order
    if (event.type === ArenaEventType.WELCOME) console.log(`board ${event.width}x${event.height}`);
  });
  session.on('snapshot', ({ data }) => {
    const state = decodeArenaSnapshot(data); // unreliable: only newer ones arrive
    const mine = state.players.find((p) => p.slot === me);
    const item = state.items[0];
    if (mine === undefined || item === undefined) return;
    const direction =
      item.x > mine.x
        ? ArenaDirection.RIGHT
        : item.x < mine.x
          ? ArenaDirection.LEFT
          : item.y > mine.y
            ? ArenaDirection.DOWN
            : ArenaDirection.UP;
    session.sendInput(encodeArenaInput({ direction, dashCounter: 0 }));
  });

  // 3. The end: game over (its reason and results), or an error saying why not.
  const over = await session.waitForGameOver();
  const results = decodeArenaEvent(over.data);
  if (results.type === ArenaEventType.GAME_OVER)
    console.log(`game over (${over.reasonName}), standings`, results.standings);
  const { rttMs, lossUp, lossDown } = session.stats();
  console.log(
    `rtt ${rttMs?.toFixed(1)} ms, loss ${(lossUp * 100).toFixed(1)}% up, ${(lossDown * 100).toFixed(1)}% down`,
  );
} catch (error) {
  if (!(error instanceof ClientError)) throw error;
  process.exitCode = stop.signal.aborted ? 130 : 1;
  switch (error.code) {
    case 'E_SERVER_FULL':
    case 'E_SHUTTING_DOWN':
      console.error('server unavailable, try later or elsewhere:', error.wireName);
      break;
    case 'E_SERVER_TIMEOUT':
      console.error('the game server went away:', error.message);
      break;
    case 'E_ABORTED': // Ctrl-C while finding or joining the match
    case 'E_SESSION_CLOSED': // Ctrl-C while playing (we closed the session)
      break;
    default:
      console.error(`${error.code}: ${error.message}`);
  }
}
