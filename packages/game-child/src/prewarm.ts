import {
  CHALLENGE_COOKIE_BYTES,
  GAME_SECRET_BYTES,
  IPC_VERSION,
  parseParentToChildMessage,
  signConnectToken,
  verifyConnectToken,
  type GameAssignment,
} from '@proj/protocol';
import { nodeCrypto } from '@proj/protocol/internal';
import { sameCookie } from './challenges.js';
import { startGame } from './start-game.js';

/**
 * Pays a fresh process's first-use costs before it has a game: one `start` message parsed and validated, and
 * one throwaway arena game on an ephemeral loopback port (started and stopped at once, no player, nothing sent).
 *
 * Why: the first `startGame` of a process takes about 10 ms more than the next ones (measured: ~12 ms, then
 * ~2.5 ms), nearly all of it Node compiling its own internal modules on first use (dgram, net's address
 * parsing) and our code running cold. A warm child that has done this once answers `start` with `ready` that
 * much sooner, which is the whole point of a warm pool. It only ever uses the built-in arena, never a studio's
 * own Game, so no game code with side effects runs for nothing. It leaves node:crypto unloaded (about 1 MiB
 * of RSS an idle child does without): {@link prewarmTokens} does that part once the child has a game.
 * Never rejects.
 */
export async function prewarmChild(): Promise<void> {
  // No key material needed (and none drawn, which would load node:crypto): this game is bound to loopback for about
  // a millisecond, stopped before its first tick, and no token for it is ever signed.
  const secret = Buffer.alloc(GAME_SECRET_BYTES, 0x5a);
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
  try {
    const server = await startGame({ assignment, lingerMs: 0 });
    await server.stop('shutdown', 0);
    await server.closed;
  } catch {
    // As above: only the speed-up is lost.
  }
}

/**
 * Loads node:crypto and runs the join path's crypto once: a throwaway token (random secret) signed and
 * verified, and one challenge cookie made and compared. A game child calls it right after it reported
 * `ready`: its players' first datagrams are then at least a round trip away (match-found over TCP, then
 * UDP), so the ~3 ms this takes in a fresh process overlaps that wait instead of delaying the first join.
 * Never throws.
 */
export function prewarmTokens(): void {
  ignoreErrors(() => {
    const crypto = nodeCrypto();
    const secret = crypto.randomBytes(GAME_SECRET_BYTES);
    const token = signConnectToken({ gameId: 'prewarm', slot: 0, expiresAt: Date.now() + 60_000 }, secret);
    verifyConnectToken(token, secret);
    const cookie = new Uint8Array(crypto.randomBytes(CHALLENGE_COOKIE_BYTES));
    sameCookie(cookie, cookie);
  });
}

function ignoreErrors(step: () => void): void {
  try {
    step();
  } catch {
    // See prewarmChild and prewarmTokens.
  }
}
