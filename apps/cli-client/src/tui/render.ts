import { ArenaItemKind, ArenaPhase, type SessionStats } from '@proj/client-sdk';
import { arenaEndText, playedOut, type ArenaState } from '../arena/arena-state.js';
import { SIDE_PANEL_GAP, boardLayout, fitLine, padLine, shortGameId, wrapText, type TerminalSize } from './layout.js';

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
  /** Players per game of the mode (the server's K), when known (`play --per-game`). */
  readonly playersPerGame?: number;
  readonly waitedMs: number;
  /** 'connecting' before the queue, 'matched' once a game was found. */
  readonly phase: 'connecting' | 'queued' | 'matched';
  readonly detail?: string;
}

/** The defaults of `bots`' server options: the hint names only the options that differ. */
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 7700;

/** The command that adds `count` bots (or `<count>` when unknown) to the queue this player waits in. */
export function botsHint(v: Pick<QueueView, 'host' | 'port' | 'mode'>, count: number | undefined): string {
  const args = [
    ...(v.host === DEFAULT_HOST ? [] : ['--host', v.host]),
    ...(v.port === DEFAULT_PORT ? [] : ['--port', String(v.port)]),
    ...(v.mode === undefined ? [] : ['--mode', v.mode]),
    '--count',
    count === undefined ? '<players missing>' : String(count),
  ];
  return `pnpm bots ${args.join(' ')}`;
}

/**
 * The waiting screen: where we connect, the queue position (and how many players are missing when the mode's K
 * is known), how long we waited, and the command that fills the game with bots. Lines fit `size.columns`.
 */
export function renderQueue(v: QueueView, style: Style, size: TerminalSize = { columns: 80, rows: 24 }): string[] {
  const lines = [
    style.bold(' proj arena'),
    '',
    ` server  ${v.host}:${v.port}`,
    ` player  ${v.name}`,
    ` mode    ${v.mode ?? '(server default)'}`,
    '',
  ];
  const wrap = (text: string): string[] => wrapText(text, size.columns - 2).map((l) => ` ${l}`);
  if (v.phase === 'connecting') lines.push(' Connecting to the server...');
  else if (v.phase === 'queued') {
    const where = v.mode === undefined ? 'Queued' : `Queued for ${v.mode}`;
    const p = v.position;
    const k = v.playersPerGame;
    const missing = p !== undefined && k !== undefined && p < k ? k - p : undefined;
    if (missing !== undefined) {
      // Players who queued after this one are not counted in its position: at most `missing` are still needed.
      lines.push(
        ...wrap(`${where}: position ${p} of ${k}, waiting for up to ${missing} more player${missing === 1 ? '' : 's'}`),
      );
    } else if (p !== undefined && k !== undefined) {
      lines.push(...wrap(`${where}: position ${p} (games of ${k} players start as game servers free up)`));
    } else {
      lines.push(...wrap(`${where}: position ${p ?? '?'}, waited ${formatMs(v.waitedMs)}`));
      lines.push(
        ...wrap(
          `A game of ${v.mode ?? 'the default mode'} starts when enough players wait (the server's ready line says how many).`,
        ),
      );
    }
    if (k !== undefined) lines.push(` Waited ${formatMs(v.waitedMs)}`);
    lines.push('');
    if (missing !== undefined || k === undefined) {
      lines.push(' To fill the game with bots, run in another terminal:', `   ${botsHint(v, missing)}`);
    }
  } else lines.push(...wrap(`Match found. ${v.detail ?? ''}`));
  lines.push('', style.dim(' q or Ctrl-C to cancel'));
  return lines.map((l) => fitLine(l, size.columns));
}

