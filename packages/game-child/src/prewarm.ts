import { randomBytes } from 'node:crypto';
import { GAME_SECRET_BYTES, IPC_VERSION, parseParentToChildMessage, signConnectToken, verifyConnectToken, type GameAssignment } from '@proj/protocol';
import { startGame } from './start-game.js';

/**
 * Pays a fresh process's first-use costs before it has a game: one `start` message parsed and validated, one
 * token signed and verified, and one throwaway arena game on an ephemeral loopback port (started and stopped at
 * once, no player, nothing sent).
 *
 * Why: the first `startGame` of a process takes about 10 ms more than the next ones (measured: ~12 ms, then
 * ~2.5 ms), nearly all of it Node compiling its own internal modules on first use (dgram, crypto, net's
 * address parsing) and our code running cold. A warm child that has done this once answers `start` with
 * `ready` that much sooner, which is the whole point of a warm pool. It only ever uses the built-in arena, never
 * a studio's own Game, so no game code with side effects runs for nothing. Never rejects.
 */
export async function prewarmChild(): Promise<void> {
  const secret = randomBytes(GAME_SECRET_BYTES);
  const assignment: GameAssignment = {
    gameId: 'prewarm',
    mode: 'prewarm',
    bindHost: '127.0.0.1',
    port: 0,
    players: [{ slot: 0, name: 'prewarm' }],
    secretBase64: secret.toString('base64'),
    tokenExpiresAt: Date.now() + 60_000,
  };
  // Each step on its own: a failed one costs only its speed-up (the real game reports its own errors).
  ignoreErrors(() => {
    // The path a real `start` takes: JSON as it comes over IPC, then its validation (which wants a real port).
    const start = { type: 'start', ipcVersion: IPC_VERSION, game: { ...assignment, port: 1 } };
    parseParentToChildMessage(JSON.parse(JSON.stringify(start)));
  });
  ignoreErrors(() => {
    const token = signConnectToken({ gameId: assignment.gameId, slot: 0, expiresAt: assignment.tokenExpiresAt }, secret);
    verifyConnectToken(token, secret);
  });
  try {
    const server = await startGame({ assignment, lingerMs: 0 });
    await server.stop('shutdown', 0);
    await server.closed;
  } catch {
    // As above: only the speed-up is lost.
  }
}

function ignoreErrors(step: () => void): void {
  try {
    step();
  } catch {
    // See prewarmChild.
  }
}
