// The pair report's five charts as persistent canvas charts (./canvasChart.ts): created once per page,
// updated in place. A live frame (same sliders, more bars) redraws only the canvases; a slider change
// refits the axes' domains. One crosshair (./crosshair.ts) and one zoom (./chartZoom.ts) span all five
// and each leg's candles and volume (./legCharts.ts). The prices show rebased (first bar = 100) or raw on
// two y axes (./rawPrices.ts).
import type {Candles} from "../lib/stream/rowCandles.js";
import {stampsKey} from "../lib/stream/writeStamps.js";
import type {GapSpan, TradeMark} from "./charts.js";
import {CanvasChart} from "./canvasChart.js";
import {card, setText} from "./chartCard.js";
import type {Layer} from "./chartLayers.js";
import {ChartZoom} from "./chartZoom.js";
import {Crosshair} from "./crosshair.js";
import {LegCharts} from "./legCharts.js";
import {pairTooltip} from "./pairTooltip.js";
import {rawPrices} from "./rawPrices.js";

export interface PairChartsData {
  time: ArrayLike<number>;
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  /** Each leg's open, high, low, close, volume and taker buy volume at the rows of `time`. */
  candles: readonly [Candles, Candles];
  gaps: readonly GapSpan[];
  /** null until a hedge is fitted. */
  spread: {spread: ArrayLike<number>; mean: ArrayLike<number>; upper: ArrayLike<number>; lower: ArrayLike<number>; title: string} | null;
  z: {z: ArrayLike<number>; entry: number; exit: number; stop: number | undefined; trades: readonly TradeMark[]; window: number} | null;
  /** y null while there are too few bars for the window. */
  correlation: {y: ArrayLike<number> | null; window: number};
  equity: {equity: ArrayLike<number>; drawdown: ArrayLike<number>} | null;
  liveBuckets: number;
  /** The first rows that changed since the previous update: of the bars, and of the derived series. */
  changed: {bars: number; series: number};
  /** Bar length: the least time span a chart shows. */
  intervalMs: number;
  keepPaints?: boolean; // drawn for a hedge switch: the derived charts keep these paints for a switch back (./paintCache.ts)
}

type CardName = "spread" | "zscore" | "correlation" | "equity";
/** How the prices card shows the legs: rebased to 100 at the first bar, or raw on two y axes. */
export type PriceView = "rebased" | "raw";
const legColors = ["#4269d0", "#efb118"] as const;
const kindColor = {long: "#22a06b", short: "#d03050", exit: "#555"} as const;
const kindSymbol = {long: "triangle", short: "diamond", exit: "circle"} as const;

export class PairCharts {
  readonly prices: CanvasChart;
  readonly spread = new CanvasChart({height: 200, marginLeft: 60});
  readonly zscore: CanvasChart;
  readonly correlation = new CanvasChart({height: 160});
  readonly equity = new CanvasChart({height: 220, marginLeft: 60});
  /** The prices card. */
  readonly top: HTMLDivElement;
  /** The four derived charts, two by two. */
  readonly grid: HTMLDivElement;
  /** The hint under the charts: how to zoom and hover, and a notice for a malformed zoom in the URL. */
  readonly hint: HTMLDivElement;
  /** Each leg's candles over its volume, two cards side by side. */
  readonly legs: LegCharts;
  readonly crosshair: Crosshair;
  readonly zoom: ChartZoom;
  private readonly pricesTitle: HTMLHeadingElement;
  private priceView: PriceView = "rebased";
  private rawKey = "";
  private unbind = () => {};
  private readonly cards: Record<CardName, ReturnType<typeof card>>;
  private data: PairChartsData | null = null;
  private key = "";
  private rows = -1;
  private warmed = false;
  /** What the correlation's series depend on (the window, the bars' interval): a hedge switch leaves it. */
  private correlationKey = "";
  /** The rows the prices were drawn from ahead of the first update (`drawBars`: their stampsKey), until that update. */
  private ahead = "";

