import { performance } from 'node:perf_hooks';
import {
  ClientError,
  ClientErrorCode,
  connect,
  encodeArenaInput,
  findMatch,
  type ArenaInput,
  type ConnectOptions,
  type GameSession,
  type MatchFound,
  type QueueStatus,
  type SessionEnd,
  type SessionStats,
} from '@proj/client-sdk';
import { ArenaState, arenaEndText, playedOut, type ArenaResult } from './arena/arena-state.js';
import { BotBrain } from './arena/bot-brain.js';

/** What a bot needs to find a match and play it. */
export interface BotRun {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly mode?: string | undefined;
  /** Stops the bot: cancels the search or leaves the game. */
  readonly signal?: AbortSignal;
  /** Resend the held input at least this often (ms), default 100. */
  readonly inputIntervalMs?: number;
  readonly connectOptions?: ConnectOptions;
  readonly onQueued?: (status: QueueStatus) => void;
  readonly onMatch?: (match: MatchFound) => void;
  readonly onPlaying?: (session: GameSession) => void;
  readonly random?: () => number;
}

/** How one bot's game went. */
export interface BotOutcome {
  readonly name: string;
  /** Hello -> match-found, ms. */
  readonly timeToMatchMs: number | undefined;
  /** Hello -> first snapshot, ms. */
  readonly timeToGameMs: number | undefined;
  /**
   * Opening the TCP connection -> the first `queued` frame, ms: how long the orchestrator took to accept the
   * player and answer its hello (undefined when no `queued` frame came). It starts before the TCP handshake, so a
   * full accept queue (SYNs dropped and resent) counts too.
   */
  readonly connectToQueuedMs: number | undefined;
  readonly gameId: string | undefined;
  readonly slot: number | undefined;
  /** Set when the game ended with gameOver. */
  readonly result: ArenaResult | undefined;
  readonly end: SessionEnd['kind'] | undefined;
  readonly stats: SessionStats | undefined;
  /**
   * Set when the bot failed: a ClientError, any other error wrapped with code 'E_UNEXPECTED', or a game over
   * that was not played out (stopped by the server, players left...) as 'E_GAME_<GameOverReason>', such as
   * 'E_GAME_SERVER_SHUTDOWN' (`result` then holds the standings so far).
   */
  readonly error: { readonly code: string; readonly message: string } | undefined;
}

function sameInput(a: ArenaInput | undefined, b: ArenaInput): boolean {
  return a !== undefined && a.direction === b.direction && a.dashCounter === b.dashCounter;
}

function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof ClientError) return { code: error.code, message: error.message };
  return { code: 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}

/**
 * One headless player: finds a match, connects, and plays the arena with {@link BotBrain} until the session
 * ends. Never rejects: failures are reported in the outcome's `error`.
 */
export async function runBot(run: BotRun): Promise<BotOutcome> {
  const startedAt = performance.now();
  let match: MatchFound | undefined;
  let session: GameSession | undefined;
  let firstSnapshotAt: number | undefined;
  let helloAt = startedAt;
  let firstQueuedAt: number | undefined;
  const outcome = (extra: Partial<BotOutcome>): BotOutcome => ({
    name: run.name,
    timeToMatchMs: match?.timeToMatchMs,
    timeToGameMs: firstSnapshotAt === undefined ? undefined : firstSnapshotAt - helloAt,
    connectToQueuedMs: firstQueuedAt === undefined ? undefined : firstQueuedAt - startedAt,
    gameId: match?.gameId,
    slot: match?.slot,
    result: undefined,
    end: undefined,
    stats: session?.stats(),
    error: undefined,
    ...extra,
  });
  try {
    match = await findMatch({
      host: run.host,
      port: run.port,
      name: run.name,
      ...(run.mode === undefined ? {} : { mode: run.mode }),
      ...(run.signal === undefined ? {} : { signal: run.signal }),
      onQueued: (status) => {
        firstQueuedAt ??= performance.now();
        run.onQueued?.(status);
      },
    });
    helloAt = performance.now() - match.timeToMatchMs;
    run.onMatch?.(match);
    session = await connect(match, {
      ...run.connectOptions,
      ...(run.signal === undefined ? {} : { signal: run.signal }),
    });
    const s = session;
    const state = new ArenaState(s.slot);
    const brain = new BotBrain(run.random);
    const interval = run.inputIntervalMs ?? 100;
    let held: ArenaInput | undefined;
    let sentAt = 0;
    s.on('event', (e) => state.applyEvent(e.data));
    s.on('gameOver', (g) => state.applyGameOver(g));
    s.on('snapshot', (snap) => {
      firstSnapshotAt ??= performance.now();
      state.applySnapshot(snap.data);
      const input = brain.decide(state);
      if (input === undefined) return;
      const now = performance.now();
      if (!sameInput(held, input) || now - sentAt >= interval) {
        held = input;
        sentAt = now;
        s.sendInput(encodeArenaInput(input));
      }
    });
    run.onPlaying?.(s);
    const onAbort = (): void => void s.close();
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const end = await s.waitForEnd();
    run.signal?.removeEventListener('abort', onAbort);
    const result = state.result;
    const error =
      end.kind === 'failed' || end.kind === 'disconnected'
        ? describeError(end.error)
        : end.kind === 'closed' && run.signal?.aborted === true
          ? describeError(new ClientError(ClientErrorCode.ABORTED, 'stopped while playing'))
          : result !== undefined && !playedOut(result)
            ? {
                code: `E_GAME_${result.reasonName}`,
                message: `the game ended before its end: ${result.reasonName} (${arenaEndText(result.arenaReason)})`,
              }
            : undefined;
    return outcome({ result, end: end.kind, stats: s.stats(), error });
  } catch (error) {
    await session?.close();
    return outcome({ error: describeError(error) });
  }
}
