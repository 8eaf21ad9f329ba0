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
  /** The first draw's steps not yet run (each runs in a task of its own); whether the first draw began. */
  private steps: (() => void)[] | null = null;
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
   * waits for the next frame, so the page's main charts (drawn in the same task) show first, and then
   * goes in five tasks (the legs' candles, read from `d` only then; each of the four charts), so no
   * task of ~300 ms (candles and four pairs of axes at 86,400 bars) holds the pointer or the next frame up.
   */
  update(d: LegChartsData, opts: {live: boolean; from: number}): void {
    this.flush();
    if (this.drawn) return this.draw(d, opts);
    this.drawn = true;
    let layers: ReturnType<LegCharts["layers"]> | null = null;
    const x = {xDomain: d.xDomain, minSpan: d.intervalMs};
    this.steps = [
      () => void (layers = this.layers(d)),
      ...[0, 1].flatMap((i) => [
        () => this.candles[i].update({yLabel: `${this.names[i]} price`, ...x, layers: layers![i].candles}, opts),
        () => this.volumes[i].update({yLabel: "volume", ...x, layers: layers![i].volume}, opts),
      ]),
    ];
    if (typeof requestAnimationFrame !== "function") return this.flush();
    requestAnimationFrame(() => setTimeout(() => this.step(), 0));
  }

  /** Runs the first draw's steps still waiting (before any later update, so the updates keep their order). */
  flush(): void {
    const steps = this.steps;
    this.steps = null;
    for (const step of steps ?? []) step();
  }

  /** Runs the first draw's next step, and schedules the one after it. */
  private step(): void {
    const next = this.steps?.shift();
    if (!next) return;
    next();
    if (this.steps?.length) setTimeout(() => this.step(), 0);
    else this.steps = null;
  }

  /** Each leg's layers: its candles (or volume bars) over the gaps' spans. */
  private layers(d: LegChartsData): {candles: Layer[]; volume: Layer[]}[] {
    const gaps: Layer[] = d.gaps.length ? [{type: "spans", spans: d.gaps, fill: "#e8590c"}] : [];
    const candles = d.candles();
    return [0, 1].map((i) => ({
      candles: [...gaps, candleLayer(d.time, candles[i], d.intervalMs)],
      volume: [...gaps, volumeLayer(d.time, candles[i], d.intervalMs)],
    }));
  }

  private draw(d: LegChartsData, opts: {live: boolean; from: number}): void {
    const x = {xDomain: d.xDomain, minSpan: d.intervalMs},
      layers = this.layers(d);
    for (const i of [0, 1]) {
      this.candles[i].update({yLabel: `${this.names[i]} price`, ...x, layers: layers[i].candles}, opts);
      this.volumes[i].update({yLabel: "volume", ...x, layers: layers[i].volume}, opts);
    }
  }

  dispose(): void {
    this.steps = null;
    for (const c of this.charts) c.dispose();
  }
}