  constructor(readonly names: [string, string]) {
    this.prices = new CanvasChart({height: 240, legend: {domain: names, range: ["#4269d0", "#efb118"]}});
    this.zscore = new CanvasChart({
      height: 220,
      legend: {domain: ["long", "short", "exit"], range: [kindColor.long, kindColor.short, kindColor.exit]},
    });
    const prices = card("prices-chart", this.prices);
    this.pricesTitle = prices.title;
    this.top = prices.card;
    this.legs = new LegCharts(names);
    this.cards = {
      spread: card("spread-chart", this.spread),
      zscore: card("zscore-chart", this.zscore),
      correlation: card("correlation-chart", this.correlation),
      equity: card("equity-chart", this.equity),
    };
    this.cards.equity.title.textContent = "Backtest equity and drawdown";
    this.grid = document.createElement("div");
    this.grid.className = "grid grid-cols-2";
    this.grid.append(...Object.values(this.cards).map((c) => c.card));
    const all = [this.prices, this.spread, this.zscore, this.correlation, this.equity, ...this.legs.charts];
    this.crosshair = new Crosshair(all, {time: () => this.data?.time ?? [], describe: (row) => pairTooltip(this.data!, names, row)});
    this.zoom = new ChartZoom(
      all,
      () => {
        const d = this.data,
          n = d?.time.length ?? 0;
        return d && n ? {from: d.time[0], to: d.time[n - 1], minSpan: 4 * d.intervalMs} : null;
        // The raw view fits its axes to the bars in view.
      },
      () => this.priceView === "raw" && this.drawPrices(false),
    );
    this.hint = document.createElement("div");
    this.hint.id = "chart-hint";
    this.hint.className = "pb-notice";
    this.hint.innerHTML = `<p>Drag across a chart to zoom in time, Shift-drag to pan, double-click to show all bars; point at a chart (or focus it and press ←/→, Esc) for every series' value at a bar. Zooming only narrows what is drawn: the statistics keep to the lookback.</p>`;
    if (this.zoom.notice) {
      const notice = document.createElement("p");
      notice.id = "zoom-notice";
      notice.textContent = this.zoom.notice;
      this.hint.append(notice);
    }
  }

  /**
   * Draws `d`. `key` names everything but the bars (sliders, hedge): when it is unchanged the update
   * is a live frame and the axes are kept while the data fit them.
   */
  update(d: PairChartsData, key: string): void {
    const live = key === this.key,
      ahead = this.ahead !== "" && this.ahead === stampsKey(d.time, d.a, d.b);
    this.data = d;
    this.key = key;
    this.ahead = "";
    const {time} = d,
      gaps: Layer[] = d.gaps.length ? [{type: "spans", spans: d.gaps, fill: "#e8590c"}] : [];
    // Every chart spans the bars' time, also one with nothing to draw yet (a window not yet filled).
    const n = time.length,
      x = {xDomain: n ? ([time[0], time[n - 1]] as [number, number]) : undefined, minSpan: d.intervalMs};
    // The prices and candles depend on the bars only: a slider that leaves the view leaves them as they are.
    if (d.changed.bars < n || n !== this.rows) {
      if (!ahead) this.drawPrices(d.changed.bars > 0);
      this.legs.update(
        {time, candles: () => d.candles, gaps: d.gaps, intervalMs: d.intervalMs, xDomain: x.xDomain},
        {live: d.changed.bars > 0, from: d.changed.bars},
      );
    }
    this.rows = n;
    // The derived series: redrawn from their first changed row while live.
    const opts = {live, from: d.changed.series, keepPaint: d.keepPaints === true};
    const c = this.cards;
    setText(c.spread.title, d.spread ? d.spread.title : "Spread");
    this.note("spread", d.spread ? null : "needs a fitted hedge");
    this.spread.update(
      {
        yLabel: "spread",
        ...x,
        layers: d.spread
          ? [
              ...gaps,
              // Bands solid and light (a dashed series is redrawn whole on every live frame, see canvasChart.ts).
              {type: "line", x: time, y: d.spread.upper, stroke: "#bbb"},
              {type: "line", x: time, y: d.spread.lower, stroke: "#bbb"},
              // The mean under the spread, thin and translucent: at small windows it follows the spread closely.
              {type: "line", x: time, y: d.spread.mean, stroke: "#ff725c", width: 1, opacity: 0.8},
              {type: "line", x: time, y: d.spread.spread, stroke: "#4269d0"},
            ]
          : [],
      },
      opts,
    );
    const z = d.z;
    this.note("zscore", z ? null : "needs a fitted hedge");
    const lim = z ? Math.max(4, (z.stop ?? 0) + 0.5) : 4;
    const rules: Layer[] = z
      ? [
          ...[z.exit, -z.exit].map((y): Layer => ({type: "rule", y, stroke: "#2a9d8f", dash: [4, 3]})),
          ...[z.entry, -z.entry].map((y): Layer => ({type: "rule", y, stroke: "#c44", dash: [4, 3]})),
          ...(z.stop !== undefined ? [z.stop, -z.stop].map((y): Layer => ({type: "rule", y, stroke: "#000", dash: [4, 3]})) : []),
        ]
      : [];
    this.zscore.update(
      {
        // The window in the title, not the axis label: a window slider then leaves the axes as they are.
        yLabel: "z-score",
        ...x,
        yDomain: [-lim, lim],
        layers: z
          ? [
              ...rules,
              {type: "line", x: time, y: z.z, stroke: "#7b3fb8"},
              {type: "dots", dots: z.trades.map((t) => ({x: t.time, y: t.z, fill: kindColor[t.kind], symbol: kindSymbol[t.kind]}))},
            ]
          : [],
      },
      opts,
    );
    setText(c.zscore.title, `z-score (${z ? `${z.window}-bar window` : "—"}), rule lines and trades`);
    c.zscore.card.setAttribute("data-live", String(d.liveBuckets));
    const r = d.correlation,
      correlationKey = `${r.window}|${d.intervalMs}|${r.y !== null}`;
    setText(c.correlation.title, `Rolling correlation of returns (${r.window} bars)`);
    this.note("correlation", r.y ? null : `needs more than ${r.window + 2} bars`);
    // The correlation of returns does not depend on the hedge: same window and bars, same values (no redraw).
    const sameCorrelation = correlationKey === this.correlationKey && d.changed.bars >= n;
    this.correlationKey = correlationKey;
    this.correlation.update(
      {yLabel: "correlation", yDomain: [-1, 1], ...x, layers: r.y ? [{type: "line", x: time, y: r.y, stroke: "#4269d0"}] : []},
      sameCorrelation && !live ? {live: true, from: n} : opts,
    );
    this.note("equity", d.equity ? null : "needs a fitted hedge");
    this.equity.update(
      {
        yLabel: "PnL (equity, drawdown shaded)",
        ...x,
        layers: d.equity
          ? [
              {type: "area", x: time, y: d.equity.drawdown, fill: "#d03050"},
              {type: "rule", y: 0, stroke: "#ccc"},
              {type: "line", x: time, y: d.equity.equity, stroke: "#22a06b"},
            ]
          : [],
      },
      opts,
    );
    this.crosshair.refresh();
    this.warm();
  }

