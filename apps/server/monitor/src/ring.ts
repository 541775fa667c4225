import type { MonitorPortCell, MonitorPorts } from '../../src/monitor-snapshot.js';
import { el, field, setAttr, setText } from './dom.js';
import { formatCount } from './format.js';

/** What one cell of the port ring shows: its state, its label (tooltip and accessible name), its game. */
export interface RingCellModel {
  readonly port: number;
  readonly state: MonitorPortCell['state'];
  readonly label: string;
  readonly gameId: string | undefined;
}

const STATE_WORDS: Readonly<Record<MonitorPortCell['state'], string>> = {
  free: 'free',
  'in-use': 'in use',
  quarantined: 'quarantined (cooling down after a game)',
};

/** The model of one port cell; an unknown state reads as its own name. */
export function ringCellModel(cell: MonitorPortCell): RingCellModel {
  const words = STATE_WORDS[cell.state] ?? String(cell.state);
  const gameId = cell.state === 'in-use' ? cell.gameId : undefined;
  const label = gameId === undefined ? `Port ${cell.port}: ${words}` : `Port ${cell.port}: in use by game ${gameId}`;
  return { port: cell.port, state: cell.state, label, gameId };
}

/** Whether the ring's ports (not their states) changed, so that the cells must be built again. */
export function samePorts(a: readonly number[], b: readonly MonitorPortCell[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]?.port) return false;
  return true;
}

/** Renders the port ring section (`#ring`): counts in the legend and one `li[data-port][data-state]` per port. */
export class RingView {
  readonly #list: HTMLElement;
  readonly #counts: Readonly<Record<'free' | 'in-use' | 'quarantined' | 'total', HTMLElement>>;
  #ports: number[] = [];
  #cells: HTMLLIElement[] = [];

  constructor(section: HTMLElement) {
    this.#list = field(section, 'cells');
    this.#counts = {
      free: field(section, 'free'),
      'in-use': field(section, 'in-use'),
      quarantined: field(section, 'quarantined'),
      total: field(section, 'total'),
    };
  }

  /** Updates the counts and the cells; only the cells whose state or game changed are touched. */
  render(ports: MonitorPorts): void {
    setText(this.#counts.free, formatCount(ports.free));
    setText(this.#counts['in-use'], formatCount(ports.inUse));
    setText(this.#counts.quarantined, formatCount(ports.quarantined));
    setText(this.#counts.total, formatCount(ports.total));
    if (!samePorts(this.#ports, ports.cells)) {
      this.#ports = ports.cells.map((cell) => cell.port);
      this.#cells = ports.cells.map(() => el('li', { class: 'cell' }));
      this.#list.replaceChildren(...this.#cells);
    }
    ports.cells.forEach((cell, index) => {
      const node = this.#cells[index];
      if (node === undefined) return;
      const model = ringCellModel(cell);
      setAttr(node, 'data-port', model.port);
      setAttr(node, 'data-state', model.state);
      setAttr(node, 'data-game-id', model.gameId);
      setAttr(node, 'title', model.label);
      setAttr(node, 'aria-label', model.label);
    });
  }
}
