// The symbol page's charts kept up to date outside the page's cells, as ./livePair.ts does for a pair:
// the cells call `configure` when a control changes, and every animation frame with new live bars from
// the recorder recomputes the view and its indicators (src/lib/symbolIndicators.ts, a few ms at 86,400
// bars) and redraws the canvases, with no cell rerun. The recompute is whole, not incremental: live
// redraws are spaced by four times the last one's cost, so the page stays responsive on long views
// (at most a fifth of the main thread).
import type {PageFeed} from "../client/pageFeed.js";
import {type IndicatorParams, type SymbolIndicators, symbolIndicators, type SymbolView, symbolView} from "../lib/symbolIndicators.js";
import type {SymbolCharts} from "./symbolCharts.js";

export interface LiveSymbolOptions {
  intervalMs: number;
  /** Infinity: all bars, live ones included. */
  lookbackMs: number;
  params: IndicatorParams;
}

export class LiveSymbol {
  private options: LiveSymbolOptions | null = null;
  private version = -1;
  private paused = false;
  private key = "";
  private readonly listeners = new Set<(view: SymbolView, indicators: SymbolIndicators) => void>();
  private readonly stopFrames: () => void;
  private last: {view: SymbolView; indicators: SymbolIndicators} | null = null;
  /** performance.now() before which a live frame waits; the timer that then draws it. */
  private nextAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly feed: PageFeed,
    private readonly symbol: string,
    private readonly charts: SymbolCharts,
  ) {
    this.stopFrames = feed.frames(() => this.frame());
  }

  /** New controls: recompute and redraw (the charts refit their axes). */
  configure(options: LiveSymbolOptions): void {
    this.options = options;
    this.key = JSON.stringify(options, (_, v: unknown) => (v === Infinity ? "all" : v));
    this.refresh();
  }

  /** Pauses (true) or resumes drawing live bars; resuming draws what came in meanwhile. */
  pause(paused: boolean): void {
    this.paused = paused;
    if (!paused && this.options && this.feed.bars.version !== this.version) this.refresh();
  }

  /** Calls `listener` now (if drawn) and after every redraw; returns the function that stops it. */
  subscribe(listener: (view: SymbolView, indicators: SymbolIndicators) => void): () => void {
    this.listeners.add(listener);
    if (this.last) listener(this.last.view, this.last.indicators);
    return () => void this.listeners.delete(listener);
  }

  stop(): void {
    this.stopFrames();
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  private frame(): void {
    if (!this.options || this.paused || this.feed.bars.version === this.version || this.timer !== undefined) return;
    const wait = this.nextAt - performance.now();
    if (wait <= 0) return this.refresh();
    this.timer = setTimeout(() => ((this.timer = undefined), this.frame()), wait);
  }

  private refresh(): void {
    const o = this.options!,
      started = performance.now();
    this.version = this.feed.bars.version;
    const view = symbolView(this.feed.bars.bars(this.symbol), o),
      indicators = symbolIndicators(view, o.params);
    this.last = {view, indicators};
    this.charts.update({view, indicators, params: o.params, intervalMs: o.intervalMs}, this.key);
    for (const listener of this.listeners) listener(view, indicators);
    const now = performance.now();
    this.nextAt = now + 4 * (now - started);
  }
}