  /**
   * Draws the prices of `d`, whose rule's series are not there yet (null): the page's first fit runs
   * meanwhile. The first `update` of the same rows (their count and write stamps) keeps them.
   */
  drawBars(d: PairChartsData): void {
    this.data = d;
    this.drawPrices(false);
    this.ahead = stampsKey(d.time, d.a, d.b);
    this.crosshair.refresh();
  }

  /** Builds the tooltip's rows at idle once the charts are drawn, not in the first pointer move. */
  private warm(): void {
    if (this.warmed || !this.data?.time.length || typeof requestIdleCallback !== "function") return;
    this.warmed = true;
    requestIdleCallback(() => this.data?.time.length && this.crosshair.warm(pairTooltip(this.data, this.names, this.data.time.length - 1)));
  }

  /** Follows `control` (the page's "prices" control, value "rebased" or "raw") from now on. */
  bindPriceView(control: EventTarget & {value: unknown}): void {
    const follow = () => this.setPriceView(control.value === "raw" ? "raw" : "rebased");
    control.addEventListener("input", follow);
    this.unbind = () => control.removeEventListener("input", follow);
    follow();
  }

  /** Shows the prices rebased to 100 or raw on two y axes (the page's "prices" control). */
  setPriceView(view: PriceView): void {
    if (view === this.priceView) return;
    this.priceView = view;
    this.drawPrices(false);
    this.crosshair.refresh();
  }

  /** Draws the prices card in its view; `live`: only bars were added (a partial redraw where possible). */
  private drawPrices(live: boolean): void {
    const d = this.data;
    if (!d) return;
    const n = d.time.length,
      gaps: Layer[] = d.gaps.length ? [{type: "spans", spans: d.gaps, fill: "#e8590c"}] : [],
      x = {xDomain: n ? ([d.time[0], d.time[n - 1]] as [number, number]) : undefined, minSpan: d.intervalMs};
    const [A, B] = this.names;
    if (this.priceView === "raw") {
      const raw = rawPrices(d.time, d.a, d.b, this.names, this.zoom?.view ?? null, {...x, gaps, colors: legColors});
      setText(this.pricesTitle, `Prices: ${A} (left axis), ${B} (right axis)`);
      this.prices.update(raw.data, {live: live && raw.key === this.rawKey, from: d.changed.bars});
      this.rawKey = raw.key;
      return;
    }
    setText(this.pricesTitle, "Prices");
    this.prices.update(
      {
        yLabel: "price (first bar = 100)",
        ...x,
        layers: [
          ...gaps,
          {type: "line", x: d.time, y: d.a, stroke: legColors[0], scale: 100 / d.a[0]},
          {type: "line", x: d.time, y: d.b, stroke: legColors[1], scale: 100 / d.b[0]},
        ],
      },
      {live, from: d.changed.bars},
    );
  }

  private note(which: CardName, text: string | null): void {
    const n = this.cards[which].note;
    if (n.hidden !== (text === null)) n.hidden = text === null;
    setText(n, text ?? "");
  }

  dispose(): void {
    for (const c of [this.prices, this.spread, this.zscore, this.correlation, this.equity]) c.dispose();
    this.legs.dispose();
    this.unbind();
  }
}
