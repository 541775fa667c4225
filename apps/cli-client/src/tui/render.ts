import { ArenaItemKind, ArenaPhase, type SessionStats } from '@proj/client-sdk';
import { arenaEndText, playedOut, type ArenaState } from '../arena/arena-state.js';

/** ANSI styling, or none (for plain output and tests). */
export interface Style {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly color: (s: string, code: number) => string;
}

/** Styles with ANSI SGR escapes. */
export const ansiStyle: Style = {
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
  color: (s, code) => `\x1b[${code}m${s}\x1b[39m`,
};

/** No styling at all. */
export const plainStyle: Style = { bold: (s) => s, dim: (s) => s, color: (s) => s };

const PLAYER_COLORS = [36, 35, 34, 31, 32, 33] as const;
const GLYPHS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The character that shows `slot` on the board ('@' for this player). */
export function playerGlyph(slot: number, mySlot: number): string {
  return slot === mySlot ? '@' : (GLYPHS[slot % GLYPHS.length] ?? '?');
}

function formatMs(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** What the queue screen shows. */
export interface QueueView {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly mode: string | undefined;
  /** Undefined until the first queued message. */
  readonly position: number | undefined;
  readonly waitedMs: number;
  /** 'connecting' before the queue, 'matched' once a game was found. */
  readonly phase: 'connecting' | 'queued' | 'matched';
  readonly detail?: string;
}

/** The waiting screen: where we connect, the queue position, how long we waited. */
export function renderQueue(v: QueueView, style: Style): string[] {
  const lines = [
    style.bold(' proj arena'),
    '',
    ` server  ${v.host}:${v.port}`,
    ` player  ${v.name}`,
    ` mode    ${v.mode ?? '(server default)'}`,
    '',
  ];
  if (v.phase === 'connecting') lines.push(' Connecting to the server...');
  else if (v.phase === 'queued') {
    lines.push(` In queue: position ${v.position ?? '?'}   waiting ${formatMs(v.waitedMs)}`);
  } else lines.push(` Match found. ${v.detail ?? ''}`);
  lines.push('', style.dim(' q or Ctrl-C to cancel'));
  return lines;
}

/** Extra facts the board screen shows. */
export interface BoardInfo {
  readonly name: string;
  readonly gameId: string;
  readonly stats: SessionStats;
  readonly columns: number;
}

function cellAt(state: ArenaState, style: Style): (x: number, y: number) => string {
  const snap = state.snapshot;
  const players = new Map<number, { slot: number; connected: boolean; stunned: boolean }>();
  const items = new Map<number, number>();
  const width = state.rules?.width ?? 0;
  for (const p of snap?.players ?? []) players.set(p.y * width + p.x, p);
  for (const it of snap?.items ?? []) items.set(it.y * width + it.x, it.kind);
  return (x, y) => {
    const p = players.get(y * width + x);
    if (p !== undefined) {
      const glyph = playerGlyph(p.slot, state.mySlot);
      if (p.slot === state.mySlot) return style.bold(style.color(glyph, 33));
      const c = style.color(glyph, PLAYER_COLORS[p.slot % PLAYER_COLORS.length]!);
      return p.connected ? c : style.dim(c);
    }
    const item = items.get(y * width + x);
    if (item !== undefined)
      return item === ArenaItemKind.STAR ? style.bold(style.color('*', 33)) : style.color('o', 32);
    return state.isWall(x, y) ? style.dim('#') : style.dim('.');
  };
}

/** The game screen: the board, scores, time, RTT and loss, recent happenings and the keys. */
export function renderBoard(state: ArenaState, info: BoardInfo, style: Style): string[] {
  const rules = state.rules;
  const snap = state.snapshot;
  const phase =
    snap === undefined
      ? 'waiting'
      : snap.phase === ArenaPhase.WAITING
        ? 'waiting for players'
        : snap.phase === ArenaPhase.PLAYING
          ? 'playing'
          : 'over';
  const time = snap === undefined ? '-:--' : formatMs(snap.remainingMs);
  const lines = [
    ` ${style.bold('proj arena')}  game ${info.gameId}  you: ${style.bold(style.color('@', 33))} ${info.name}   ${phase}   time ${time}`,
  ];
  if (rules === undefined) {
    lines.push('', ' Waiting for the game to describe the board...');
    return lines;
  }
  if (rules.width + 2 > info.columns) {
    lines.push('', ` The terminal is too narrow: the board needs ${rules.width + 2} columns.`);
    return lines;
  }
  const cell = cellAt(state, style);
  const border = ` +${'-'.repeat(rules.width)}+`;
  lines.push(border);
  for (let y = 0; y < rules.height; y++) {
    let row = ' |';
    for (let x = 0; x < rules.width; x++) row += cell(x, y);
    lines.push(`${row}|`);
  }
  lines.push(border);
  const ranked = [...(snap?.players ?? [])].sort((a, b) => b.score - a.score || a.slot - b.slot);
  const scores = ranked.map((p) => {
    const label = `${playerGlyph(p.slot, state.mySlot)} ${state.nameOf(p.slot)} ${p.score}`;
    return p.slot === state.mySlot ? style.bold(label) : p.connected ? label : style.dim(`${label} (away)`);
  });
  lines.push(` scores (to ${rules.scoreToWin}): ${scores.join('   ')}`);
  const s = info.stats;
  const rtt = s.rttMs === undefined ? '-' : `${s.rttMs.toFixed(1)} ms`;
  lines.push(` RTT ${rtt}   loss up ${pct(s.lossUp)} down ${pct(s.lossDown)}   snapshots ${s.snapshotsReceived}`);
  lines.push(` ${style.dim(state.log.join(' | '))}`);
  lines.push(style.dim(' arrows/WASD move   space dash   x stop   q quit'));
  return lines;
}

/** The end screen: why the game ended and the ranking. */
export function renderGameOver(
  state: ArenaState,
  info: { readonly gameId: string; readonly endText?: string },
  style: Style,
): string[] {
  const result = state.result;
  const lines = [` ${style.bold('GAME OVER')}  game ${info.gameId}`, ''];
  if (result === undefined) {
    lines.push(` ${info.endText ?? 'The game ended.'}`);
  } else {
    lines.push(` ${arenaEndText(result.arenaReason)} (${result.reasonName})`, '');
    result.standings.forEach((st, i) => {
      const me = st.slot === state.mySlot;
      const text = ` ${i + 1}. ${playerGlyph(st.slot, state.mySlot)} ${state.nameOf(st.slot)}  ${st.score}${me ? '  <- you' : ''}`;
      lines.push(me ? style.bold(text) : text);
    });
    const winner = result.standings[0];
    if (!playedOut(result)) lines.push('', ' The game was stopped before its end: nobody wins.');
    else if (winner !== undefined)
      lines.push('', winner.slot === state.mySlot ? ' You win!' : ` ${state.nameOf(winner.slot)} wins.`);
  }
  lines.push('', style.dim(' press any key to exit'));
  return lines;
}
