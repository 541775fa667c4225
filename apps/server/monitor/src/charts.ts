import type { MonitorHistory } from '../../src/monitor-snapshot.js';
import {
  type PlotBox,
  type SeriesPoint,
  areaPath,
  bucketSamples,
  gamesPerSecondSeries,
  latest,
  linePath,
  niceCeil,
  seriesMax,
  timeDomain,
  timeToMatchSeries,
} from './chart-model.js';
import { el, field, setAttr, setText, svg } from './dom.js';
import { formatMs, formatRate, formatSpan } from './format.js';

const BOX: PlotBox = { width: 300, height: 100 };
/** The most points a chart plots: more samples are merged into buckets (a chart is a few hundred pixels wide). */
const MAX_POINTS = 120;

/** One chart's plot: an SVG stretched to its box, the y axis's top label and the x axis's two ends. */
class Plot {
  readonly svg: SVGSVGElement;
  readonly #max: HTMLElement;
  readonly #from: HTMLElement;
  readonly #to: HTMLElement;

  constructor(host: HTMLElement, label: string) {
    this.svg = svg('svg', {
      viewBox: `0 0 ${BOX.width} ${BOX.height}`,
      preserveAspectRatio: 'none',
      role: 'img',
      'aria-label': label,
    });
    for (const y of [0, BOX.height / 2]) {
      this.svg.append(svg('line', { class: 'grid', x1: 0, x2: BOX.width, y1: y, y2: y }));
    }
    this.svg.append(svg('line', { class: 'baseline', x1: 0, x2: BOX.width, y1: BOX.height, y2: BOX.height }));
    this.#max = el('span', { class: 'axis-max', 'data-field': 'y-max' });
    this.#from = el('span', { 'data-field': 'x-from' });
    this.#to = el('span', { 'data-field': 'x-to' }, 'now');
    host.replaceChildren(
      el('div', { class: 'plot-area' }, this.svg, this.#max, el('span', { class: 'axis-zero' }, '0')),
      el('div', { class: 'axis-x' }, this.#from, this.#to),
    );
  }

  path(className: string): SVGPathElement {
    const path = svg('path', { class: className, 'vector-effect': 'non-scaling-stroke' });
    this.svg.append(path);
    return path;
  }

  axes(maxLabel: string, spanMs: number, label: string): void {
    setText(this.#max, maxLabel);
    setText(this.#from, spanMs > 0 ? `${formatSpan(spanMs)} ago` : '');
    setAttr(this.svg, 'aria-label', label);
  }
}

/** Renders the history section (`#charts`): time to match p50/p99 and games started per second. */
export class ChartsView {
  readonly #span: HTMLElement;
  readonly #ttm: Plot;
  readonly #p50Path: SVGPathElement;
  readonly #p99Path: SVGPathElement;
  readonly #p50: HTMLElement;
  readonly #p99: HTMLElement;
  readonly #rate: Plot;
  readonly #rateArea: SVGPathElement;
  readonly #rateLine: SVGPathElement;
  readonly #rateNow: HTMLElement;
  #lastKey = '';

  constructor(section: HTMLElement) {
    this.#span = field(section, 'span');
    const ttmFigure = section.querySelector<HTMLElement>('[data-chart="time-to-match"]');
    const rateFigure = section.querySelector<HTMLElement>('[data-chart="games-started"]');
    if (ttmFigure === null || rateFigure === null) throw new Error('monitor page: chart figures missing');
    this.#ttm = new Plot(field(ttmFigure, 'plot'), 'Time to match');
    this.#p99Path = this.#ttm.path('line line-p99');
    this.#p50Path = this.#ttm.path('line line-p50');
    this.#p50 = field(ttmFigure, 'p50');
    this.#p99 = field(ttmFigure, 'p99');
    this.#rate = new Plot(field(rateFigure, 'plot'), 'Games started per second');
    this.#rateArea = this.#rate.path('area area-rate');
    this.#rateLine = this.#rate.path('line line-rate');
    this.#rateNow = field(rateFigure, 'rate');
  }

  /** Redraws when the samples changed (a new last sample or another count). */
  render(history: MonitorHistory): void {
    const samples = history.samples;
    const key = `${samples.length}:${samples[samples.length - 1]?.at ?? 0}:${history.intervalMs}`;
    if (key === this.#lastKey) return;
    this.#lastKey = key;

    const buckets = bucketSamples(samples, history.intervalMs, MAX_POINTS);
    const { p50, p99 } = timeToMatchSeries(buckets);
    const rate = gamesPerSecondSeries(buckets, history.intervalMs);
    const domain = timeDomain(rate, history.intervalMs);
    const first = samples[0];
    const last = samples[samples.length - 1];
    const coveredMs = first === undefined || last === undefined ? 0 : last.at - first.at + history.intervalMs;
    setText(this.#span, coveredMs > 0 ? `last ${formatSpan(coveredMs)}` : '');
    const spanMs = buckets.length > 1 ? domain.end - domain.start : 0;

    const ttmMax = niceCeil(seriesMax(p50, p99));
    this.#p50Path.setAttribute('d', linePath(p50, BOX, domain, ttmMax));
    this.#p99Path.setAttribute('d', linePath(p99, BOX, domain, ttmMax));
    const p50Now = latest(p50);
    const p99Now = latest(p99);
    setText(this.#p50, formatMs(p50Now));
    setText(this.#p99, formatMs(p99Now));
    this.#ttm.axes(
      formatMs(ttmMax),
      spanMs,
      `Time to match, ${describe(p50, formatMs, 'p50')}; ${describe(p99, formatMs, 'p99')}; axis up to ${formatMs(ttmMax)}`,
    );

    const rateMax = niceCeil(seriesMax(rate));
    this.#rateArea.setAttribute('d', areaPath(rate, BOX, domain, rateMax));
    this.#rateLine.setAttribute('d', linePath(rate, BOX, domain, rateMax));
    const rateNow = latest(rate);
    setText(this.#rateNow, rateNow === undefined ? '–' : formatRate(rateNow));
    this.#rate.axes(
      formatRate(rateMax),
      spanMs,
      `Games started per second, ${describe(rate, formatRate, 'latest')}; axis up to ${formatRate(rateMax)}`,
    );
  }
}

function describe(points: readonly SeriesPoint[], format: (value: number) => string, name: string): string {
  const now = latest(points);
  const max = seriesMax(points);
  return now === undefined ? `${name} no data` : `${name} ${format(now)} now, peak ${format(max)}`;
}
