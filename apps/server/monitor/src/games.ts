import type { MonitorGame, MonitorServerInfo } from '../../src/monitor-snapshot.js';
import { el, field, reconcileChildren, setAttr, setClass, setHidden, setText } from './dom.js';
import { DEFAULT_END_REASON, MAX_REASON_LENGTH, checkReason, requestEndGame } from './end-game.js';
import { formatDuration, formatMs, formatPercent, shortId } from './format.js';

/** Tick lateness p99 from which the cell is flagged, ms. */
export const TICK_LATE_WARN_MS = 10;
/** CPU use of one game from which the cell is flagged, % of one core. */
export const CPU_WARN_PERCENT = 80;

const COLUMNS = 11;

/** The state a game row shows: the server's, or 'ending' once an end was asked for (here or elsewhere). */
export function displayState(game: Pick<MonitorGame, 'state' | 'ending'>, endedHere: boolean): string {
  return game.ending || endedHere ? 'ending' : game.state;
}

/** A player's connection marker: 'connected', 'disconnected' or 'unknown' (not known yet). */
export function playerConnection(connected: boolean | undefined): 'connected' | 'disconnected' | 'unknown' {
  if (connected === undefined) return 'unknown';
  return connected ? 'connected' : 'disconnected';
}

const CONNECTION_WORDS = { connected: 'connected', disconnected: 'not connected', unknown: 'connection not known yet' };

interface GameRow {
  readonly id: string;
  readonly tr: HTMLTableRowElement;
  readonly cells: Readonly<Record<'mode' | 'port' | 'age' | 'tick' | 'late' | 'cpu' | 'pid', HTMLElement>>;
  /** The mode again under the id, shown instead of the mode column in a narrow window. */
  readonly modeInline: HTMLElement;
  readonly players: HTMLUListElement;
  readonly stateBadge: HTMLElement;
  readonly lateBadge: HTMLElement;
  readonly endButton: HTMLButtonElement;
  playersKey: string;
  /** The inline confirm form's row, while open. */
  confirm: ConfirmForm | undefined;
  /** A 202 came back for this game. */
  endedHere: boolean;
}

interface ConfirmForm {
  readonly tr: HTMLTableRowElement;
  readonly input: HTMLInputElement;
  readonly submit: HTMLButtonElement;
  readonly cancel: HTMLButtonElement;
  readonly error: HTMLElement;
}

/** Renders the games section (`#games`): one `tr[data-game-id]` per game, with its end button and confirm form. */
export class GamesView {
  readonly #tbody: HTMLTableSectionElement;
  readonly #empty: HTMLElement;
  readonly #count: HTMLElement;
  readonly #disabledNote: HTMLElement;
  readonly #truncated: HTMLElement;
  readonly #rows = new Map<string, GameRow>();
  #canEnd = true;
  #disabledReason = '';
  #formIds = 0;

  constructor(section: HTMLElement) {
    this.#tbody = field(section, 'rows');
    this.#empty = field(section, 'games-empty');
    this.#count = field(section, 'count');
    this.#disabledNote = field(section, 'end-disabled');
    this.#truncated = field(section, 'games-truncated');
  }

