// The clicker race on the wire: every byte the game and its clients exchange, big-endian. Shared by the game
// (clicker-game.ts) and its clients (clicker-bot.ts), and nothing else: no dependency.

/** No winner (a game stopped before anyone reached the target with nobody ahead). */
export const NO_WINNER = 255;

/** Type byte of the reliable events. */
export const ClickerEventType = {
  /** To a (re)connecting player: its slot and the rules. */
  WELCOME: 1,
} as const;

/** The rules, as the game resolved them from its options. */
export interface ClickerRules {
  /** Presses that win (1..65,535). */
  readonly pressesToWin: number;
  /** Game length in milliseconds; at its end the best score wins. */
  readonly timeLimitMs: number;
}

/** A player's score. */
export interface ClickerScore {
  readonly slot: number;
  readonly score: number;
}

/** What a snapshot says: the time left and every seat's score, by slot. */
export interface ClickerState {
  readonly remainingMs: number;
  readonly scores: readonly ClickerScore[];
}

/** The game's result, in the `gameOver` packet: the winner (or NO_WINNER) and the standings, best first. */
export interface ClickerOutcome {
  readonly winner: number;
  readonly standings: readonly ClickerScore[];
}

/** Thrown by a decoder given bytes that are not what it decodes. */
export class ClickerCodecError extends Error {
  /** Always 'E_CLICKER_CODEC'. */
  readonly code = 'E_CLICKER_CODEC';
  constructor(message: string) {
    super(message);
    this.name = 'ClickerCodecError';
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Input: 4 bytes, the player's press counter (u32: how many times it pressed since the game began). Inputs are
 * unreliable and only the newest reaches the game each tick, so a counter (not "pressed now") loses nothing; the
 * game counts at most one new press per tick.
 */
export function encodeInput(presses: number): Uint8Array {
  const bytes = new Uint8Array(4);
  view(bytes).setUint32(0, presses >>> 0);
  return bytes;
}

/** The press counter of an input. @throws ClickerCodecError unless exactly 4 bytes. */
export function decodeInput(bytes: Uint8Array): number {
  if (bytes.length !== 4) throw new ClickerCodecError(`an input is 4 bytes, got ${bytes.length}`);
  return view(bytes).getUint32(0);
}

/** WELCOME event: type, your slot (u8), presses to win (u16), time limit in ms (u32): 8 bytes. */
export function encodeWelcome(slot: number, rules: ClickerRules): Uint8Array {
  const bytes = new Uint8Array(8);
  const v = view(bytes);
  v.setUint8(0, ClickerEventType.WELCOME);
  v.setUint8(1, slot);
  v.setUint16(2, rules.pressesToWin);
  v.setUint32(4, rules.timeLimitMs);
  return bytes;
}

/** A WELCOME event's slot and rules. @throws ClickerCodecError for anything else. */
export function decodeWelcome(bytes: Uint8Array): { readonly slot: number; readonly rules: ClickerRules } {
  if (bytes.length !== 8 || bytes[0] !== ClickerEventType.WELCOME) throw new ClickerCodecError('not a WELCOME event');
  const v = view(bytes);
  return { slot: v.getUint8(1), rules: { pressesToWin: v.getUint16(2), timeLimitMs: v.getUint32(4) } };
}

function encodeScores(header: number, first: number, scores: readonly ClickerScore[]): Uint8Array {
  const bytes = new Uint8Array(header + 1 + scores.length * 3);
  const v = view(bytes);
  if (header === 4) v.setUint32(0, first);
  else v.setUint8(0, first);
  v.setUint8(header, scores.length);
  scores.forEach((s, i) => {
    v.setUint8(header + 1 + i * 3, s.slot);
    v.setUint16(header + 2 + i * 3, Math.min(s.score, 0xffff));
  });
  return bytes;
}

function decodeScores(bytes: Uint8Array, header: number, what: string): ClickerScore[] {
  const v = view(bytes);
  if (bytes.length < header + 1) throw new ClickerCodecError(`${what} too short`);
  const count = v.getUint8(header);
  if (bytes.length !== header + 1 + count * 3) throw new ClickerCodecError(`${what}: wrong length for ${count} seats`);
  return Array.from({ length: count }, (_, i) => ({
    slot: v.getUint8(header + 1 + i * 3),
    score: v.getUint16(header + 2 + i * 3),
  }));
}

/** Snapshot: time left in ms (u32), the number of seats (u8), then per seat its slot (u8) and score (u16). */
export function encodeState(state: ClickerState): Uint8Array {
  return encodeScores(4, Math.max(0, Math.round(state.remainingMs)), state.scores);
}

/** A snapshot's state. @throws ClickerCodecError when the length does not match. */
export function decodeState(bytes: Uint8Array): ClickerState {
  const scores = decodeScores(bytes, 4, 'snapshot');
  return { remainingMs: view(bytes).getUint32(0), scores };
}

/** Result (the `gameOver` packet's data): the winner's slot (u8, NO_WINNER for none), then the standings. */
export function encodeOutcome(outcome: ClickerOutcome): Uint8Array {
  return encodeScores(1, outcome.winner, outcome.standings);
}

/** A result. @throws ClickerCodecError when the length does not match (an empty one: the game sent none). */
export function decodeOutcome(bytes: Uint8Array): ClickerOutcome {
  const standings = decodeScores(bytes, 1, 'result');
  return { winner: view(bytes).getUint8(0), standings };
}
