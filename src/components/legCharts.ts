// Each leg's candlesticks with a volume panel under them (taker buy volume stacked under taker sell
// volume), as persistent canvas charts (./canvasChart.ts) at the page's interval; the pair report's
// crosshair and zoom (./pairCharts.ts) span them with the other charts.
import type {Candles} from "../lib/stream/rowCandles.js";
import {CanvasChart} from "./canvasChart.js";
import {candleLayer, volumeColors, volumeLayer} from "./candleLayer.js";
import type {GapSpan} from "./charts.js";
import type {Layer} from "./chartLayers.js";

export interface LegChartsData {
  time: ArrayLike<number>;
  /** Each leg's candles at the rows of `time`, read when drawn (the first draw waits for a frame). */
  candles: () => readonly [Candles, Candles];
  gaps: readonly GapSpan[];
  intervalMs: number;
  xDomain: [number, number] | undefined;
}

export class LegCharts {
  /** Two cards side by side: a leg's candles over its volume. */
  readonly element: HTMLDivElement;
  readonly candles: [CanvasChart, CanvasChart];
  readonly volumes: [CanvasChart, CanvasChart];
  /** The first draw while it waits for its frame; whether it was drawn. */
  private first: (() => void) | null = null;
  private drawn = false;

  constructor(readonly names: readonly [string, string]) {
    this.candles = [new CanvasChart({height: 220, marginLeft: 60}), new CanvasChart({height: 220, marginLeft: 60})];
    const legend = {domain: ["taker buy", "taker sell"], range: [volumeColors.buy, volumeColors.sell]};
    this.volumes = [new CanvasChart({height: 120, marginLeft: 60, legend}), new CanvasChart({height: 120, marginLeft: 60, legend})];
    this.element = document.createElement("div");
    this.element.className = "grid grid-cols-2";
    this.element.id = "candles";
    for (const [i, leg] of (["a", "b"] as const).entries()) {
      const card = document.createElement("div"),
        title = document.createElement("h2"),
        candles = document.createElement("div"),
        volume = document.createElement("div");
      card.className = "card";
      title.textContent = `${names[i]}: candles and volume (taker buy under taker sell)`;
      candles.id = `candles-${leg}-chart`;
      volume.id = `volume-${leg}-chart`;
      candles.append(this.candles[i].element);
      volume.append(this.volumes[i].element);
      card.append(title, candles, volume);
      this.element.append(card);
    }
  }

  /** The four charts, for the page's crosshair and zoom. */
  get charts(): CanvasChart[] {
    return [...this.candles, ...this.volumes];
  }

  /**
   * Draws `d`; `live` and `from` as for CanvasChart.update (the first row that changed). The first draw
   * waits for the next frame, so the page's main charts (drawn in the same task) show first: the legs'
   * candles (read from `d` only then) and four pairs of axes were ~300 ms of the report's first draw.
   */
  update(d: LegChartsData, opts: {live: boolean; from: number}): void {
    this.flush();
    if (this.drawn) return this.draw(d, opts);
    this.first = () => this.draw(d, opts);
    if (typeof requestAnimationFrame !== "function") return this.flush();
    requestAnimationFrame(() => setTimeout(() => this.flush(), 0));
  }

  /** Draws a first draw still waiting (before any later update, so the updates keep their order). */
  flush(): void {
    const first = this.first;
    this.first = null;
    if (first) ((this.drawn = true), first());
  }

  private draw(d: LegChartsData, opts: {live: boolean; from: number}): void {
    const gaps: Layer[] = d.gaps.length ? [{type: "spans", spans: d.gaps, fill: "#e8590c"}] : [];
    const x = {xDomain: d.xDomain, minSpan: d.intervalMs},
      candles = d.candles();
    for (const i of [0, 1]) {
      this.candles[i].update(
        {yLabel: `${this.names[i]} price`, ...x, layers: [...gaps, candleLayer(d.time, candles[i], d.intervalMs)]},
        opts,
      );
      this.volumes[i].update({yLabel: "volume", ...x, layers: [...gaps, volumeLayer(d.time, candles[i], d.intervalMs)]}, opts);
    }
  }

  dispose(): void {
    this.first = null;
    for (const c of this.charts) c.dispose();
  }
}