  /**
   * Updates the table to the snapshot's games (oldest first; `total` counts them all when the server cut the list);
   * open confirm forms survive the update.
   */
  render(games: readonly MonitorGame[], server: MonitorServerInfo, total: number = games.length): void {
    this.#canEnd = server.canEndGames;
    this.#disabledReason = server.endGamesDisabledReason ?? 'Ending games is not allowed from this page.';
    setHidden(this.#disabledNote, this.#canEnd);
    setText(this.#disabledNote, this.#canEnd ? '' : `Ending games is disabled: ${this.#disabledReason}`);

    const seen = new Set<string>();
    const nodes: HTMLTableRowElement[] = [];
    for (const game of games) {
      seen.add(game.id);
      let row = this.#rows.get(game.id);
      if (row === undefined) {
        row = this.#createRow(game.id);
        this.#rows.set(game.id, row);
      }
      this.#updateRow(row, game);
      nodes.push(row.tr);
      if (row.confirm !== undefined) nodes.push(row.confirm.tr);
    }
    for (const id of this.#rows.keys()) if (!seen.has(id)) this.#rows.delete(id);
    reconcileChildren(this.#tbody, nodes);
    setHidden(this.#empty, total > 0);
    setText(this.#count, total > 0 ? String(total) : '');
    const cut = total > games.length;
    setHidden(this.#truncated, !cut);
    setText(this.#truncated, cut ? `Showing the ${games.length} oldest of ${total} games; /games lists them all.` : '');
  }

  #createRow(id: string): GameRow {
    const td = (className?: string): HTMLTableCellElement =>
      el('td', className === undefined ? {} : { class: className });
    const modeInline = el('span', { class: 'mode-inline' });
    const idCell = el('th', { scope: 'row', class: 'mono', title: id }, shortId(id), modeInline);
    const cells = {
      mode: td('col-mode'),
      port: td('num mono'),
      age: td('num'),
      tick: td('num col-tick'),
      late: td('num'),
      cpu: td('num'),
      pid: td('num mono muted col-pid'),
    };
    const players = el('ul', { class: 'players' });
    const stateBadge = el('span', { class: 'badge', 'data-field': 'state' });
    const lateBadge = el(
      'span',
      {
        class: 'badge badge-late',
        'data-field': 'late',
        title: 'No word from the game child for over 2 s',
        hidden: true,
      },
      'late',
    );
    const endButton = el(
      'button',
      { type: 'button', class: 'btn btn-danger-quiet', 'data-action': 'end-game' },
      'End game',
    );
    const tr = el(
      'tr',
      { 'data-game-id': id },
      idCell,
      cells.mode,
      cells.port,
      el('td', { class: 'players-cell' }, players),
      el('td', { class: 'state-cell' }, stateBadge, lateBadge),
      cells.age,
      cells.tick,
      cells.late,
      cells.cpu,
      cells.pid,
      el('td', { class: 'actions' }, endButton),
    );
    const row: GameRow = {
      id,
      tr,
      cells,
      modeInline,
      players,
      stateBadge,
      lateBadge,
      endButton,
      playersKey: '',
      confirm: undefined,
      endedHere: false,
    };
    endButton.addEventListener('click', () => {
      if (row.confirm === undefined) this.#openConfirm(row);
      else this.#closeConfirm(row, true);
    });
    return row;
  }

  #updateRow(row: GameRow, game: MonitorGame): void {
    setText(row.cells.mode, game.mode);
    setText(row.modeInline, game.mode);
    setText(row.cells.port, String(game.port));
    setText(row.cells.age, formatDuration(game.ageMs));
    setText(row.cells.tick, game.tickRateHz === undefined ? '–' : `${game.tickRateHz} Hz`);
    setText(row.cells.late, formatMs(game.tickLateP99Ms));
    setClass(row.cells.late, 'warn', (game.tickLateP99Ms ?? 0) >= TICK_LATE_WARN_MS);
    setText(row.cells.cpu, formatPercent(game.cpuPercent));
    setClass(row.cells.cpu, 'warn', (game.cpuPercent ?? 0) >= CPU_WARN_PERCENT);
    setText(row.cells.pid, game.pid === undefined ? '–' : String(game.pid));

    const state = displayState(game, row.endedHere);
    setText(row.stateBadge, state);
    setAttr(row.stateBadge, 'data-kind', state);
    setAttr(row.tr, 'data-state', state);
    setHidden(row.lateBadge, !game.late);
    setClass(row.tr, 'is-late', game.late);

    const playersKey = JSON.stringify(game.players);
    if (playersKey !== row.playersKey) {
      row.playersKey = playersKey;
      row.players.replaceChildren(
        ...game.players.map((player) => {
          const connection = playerConnection(player.connected);
          return el(
            'li',
            {
              class: 'player',
              'data-connection': connection,
              title: `${player.name}: ${CONNECTION_WORDS[connection]}`,
            },
            el('span', { class: 'dot', 'aria-hidden': 'true' }),
            el('span', { class: 'player-name' }, player.name),
            el('span', { class: 'visually-hidden' }, ` (${CONNECTION_WORDS[connection]})`),
          );
        }),
      );
    }

    const ending = state === 'ending';
    if (ending && row.confirm !== undefined) this.#closeConfirm(row, false);
    // A game still starting cannot be ended yet (the server answers 409): its button waits for the child's ready.
    const starting = state === 'starting';
    row.endButton.disabled = !this.#canEnd || ending || starting;
    setText(row.endButton, ending ? 'Ending…' : 'End game');
    setAttr(
      row.endButton,
      'title',
      !this.#canEnd
        ? this.#disabledReason
        : starting
          ? 'The game is starting; it can be ended once it runs.'
          : undefined,
    );
    setAttr(row.endButton, 'aria-describedby', this.#canEnd ? undefined : 'end-games-disabled');
    setAttr(row.endButton, 'aria-expanded', row.confirm !== undefined ? 'true' : 'false');
    if (!this.#canEnd && row.confirm !== undefined) this.#closeConfirm(row, false);
  }

  #openConfirm(row: GameRow): void {
    const formId = `confirm-end-${++this.#formIds}`;
    const inputId = `${formId}-reason`;
    const input = el('input', {
      id: inputId,
      name: 'reason',
      type: 'text',
      value: DEFAULT_END_REASON,
      maxlength: MAX_REASON_LENGTH,
      required: true,
      autocomplete: 'off',
      spellcheck: false,
    });
    const submit = el('button', { type: 'submit', class: 'btn btn-danger', 'data-action': 'confirm-end' }, 'End game');
    const cancel = el('button', { type: 'button', class: 'btn', 'data-action': 'cancel-end' }, 'Cancel');
    const error = el('p', { class: 'form-error', role: 'alert', 'data-field': 'error' });
    const form = el(
      'form',
      { class: 'confirm-form', 'aria-label': `End game ${row.id}` },
      el('span', { class: 'confirm-question' }, 'End game ', el('b', { class: 'mono' }, shortId(row.id)), '?'),
      el('label', { for: inputId }, 'Reason'),
      input,
      submit,
      cancel,
      error,
    );
    const tr = el(
      'tr',
      { class: 'confirm-row', id: formId, 'data-confirm-for': row.id },
      el('td', { colspan: COLUMNS }, form),
    );
    const confirm: ConfirmForm = { tr, input, submit, cancel, error };
    row.confirm = confirm;
    setAttr(row.endButton, 'aria-controls', formId);
    setAttr(row.endButton, 'aria-expanded', 'true');
    row.tr.after(tr);

    cancel.addEventListener('click', () => this.#closeConfirm(row, true));
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.#closeConfirm(row, true);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#submit(row, confirm);
    });
    input.focus();
    input.select();
  }

  async #submit(row: GameRow, confirm: ConfirmForm): Promise<void> {
    const problem = checkReason(confirm.input.value);
    if (problem !== undefined) {
      setText(confirm.error, problem);
      confirm.input.focus();
      return;
    }
    setText(confirm.error, '');
    confirm.submit.disabled = true;
    confirm.cancel.disabled = true;
    setText(confirm.submit, 'Ending…');
    const outcome = await requestEndGame(row.id, confirm.input.value);
    if (row.confirm !== confirm) return; // closed meanwhile (the game went away)
    if (outcome.ok) {
      row.endedHere = true;
      this.#closeConfirm(row, false);
      setText(row.stateBadge, 'ending');
      setAttr(row.stateBadge, 'data-kind', 'ending');
      setAttr(row.tr, 'data-state', 'ending');
      row.endButton.disabled = true;
      setText(row.endButton, 'Ending…');
      return;
    }
    confirm.submit.disabled = false;
    confirm.cancel.disabled = false;
    setText(confirm.submit, 'End game');
    setText(confirm.error, outcome.message);
    confirm.input.focus();
  }

  #closeConfirm(row: GameRow, refocus: boolean): void {
    const confirm = row.confirm;
    if (confirm === undefined) return;
    row.confirm = undefined;
    confirm.tr.remove();
    setAttr(row.endButton, 'aria-expanded', 'false');
    setAttr(row.endButton, 'aria-controls', undefined);
    if (refocus && !row.endButton.disabled) row.endButton.focus();
  }
}
