// The symbol page's charts (src/symbols/[symbol].md) as persistent canvas charts (./canvasChart.ts),
// created once and updated in place: candles with VWAP, Bollinger bands, volume (taker buy under taker
// sell), RSI, MACD, taker imbalance, realized volatility with its regime, and the rolling Hurst
// exponent. One crosshair (./crosshair.ts) and one zoom (./chartZoom.ts, kept in the URL) span them all.
import type {IndicatorParams, SymbolIndicators, SymbolView} from "../lib/symbolIndicators.js";
import {spansOf} from "../lib/symbolIndicators.js";
import {CanvasChart} from "./canvasChart.js";
import {candleLayer, volumeColors, volumeLayer} from "./candleLayer.js";
import type {Layer} from "./chartLayers.js";
import {ChartZoom} from "./chartZoom.js";
import {Crosshair, type TooltipValue} from "./crosshair.js";

export type SymbolChartName = "candles" | "bollinger" | "volume" | "rsi" | "macd" | "imbalance" | "volatility" | "hurst";

/** Everything a draw needs: the view, its indicators, their parameters and the interval. */
export interface SymbolChartsData {
  view: SymbolView;
  indicators: SymbolIndicators;
  params: IndicatorParams;
  intervalMs: number;
}

const regimeColor = {low: "#22a06b", high: "#d03050"} as const;

/** The last finite value of `y` (NaN when none): the card's data-last, for tests and a glance. */
function lastFinite(y: ArrayLike<number>): number {
  for (let i = y.length - 1; i >= 0; --i) if (Number.isFinite(y[i])) return y[i];
  return NaN;
}

export class SymbolCharts {
  readonly charts: Record<SymbolChartName, CanvasChart>;
  /** The cards, in page order (two per row). */
  readonly element = document.createElement("div");
  readonly hint = document.createElement("div");
  readonly crosshair: Crosshair;
  readonly zoom: ChartZoom;
  private readonly cards = {} as Record<SymbolChartName, {card: HTMLDivElement; title: HTMLHeadingElement; note: HTMLParagraphElement}>;
  private data: SymbolChartsData | null = null;
  private key = "";
  private warmed = false;

  constructor(readonly symbol: string) {
    const legend = (domain: string[], range: string[]) => ({domain, range});
    this.charts = {
      candles: new CanvasChart({height: 260, marginLeft: 64, legend: legend(["VWAP"], ["#7b3fb8"])}),
      bollinger: new CanvasChart({
        height: 220,
        marginLeft: 64,
        legend: legend(["price", "middle", "bands"], ["#4269d0", "#ff725c", "#999"]),
      }),
      volume: new CanvasChart({
        height: 140,
        marginLeft: 64,
        legend: legend(["taker buy", "taker sell"], [volumeColors.buy, volumeColors.sell]),
      }),
      rsi: new CanvasChart({height: 160}),
      macd: new CanvasChart({height: 180, marginLeft: 64, legend: legend(["MACD", "signal", "histogram"], ["#4269d0", "#efb118", "#999"])}),
      imbalance: new CanvasChart({height: 160}),
      volatility: new CanvasChart({
        height: 180,
        marginLeft: 64,
        legend: legend(["low regime", "high regime", "thresholds"], [regimeColor.low, regimeColor.high, "#555"]),
      }),
      hurst: new CanvasChart({height: 160}),
    };
    this.element.className = "grid grid-cols-2";
    this.element.id = "symbol-charts";
    for (const [name, chart] of Object.entries(this.charts) as [SymbolChartName, CanvasChart][]) {
      const card = document.createElement("div"),
        title = document.createElement("h2"),
        note = document.createElement("p");
      card.className = "card";
      card.id = `${name}-chart`;
      note.className = "pb-notice";
      note.hidden = true;
      card.append(title, chart.element, note);
      this.cards[name] = {card, title, note};
      this.element.append(card);
    }
    const all = Object.values(this.charts);
    this.crosshair = new Crosshair(all, {time: () => this.data?.view.time ?? [], describe: (row) => this.describe(row)});
    this.zoom = new ChartZoom(all, () => {
      const d = this.data,
        n = d?.view.time.length ?? 0;
      return d && n ? {from: d.view.time[0], to: d.view.time[n - 1], minSpan: 4 * d.intervalMs} : null;
    });
    this.hint.id = "chart-hint";
    this.hint.className = "pb-notice";
    this.hint.innerHTML = `<p>Drag across a chart to zoom in time, Shift-drag to pan, double-click to show all bars; point at a chart (or focus it and press ←/→, Esc) for every indicator's value at a bar.</p>`;
    if (this.zoom.notice) this.hint.append(Object.assign(document.createElement("p"), {id: "zoom-notice", textContent: this.zoom.notice}));
  }

