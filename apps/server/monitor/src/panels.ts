import type { AdmissionInfo, WarmPoolInfo } from '../../src/admin-info.js';
import type { MonitorHost } from '../../src/monitor-snapshot.js';
import { el, field, reconcileChildren, setAttr, setClass, setHidden, setText, svg } from './dom.js';
import { describeAdmissionReason, formatDuration, formatMs, formatPercent } from './format.js';

/** The most warm-pool cells drawn; a larger pool shows its numbers only. */
export const MAX_POOL_CELLS = 48;
/** Host CPU (0..1) from which the meter turns amber. */
export const HOST_CPU_WARN = 0.75;
/** A heartbeat older than this is flagged, ms. */
export const HEARTBEAT_WARN_MS = 5_000;

/** The warm pool's cells: `idle` ready, then `booting`, then empty up to the target (at most MAX_POOL_CELLS). */
export function poolCells(pool: WarmPoolInfo): ('idle' | 'booting' | 'empty')[] {
  const idle = Math.max(0, pool.idle);
  const booting = Math.max(0, pool.booting);
  const count = Math.max(pool.target, idle + booting);
  if (count > MAX_POOL_CELLS) return [];
  return Array.from({ length: count }, (_, i) => (i < idle ? 'idle' : i < idle + booting ? 'booting' : 'empty'));
}

/** Renders `#warm-pool`. */
export class WarmPoolView {
  readonly #cells: HTMLElement;
  readonly #idle: HTMLElement;
  readonly #booting: HTMLElement;
  readonly #target: HTMLElement;

  constructor(section: HTMLElement) {
    this.#cells = field(section, 'pool-cells');
    this.#idle = field(section, 'idle');
    this.#booting = field(section, 'booting');
    this.#target = field(section, 'target');
  }

  render(pool: WarmPoolInfo): void {
    setText(this.#idle, String(pool.idle));
    setText(this.#booting, String(pool.booting));
    setText(this.#target, String(pool.target));
    setClass(this.#idle, 'warn', pool.target > 0 && pool.idle === 0);
    const states = poolCells(pool);
    const nodes = Array.from(this.#cells.children);
    while (nodes.length < states.length) {
      const node = el('span', { class: 'pool-cell' });
      this.#cells.append(node);
      nodes.push(node);
    }
    nodes.slice(states.length).forEach((node) => node.remove());
    states.forEach((state, i) => {
      const node = nodes[i];
      if (node !== undefined) setAttr(node, 'data-state', state);
    });
    setHidden(this.#cells, states.length === 0);
  }
}

/** Renders `#admission`. */
export class AdmissionView {
  readonly #section: HTMLElement;
  readonly #state: HTMLElement;
  readonly #reason: HTMLElement;
  readonly #cpu: HTMLElement;
  readonly #inFlight: HTMLElement;
  readonly #worst: HTMLElement;
  readonly #meter: SVGRectElement;

  constructor(section: HTMLElement) {
    this.#section = section;
    this.#state = field(section, 'admission-state');
    this.#reason = field(section, 'reason');
    this.#cpu = field(section, 'host-cpu');
    this.#inFlight = field(section, 'starts-in-flight');
    this.#worst = field(section, 'worst-tick-late');
    const meterHost = field(section, 'host-cpu-meter');
    const meter = svg('svg', { viewBox: '0 0 100 6', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
    meter.append(svg('rect', { class: 'meter-track', x: 0, y: 0, width: 100, height: 6, rx: 3 }));
    this.#meter = svg('rect', { class: 'meter-fill', x: 0, y: 0, width: 0, height: 6, rx: 3 });
    meter.append(this.#meter);
    meterHost.append(meter);
  }

  render(admission: AdmissionInfo): void {
    setAttr(this.#section, 'data-open', admission.open ? 'true' : 'false');
    setAttr(this.#section, 'data-reason', admission.reason);
    setText(this.#state, admission.open ? 'open' : 'held');
    setText(this.#reason, describeAdmissionReason(admission.reason));
    setText(this.#cpu, admission.hostCpu === undefined ? '–' : formatPercent(admission.hostCpu * 100));
    setText(this.#inFlight, String(admission.startsInFlight));
    setText(this.#worst, formatMs(admission.worstTickLateMs));
    const cpu = Math.min(1, Math.max(0, admission.hostCpu ?? 0));
    setAttr(this.#meter, 'width', Math.round(cpu * 1000) / 10);
    setClass(this.#meter, 'warn', cpu >= HOST_CPU_WARN);
  }
}

interface HostRow {
  readonly tr: HTMLTableRowElement;
  readonly heartbeat: HTMLElement;
  readonly tickets: HTMLElement;
  readonly claims: HTMLElement;
}

/** Renders `#hosts` (hidden without a shared queue): one `tr[data-instance-id]` per server. */
export class HostsView {
  readonly #section: HTMLElement;
  readonly #tbody: HTMLElement;
  readonly #rows = new Map<string, HostRow>();

  constructor(section: HTMLElement) {
    this.#section = section;
    this.#tbody = field(section, 'rows');
  }

  render(hosts: readonly MonitorHost[] | undefined): void {
    setHidden(this.#section, hosts === undefined);
    const list = hosts ?? [];
    const seen = new Set<string>();
    const nodes: HTMLTableRowElement[] = [];
    for (const host of list) {
      seen.add(host.instanceId);
      let row = this.#rows.get(host.instanceId);
      if (row === undefined) {
        row = createHostRow(host);
        this.#rows.set(host.instanceId, row);
      }
      setText(row.heartbeat, `${formatDuration(host.lastHeartbeatAgoMs)} ago`);
      setClass(row.heartbeat, 'warn', host.lastHeartbeatAgoMs >= HEARTBEAT_WARN_MS);
      setText(row.tickets, String(host.tickets));
      setText(row.claims, String(host.claims));
      nodes.push(row.tr);
    }
    for (const id of this.#rows.keys()) if (!seen.has(id)) this.#rows.delete(id);
    reconcileChildren(this.#tbody, nodes);
  }
}

function createHostRow(host: MonitorHost): HostRow {
  const heartbeat = el('td', { class: 'num' });
  const tickets = el('td', { class: 'num' });
  const claims = el('td', { class: 'num' });
  const name = el('th', { scope: 'row', class: 'mono' }, host.instanceId);
  if (host.self) name.append(' ', el('span', { class: 'badge badge-self', 'data-field': 'self' }, 'this server'));
  const tr = el(
    'tr',
    { 'data-instance-id': host.instanceId, 'data-self': host.self },
    name,
    heartbeat,
    tickets,
    claims,
  );
  return { tr, heartbeat, tickets, claims };
}
