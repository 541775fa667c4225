import { performance } from 'node:perf_hooks';
import {
  ArenaDirection,
  ClientError,
  connect,
  encodeArenaInput,
  findMatch,
  type GameSession,
  type MatchFound,
} from '@proj/client-sdk';
import { ArenaState } from './arena/arena-state.js';
import { parseKeys, type KeyAction } from './tui/keys.js';
import { shortGameId } from './tui/layout.js';
import { ansiStyle, plainStyle, renderBoard, renderGameOver, renderQueue, type QueueView } from './tui/render.js';
import { TerminalScreen, installRestoreHooks, type TerminalStreams } from './tui/terminal.js';

/** Options of the `play` command. */
export interface PlayOptions {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly mode: string | undefined;
  readonly color: boolean;
  /** Players per game of the mode (the server's K), when the player knows it: the queue screen counts down. */
  readonly perGame?: number;
  /** Frames per second at most (default 20). */
  readonly fps?: number;
}

const INPUT_REPEAT_MS = 100;

/** Thrown inside play when the player quits; not an error. */
class Quit extends Error {}

/**
 * Runs `play`: a full-screen terminal game. Shows the queue while waiting, then the board, scores, RTT and loss;
 * arrows/WASD move, space dashes, x stops, q/Esc/Ctrl-C quits. The terminal is restored on every way out.
 * Resolves with the process exit code (0 after a game over or a quit, 1 after an error, 2 without a terminal).
 */
export async function runPlay(
  options: PlayOptions,
  streams: TerminalStreams & { readonly stderr: NodeJS.WritableStream },
): Promise<number> {
  if (!streams.stdin.isTTY || !streams.stdout.isTTY) {
    streams.stderr.write('play needs an interactive terminal (stdin and stdout); for headless players use `bots`\n');
    return 2;
  }
  const screen = new TerminalScreen(streams);
  const unhook = installRestoreHooks(() => screen.restore(), streams.stderr);
  const style = options.color ? ansiStyle : plainStyle;
  const quit = new AbortController();
  let onKey: (action: KeyAction) => void = (a) => {
    if (a.kind === 'quit') quit.abort(new Quit());
  };
  screen.enter((chunk) => {
    for (const action of parseKeys(chunk)) onKey(action);
  });
  let session: GameSession | undefined;
  let frameTimer: NodeJS.Timeout | undefined;
  try {
    // ---- queue ----
    const startedAt = performance.now();
    let view: QueueView = {
      host: options.host,
      port: options.port,
      name: options.name,
      mode: options.mode,
      position: undefined,
      ...(options.perGame === undefined ? {} : { playersPerGame: options.perGame }),
      waitedMs: 0,
      phase: 'connecting',
    };
    const drawQueue = (): void =>
      screen.draw((size) => renderQueue({ ...view, waitedMs: performance.now() - startedAt }, style, size));
    drawQueue();
    frameTimer = setInterval(drawQueue, 250);
    const match: MatchFound = await findMatch({
      host: options.host,
      port: options.port,
      name: options.name,
      ...(options.mode === undefined ? {} : { mode: options.mode }),
      signal: quit.signal,
      onQueued: (q) => {
        view = { ...view, phase: 'queued', position: q.position, mode: q.mode ?? view.mode };
        drawQueue();
      },
    });
    view = {
      ...view,
      phase: 'matched',
      detail: `Joining game ${shortGameId(match.gameId)} at ${match.host}:${match.port}...`,
    };
    drawQueue();
    const s = await connect(match, { signal: quit.signal });
    session = s;
    clearInterval(frameTimer);

    // ---- game ----
    const state = new ArenaState(s.slot);
    let direction: ArenaDirection = ArenaDirection.NONE;
    let dashCounter = 0;
    let lastSent = 0;
    const sendHeld = (): void => {
      lastSent = performance.now();
      s.sendInput(encodeArenaInput({ direction, dashCounter }));
    };
    let dirty = true;
    const drawBoard = (): void => {
      dirty = false;
      screen.draw((size) =>
        renderBoard(state, { name: options.name, gameId: match.gameId, stats: s.stats(), size }, style),
      );
    };
    s.on('event', (e) => {
      state.applyEvent(e.data);
      dirty = true;
    });
    s.on('snapshot', (snap) => {
      state.applySnapshot(snap.data);
      dirty = true;
    });
    s.on('gameOver', (g) => state.applyGameOver(g));
    onKey = (a) => {
      if (a.kind === 'quit') {
        void s.close();
        quit.abort(new Quit());
        return;
      }
      if (a.kind === 'move') direction = a.direction;
      else if (a.kind === 'stop') direction = ArenaDirection.NONE;
      else if (a.kind === 'dash') dashCounter = (dashCounter + 1) & 0xff;
      else return;
      sendHeld();
    };
    sendHeld();
    let frames = 0;
    const frameMs = Math.max(10, Math.round(1000 / (options.fps ?? 20)));
    frameTimer = setInterval(() => {
      if (performance.now() - lastSent >= INPUT_REPEAT_MS) sendHeld();
      // Redraw when something changed, and at least every 500 ms for the RTT and clock.
      if (dirty || ++frames % Math.ceil(500 / frameMs) === 0) drawBoard();
    }, frameMs);
    drawBoard();
    const end = await s.waitForEnd();
    clearInterval(frameTimer);
    if (end.kind === 'closed') return 0;

    // ---- over ----
    const endText = end.kind === 'gameOver' ? undefined : `The session ended: ${end.error.message} (${end.error.code})`;
    screen.draw((size) =>
      renderGameOver(state, { gameId: match.gameId, size, ...(endText === undefined ? {} : { endText }) }, style),
    );
    await new Promise<void>((resolve) => {
      onKey = () => resolve();
    });
    return end.kind === 'gameOver' ? 0 : 1;
  } catch (error) {
    if (quit.signal.aborted) return 0;
    screen.restore();
    const text = error instanceof ClientError ? `${error.message} (${error.code})` : String(error);
    streams.stderr.write(`play: ${text}\n`);
    return 1;
  } finally {
    if (frameTimer !== undefined) clearInterval(frameTimer);
    await session?.close();
    screen.restore();
    unhook();
  }
}