  /** Draws `d`. `key` names everything but the bars: unchanged, the update is a live frame (axes kept). */
  update(d: SymbolChartsData, key: string): void {
    const live = key === this.key;
    ((this.data = d), (this.key = key));
    const {view: v, indicators: ind, params: p, intervalMs} = d,
      time = v.time,
      n = time.length;
    const x = {xDomain: n ? ([time[0], time[n - 1]] as [number, number]) : undefined, minSpan: intervalMs},
      gaps = spansOf(time, intervalMs, (i) => v.gap[i] === 1),
      shade: Layer[] = gaps.length ? [{type: "spans", spans: gaps, fill: "#e8590c"}] : [],
      line = (y: ArrayLike<number>, stroke: string, width?: number): Layer => ({type: "line", x: time, y, stroke, width});
    const candles = {open: v.open, high: v.high, low: v.low, close: v.close, volume: v.volume, takerBuyVolume: v.takerBuyVolume};
    const regimes: Layer[] = (["low", "high"] as const).map((r) => ({
      type: "spans",
      spans: spansOf(time, intervalMs, (i) => ind.regime[i] === r),
      fill: regimeColor[r],
      opacity: 0.12,
    }));
    const draw = (
      name: SymbolChartName,
      title: string,
      series: ArrayLike<number>,
      need: number,
      data: Omit<Parameters<CanvasChart["update"]>[0], "xDomain" | "minSpan">,
    ) => {
      const c = this.cards[name],
        last = lastFinite(series);
      if (c.title.textContent !== title) c.title.textContent = title;
      c.card.dataset.last = String(last);
      c.note.hidden = !Number.isNaN(last);
      c.note.textContent = Number.isNaN(last) ? `needs more than ${need} bars at this interval (${n} shown)` : "";
      this.charts[name].update({...x, ...data}, {live});
    };
    draw("candles", `${this.symbol}: candles and VWAP (${p.vwap > 0 ? `${p.vwap} bars` : "cumulative"})`, ind.vwap, 1, {
      yLabel: "price",
      layers: [...shade, candleLayer(time, candles, intervalMs), line(ind.vwap, "#7b3fb8")],
    });
    const b = ind.bollinger;
    draw("bollinger", `Bollinger bands (${p.bollinger} bars, ±${p.bollingerK}σ)`, b.middle, p.bollinger - 1, {
      yLabel: "price",
      layers: [...shade, line(b.upper, "#999"), line(b.lower, "#999"), line(b.middle, "#ff725c", 1), line(v.price, "#4269d0")],
    });
    draw("volume", "Volume (taker buy under taker sell)", v.volume, 0, {
      yLabel: "volume",
      layers: [...shade, volumeLayer(time, candles, intervalMs)],
    });
    draw("rsi", `RSI (${p.rsi} bars, Wilder)`, ind.rsi, p.rsi, {
      yLabel: "RSI",
      yDomain: [0, 100],
      layers: [70, 30].map((y): Layer => ({type: "rule", y, stroke: "#c44", dash: [4, 3]})).concat(line(ind.rsi, "#7b3fb8")),
    });
    const m = ind.macd;
    draw("macd", `MACD (${p.macdFast}, ${p.macdSlow}, ${p.macdSignal})`, m.macd, p.macdSlow, {
      yLabel: "MACD",
      layers: [
        {type: "area", x: time, y: m.histogram, fill: "#999"},
        {type: "rule", y: 0, stroke: "#ccc"},
        line(m.macd, "#4269d0"),
        line(m.signal, "#efb118"),
      ],
    });
    draw("imbalance", `Taker buy/sell imbalance (${p.flow} bars)`, ind.imbalance, 0, {
      yLabel: "(buy − sell) / volume",
      yDomain: [-1, 1],
      layers: [
        {type: "rule", y: 0, stroke: "#ccc"},
        {type: "area", x: time, y: ind.imbalance, fill: "#4269d0"},
      ],
    });
    draw(
      "volatility",
      `Realized volatility (${p.volatility} bars) and regime (expanding terciles, no look-ahead)`,
      ind.volatility,
      p.volatility,
      {
        yLabel: "std of log returns",
        layers: [...regimes, line(ind.lowThreshold, "#555", 1), line(ind.highThreshold, "#555", 1), line(ind.volatility, "#4269d0")],
      },
    );
    draw("hurst", `Hurst exponent (${p.hurstWindow}-bar window, lags 2–${p.hurstLag - 1})`, ind.hurst, p.hurstWindow, {
      yLabel: "Hurst",
      layers: [{type: "rule", y: 0.5, stroke: "#c44", dash: [4, 3]}, line(ind.hurst, "#22a06b")],
    });
    const lastRegime = ind.regime.at(-1) ?? null;
    this.cards.volatility.card.dataset.regime = lastRegime ?? "";
    this.crosshair.refresh();
    // The tooltip's rows and a pointer move's code, built at idle once, not in the first move (as the pair report's).
    if (this.warmed || !d.view.time.length || typeof requestIdleCallback !== "function") return;
    this.warmed = true;
    requestIdleCallback(() => this.data?.view.time.length && this.crosshair.warm(this.describe(this.data.view.time.length - 1)));
  }

  private describe(row: number): {time: number; values: TooltipValue[]; trade: string | null} {
    const d = this.data!,
      v = d.view,
      ind = d.indicators,
      regime = ind.regime[row];
    const values: TooltipValue[] = [
      {key: "open", label: "open", value: v.open[row]},
      {key: "high", label: "high", value: v.high[row]},
      {key: "low", label: "low", value: v.low[row]},
      {key: "close", label: "close", value: v.close[row]},
      {key: "vwap", label: "VWAP", value: ind.vwap[row]},
      {key: "volume", label: "volume", value: v.volume[row]},
      {key: "bollingerUpper", label: "Bollinger upper", value: ind.bollinger.upper[row]},
      {key: "bollingerLower", label: "Bollinger lower", value: ind.bollinger.lower[row]},
      {key: "rsi", label: "RSI", value: ind.rsi[row]},
      {key: "macd", label: "MACD", value: ind.macd.macd[row]},
      {key: "signal", label: "MACD signal", value: ind.macd.signal[row]},
      {key: "imbalance", label: "taker imbalance", value: ind.imbalance[row]},
      {key: "volatility", label: "volatility", value: ind.volatility[row]},
      {key: "hurst", label: "Hurst", value: ind.hurst[row]},
    ];
    return {time: v.time[row], values, trade: regime ? `${regime} volatility` : null};
  }

  dispose(): void {
    for (const c of Object.values(this.charts)) c.dispose();
  }
}