/** Extra facts the board screen shows. */
export interface BoardInfo {
  readonly name: string;
  readonly gameId: string;
  readonly stats: SessionStats;
  /** The terminal's size: the screen is laid out to fit it. */
  readonly size: TerminalSize;
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

const KEYS_LINE = ' arrows/WASD move   space dash   x stop   q quit';

/** The score lines, best first, at most `max` of them (this player always among them). */
function scoreLines(state: ArenaState, style: Style, max: number): string[] {
  const ranked = [...(state.snapshot?.players ?? [])].sort((a, b) => b.score - a.score || a.slot - b.slot);
  let shown = ranked;
  if (ranked.length > max) {
    shown = ranked.slice(0, Math.max(0, max - 1));
    const mine = ranked.find((p) => p.slot === state.mySlot);
    if (mine !== undefined && !shown.includes(mine)) shown = [...shown.slice(0, -1), mine];
  }
  const lines = shown.map((p) => {
    const label = `${playerGlyph(p.slot, state.mySlot)} ${state.nameOf(p.slot)} ${p.score}`;
    return p.slot === state.mySlot ? style.bold(label) : p.connected ? label : style.dim(`${label} (away)`);
  });
  if (shown.length < ranked.length) lines.push(style.dim(`+${ranked.length - shown.length} more`));
  return lines;
}

/** The game screen: the board, scores, time, RTT and loss, recent happenings and the keys, fitted to the terminal. */
export function renderBoard(state: ArenaState, info: BoardInfo, style: Style): string[] {
  const { columns } = info.size;
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
  const header = ` ${style.bold('proj arena')}  game ${shortGameId(info.gameId)}  ${phase}  time ${time}  you: ${style.bold(style.color('@', 33))} ${info.name}`;
  const lines = [header];
  const done = (): string[] => lines.map((l) => fitLine(l, columns));
  if (rules === undefined) {
    lines.push('', ' Waiting for the game to describe the board...');
    return done();
  }
  const layout = boardLayout(rules.width, rules.height, info.size);
  if (layout.kind === 'tooSmall') {
    const { need } = layout;
    lines.push(
      '',
      ...wrapText(
        `The terminal is ${columns}x${info.size.rows}; this ${rules.width}x${rules.height} board needs at least ${need.columns}x${need.rows}.`,
        columns - 2,
      ).map((l) => ` ${l}`),
      ...wrapText(`Resize the terminal to at least ${need.columns}x${need.rows}.`, columns - 2).map(
        (l) => ` ${style.bold(l)}`,
      ),
      ...wrapText('The game goes on meanwhile; q quits.', columns - 2).map((l) => ` ${l}`),
    );
    return done();
  }
  const cell = cellAt(state, style);
  const border = ` +${'-'.repeat(rules.width)}+`;
  const board = [border];
  for (let y = 0; y < rules.height; y++) {
    let row = ' |';
    for (let x = 0; x < rules.width; x++) row += cell(x, y);
    board.push(`${row}|`);
  }
  board.push(border);
  const s = info.stats;
  const rtt = s.rttMs === undefined ? '-' : `${s.rttMs.toFixed(1)} ms`;
  const loss = `loss up ${pct(s.lossUp)} down ${pct(s.lossDown)}`;
  if (layout.kind === 'stacked') {
    lines.push(...board);
    lines.push(` scores (to ${rules.scoreToWin}): ${scoreLines(state, style, Number.MAX_SAFE_INTEGER).join('   ')}`);
    lines.push(` RTT ${rtt}   ${loss}   snapshots ${s.snapshotsReceived}`);
    lines.push(` ${style.dim(state.log.join(' | '))}`);
    lines.push(style.dim(KEYS_LINE));
    return done();
  }
  // The side panel: scores at the top, then the link, then the newest happenings, as many as the board's height
  // allows; the scores give way first (this player's stays).
  const link = [`RTT ${rtt}`, loss, `snapshots ${s.snapshotsReceived}`];
  const events = state.log.length === 0 ? [] : ['', style.dim('events'), ...state.log.map((e) => style.dim(e))];
  const room = board.length - (2 + link.length + events.length);
  const side = [
    style.bold(`scores (to ${rules.scoreToWin})`),
    ...scoreLines(state, style, Math.max(1, room)),
    '',
    ...link,
    ...events,
  ];
  const gap = ' '.repeat(SIDE_PANEL_GAP);
  board.forEach((b, i) => {
    const right = side[i];
    const left = right === undefined ? b : padLine(b, layout.boardColumns);
    const reset = left.includes('\x1b') ? '\x1b[0m' : '';
    lines.push(right === undefined ? left : `${left}${reset}${gap}${fitLine(right, layout.sideColumns)}`);
  });
  lines.push(style.dim(KEYS_LINE));
  return done();
}

/**
 * The end screen: why the game ended and the ranking, fitted to `size` (long reasons wrap; a long ranking is cut
 * with a "+N more" line, this player always shown).
 */
export function renderGameOver(
  state: ArenaState,
  info: { readonly gameId: string; readonly endText?: string; readonly size?: TerminalSize },
  style: Style,
): string[] {
  const size = info.size ?? { columns: 80, rows: 24 };
  const wrap = (text: string): string[] => wrapText(text, size.columns - 2).map((l) => ` ${l}`);
  const result = state.result;
  const lines = [` ${style.bold('GAME OVER')}  game ${shortGameId(info.gameId)}`, ''];
  const footer = ['', style.dim(' press any key to exit')];
  if (result === undefined) {
    lines.push(...wrap(info.endText ?? 'The game ended.'));
  } else {
    lines.push(...wrap(`${arenaEndText(result.arenaReason)} (${result.reasonName})`), '');
    const winner = result.standings[0];
    const verdict = !playedOut(result)
      ? wrap('The game was stopped before its end: nobody wins.')
      : winner !== undefined
        ? wrap(winner.slot === state.mySlot ? 'You win!' : `${state.nameOf(winner.slot)} wins.`)
        : [];
    const room = Math.max(1, size.rows - lines.length - footer.length - (verdict.length > 0 ? verdict.length + 1 : 0));
    const ranked = result.standings.map((st, i) => ({ st, rank: i + 1 }));
    let shown = ranked;
    if (ranked.length > room) {
      shown = ranked.slice(0, Math.max(0, room - 1));
      const mine = ranked.find((r) => r.st.slot === state.mySlot);
      if (mine !== undefined && !shown.includes(mine)) shown = [...shown.slice(0, -1), mine];
    }
    for (const { st, rank } of shown) {
      const me = st.slot === state.mySlot;
      const text = ` ${rank}. ${playerGlyph(st.slot, state.mySlot)} ${state.nameOf(st.slot)}  ${st.score}${me ? '  <- you' : ''}`;
      lines.push(me ? style.bold(text) : text);
    }
    if (shown.length < ranked.length) lines.push(style.dim(` +${ranked.length - shown.length} more`));
    if (verdict.length > 0) lines.push('', ...verdict);
  }
  lines.push(...footer);
  return lines.map((l) => fitLine(l, size.columns));
}
