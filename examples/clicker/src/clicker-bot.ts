import { connect, findMatch } from '@proj/client-sdk';
import {
  type ClickerOutcome,
  type ClickerRules,
  type ClickerState,
  decodeOutcome,
  decodeState,
  decodeWelcome,
  encodeInput,
} from './clicker-codec.js';

/** What {@link playClicker} needs. */
export interface ClickerBotOptions {
  /** The server's TCP address. */
  readonly host: string;
  readonly port: number;
  /** The player's name (the server may refuse a bad one). */
  readonly name: string;
  /** The mode that plays the clicker (default: the server's default mode). */
  readonly mode?: string;
  /** Presses on one snapshot out of `pace` (default 1: every tick, as fast as counts). */
  readonly pace?: number;
  /** Called with every snapshot's state (time left, scores). */
  readonly onState?: (state: ClickerState) => void;
  /** Aborting leaves the queue, or the game. */
  readonly signal?: AbortSignal;
}

/** How a bot's game went. */
export interface ClickerBotReport {
  /** The bot's seat. */
  readonly slot: number;
  /** The rules, from the game's WELCOME event (undefined if the game ended before it arrived). */
  readonly rules: ClickerRules | undefined;
  /** The game over's reason name ('COMPLETED', 'SERVER_SHUTDOWN', ...). */
  readonly reasonName: string;
  /** The result the game sent with its game over (undefined: it sent none). */
  readonly outcome: ClickerOutcome | undefined;
  /** True when the bot won. */
  readonly won: boolean;
}

/**
 * A headless player: finds a match in `mode`, joins it, presses once per `pace` snapshots it receives (at most once
 * per tick counts anyway) until the game is over, and returns what happened. Rejects with the client SDK's ClientError
 * when it cannot play (server full, gone: E_SERVER_TIMEOUT, aborted: E_ABORTED / E_SESSION_CLOSED).
 */
export async function playClicker(options: ClickerBotOptions): Promise<ClickerBotReport> {
  const { signal } = options;
  const match = await findMatch({
    host: options.host,
    port: options.port,
    name: options.name,
    ...(options.mode !== undefined ? { mode: options.mode } : {}),
    ...(signal !== undefined ? { signal } : {}),
  });
  const session = await connect(match, signal !== undefined ? { signal } : {});
  const abort = (): void => void session.close();
  signal?.addEventListener('abort', abort);
  let rules: ClickerRules | undefined;
  const pace = Math.max(1, Math.floor(options.pace ?? 1));
  let snapshots = 0;
  let presses = 0;
  session.on('event', ({ data }) => {
    rules = decodeWelcome(data).rules;
  });
  session.on('snapshot', ({ data }) => {
    options.onState?.(decodeState(data));
    if (++snapshots % pace !== 0) return;
    presses += 1;
    session.sendInput(encodeInput(presses));
  });
  try {
    const over = await session.waitForGameOver();
    const outcome = over.data.length === 0 ? undefined : decodeOutcome(over.data);
    return {
      slot: session.slot,
      rules,
      reasonName: over.reasonName,
      outcome,
      won: outcome !== undefined && outcome.winner === session.slot,
    };
  } finally {
    signal?.removeEventListener('abort', abort);
    await session.close();
  }
}
