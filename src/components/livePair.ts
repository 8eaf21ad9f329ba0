// The pair report's charts and KPIs, kept up to date outside the page's cells. The cells call `configure` when a
// slider or the fit changes (the series are recomputed from the bars); every animation frame with new live bars goes
// straight from the feed to `PairStream`, which appends or redoes only the buckets that changed, and then to the
// canvases and the KPIs — no cell reruns, no copy of the day's bars, so a live bar reaches the z-score chart within a
// frame or two. A refit's series are computed by the fit worker (FitClient.follow/takeSeries): the main thread swaps them in.
import type {TradeMark} from "./charts.js";
import type {FitClient} from "../client/fitWorker.js";
import type {PageFeed} from "../client/pageFeed.js";
import type {PairCharts, PairChartsData} from "./pairCharts.js";
import type {PairKpis} from "./pairKpis.js";
import {type GivenSeries, PairStream, ruleKeyOf, type StreamChange, type StreamRule, type StreamView} from "../lib/stream/pairStream.js";
import {type Candles, RowCandles} from "../lib/stream/rowCandles.js";
import {stampsKey} from "../lib/stream/writeStamps.js";
import {dynamicHedgeKey} from "../lib/dynamicHedge.js";
import {hedgeSwitched, type LivePairOptions, optionsKey} from "./livePairOptions.js";

export type {LivePairOptions} from "./livePairOptions.js";

/** A recompute of every row runs in slices: this many rows at a time, new tasks after this many ms. */
const sliceRows = 8192,
  sliceMs = 20;

export class LivePair {
  readonly stream = new PairStream();
  /** Each leg's candles at the stream's rows (the candle and volume charts). */
  private readonly candles = [new RowCandles(), new RowCandles()] as const;
  /** The first row of the candles that a draw changed since they were last computed; the draws so far. */
  private candlesFrom = 0;
  private draws = 0;
  /** The rows (their stampsKey) the candles were last computed at: a draw of the same rows changed none. */
  private candlesKey = "";
  private options: LivePairOptions | null = null;
  /** The options of the latest `configure` (`options` once applied). */
  private configuredOptions: LivePairOptions | null = null;
  private version = -1;
  /** The bars' version the stream's view was built at by `rows` before the first draw (-1: none). */
  private viewVersion = -1;
  private refit = NaN;
  private paused = false;
  private stopped = false;
  private keepPaints = false; // the next draw is a hedge switch's: its paints are kept for a switch back
  private key = "";
  /** The key without what a refit changes (the hedge's values, the refit period), for the charts. */
  private chartKey = "";
  private readonly listeners = new Set<(key: string) => void>();
  private readonly stopFrames: () => void;
  /** A sliced recompute: what its slices changed so far, whether its next slice is posted, the channel posting it. */
  private due: StreamChange | null = null;
  private slicing = false;
  private readonly channel = new MessageChannel();
  /** Counts `configure` calls (and `stop`): series the worker sends for an older one are dropped. */
  private configured = 0;
  /** Options whose worker series came while paused: applied on resume (a pause holds the refit). */
  private held: (() => void) | null = null;

  /** `fitter`: the page's fit worker, which then computes a refit's series (null: all on this thread). */
  constructor(
    private readonly feed: PageFeed,
    private readonly names: readonly [string, string],
    private readonly charts: PairCharts,
    private readonly kpis: PairKpis,
    private readonly fitter: FitClient | null = null,
  ) {
    this.stopFrames = feed.frames(() => this.options && !this.paused && this.feed.bars.version !== this.version && this.refresh());
    this.channel.port2.onmessage = () => {
      this.slicing = false;
      if (this.options && this.due) this.refresh();
    };
  }

  /** The rule in use (null before the first `configure`), for what reads the stream's series. */
  get rule(): StreamRule | null {
    return this.options?.rule ?? null;
  }

  /**
   * Pauses (true) or resumes drawing live bars (the page's live switch): the feed keeps taking them,
   * and resuming draws every bar that came in meanwhile at once. `configure` still redraws (a slider).
   */
  pause(paused: boolean): void {
    this.paused = paused;
    const held = paused ? null : this.held;
    if (held) return void ((this.held = null), held());
    if (!paused && this.options && this.feed.bars.version !== this.version) this.refresh();
  }

  /**
   * The fitted bars without a new pairView: the stream's rows (time, a, b) at the feed's bars, when its
   * view is of `view` with every bar (PairStream.viewRows; before the first draw, built for it); else null.
   */
  rows(view: StreamView): {time: Float64Array; a: Float64Array; b: Float64Array} | null {
    const bars = this.feed.bars,
      [A, B] = this.names,
      since = this.version >= 0 ? this.version : this.viewVersion;
    // The stream's version stays: the next refresh redoes these buckets with the rule's series too.
    const rows = this.stream.viewRows(bars.bars(A), bars.bars(B), since >= 0 ? bars.changedSince(since) : -Infinity, view);
    if (rows && this.version < 0) ((this.viewVersion = bars.version), this.drawAhead(view.intervalMs));
    return rows;
  }

  /**
   * New options (a slider, a fit): recomputes what they change and redraws. `key` (everything but the bars) tells the
   * charts whether to keep their axes. When the fit worker computed the series of these options' rule (a refit), they
   * are taken when they come; live frames draw the previous options' series meanwhile.
   */
  configure(options: LivePairOptions): void {
    // A fit's series are under its hedge, which may not be the rule's (a fit kept from before: not refitted).
    const taken = this.fitter?.takeSeries(options.rule) ?? null,
      same = optionsKey(options) === optionsKey(this.configuredOptions);
    if (same && !taken) return; // a cell rerun (two input events): a switch's worker series on the way stays
    this.held = null;
    this.fitter?.follow(options.rule);
    // A hedge switch: the series from the series worker (computed ahead, or now), not on this thread.
    const switched = hedgeSwitched(this.configuredOptions, options),
      // Switched back: the stream keeps the series it drew under that hedge (PairStream.holds), no worker asked.
      given = (switched && !this.stream.holds(options.rule) ? this.fitter?.seriesOf(options.rule) : null) ?? taken,
      ticket = ++this.configured;
    this.configuredOptions = options;
    this.keepPaints ||= switched;
    // The other dynamic hedges but those the stream keeps (it keeps the one in use, switched away from): at
    // once after a switch, else after a pause (a slider dragged); asked once these options are drawn.
    const ahead = options.alternatives ?? [],
      prefetch = () => {
        const inUse = ruleKeyOf(options.rule),
          rules = ahead
            .map((x) => ({...options.rule, hedge: null, dynamic: x}))
            .filter((r) => ruleKeyOf(r) !== inUse && !this.stream.holds(r));
        if (this.fitter && rules.length > 0) this.fitter.prefetch(rules, switched ? 0 : 250);
      };
    if (!given) return (this.apply(options, null), void prefetch());
    const apply = (g: GivenSeries | null) => {
      if (ticket !== this.configured) return;
      if (this.paused) this.held = () => this.apply(options, g);
      else this.apply(options, g);
      prefetch();
    };
    given.then(apply, () => apply(null));
  }

  private apply(options: LivePairOptions, given: GivenSeries | null): void {
    const {view, rule, method} = options,
      h = rule.hedge,
      pinned = Number.isFinite(view.lookbackMs);
    if (pinned && options.refit !== this.refit) this.stream.rebuild();
    this.refit = options.refit;
    this.options = options;
    const sliders = [
      view.intervalMs,
      view.lookbackMs,
      method,
      rule.log,
      rule.window,
      rule.entry,
      rule.exit,
      rule.stop,
      rule.lag,
      rule.feeBps,
    ];
    this.key = [...sliders, pinned ? options.refit : "", h?.alpha, h?.beta].join("|");
    // A refit redraws the charts as a live frame does: the axes stay while the data fit them. A new pair of axes (Plot)
    // for five charts, and again at the next live bar (live axes keep headroom), were most of a refit's main-thread time.
    // A dynamic hedge's parameters too: its series taken whole (PairStream's `changed` then names no row) are redrawn whole.
    this.chartKey = [...sliders, h ? "hedge" : rule.dynamic ? dynamicHedgeKey(rule.dynamic) : "none"].join("|");
    this.refresh(given);
  }

  /**
   * Calls `listener(key)` now and after every update (key: the options', as for the charts), e.g. for
   * tables redrawn at most once a second; never while a sliced recompute is under way (the stream's
   * later rows are then the previous options'). Returns the function that stops it.
   */
  subscribe(listener: (key: string) => void): () => void {
    this.listeners.add(listener);
    if (this.options && !this.stream.pending) listener(this.key); // else when the recompute is done
    return () => void this.listeners.delete(listener);
  }

  stop(): void {
    ++this.configured;
    this.stopped = true;
    this.stopFrames();
    this.listeners.clear();
    this.channel.port1.close();
    this.channel.port2.close();
  }

  private refresh(given: GivenSeries | null = null): void {
    const o = this.options!,
      bars = this.feed.bars,
      [A, B] = this.names,
      t0 = performance.now();
    const since = this.version >= 0 ? this.version : this.viewVersion,
      changedFrom = since < 0 ? -Infinity : bars.changedSince(since);
    const changed = this.stream.update(bars.bars(A), bars.bars(B), changedFrom, o.view, o.rule, sliceRows, given);
    this.version = bars.version;
    // A recompute of every row (a refit, a slider: ~50 ms at 86,400 rows here, more on a slow machine)
    // goes on in slices of one task each, so live frames, the pointer and the sliders are served between them.
    while (this.stream.pending && performance.now() - t0 < sliceMs) this.stream.proceed(sliceRows);
    // What the slices so far changed, drawn once the last one is done.
    const d = this.due,
      due = d ? {bars: Math.min(d.bars, changed.bars), series: Math.min(d.series, changed.series)} : changed;
    // The drawing in a task of its own too when this one has had its time.
    if (this.stream.pending || (d && performance.now() - t0 > sliceMs / 2)) return void ((this.due = due), this.later());
    this.due = null;
    this.draw(due);
    for (const listener of this.listeners) listener(this.key);
  }

  /** Goes on with a sliced recompute in a task of its own (a message: no timer clamping). */
  private later(): void {
    if (this.slicing) return;
    this.slicing = true;
    this.channel.port1.postMessage(null);
  }

  private draw(changed: StreamChange): void {
    const o = this.options!,
      s = this.stream,
      n = s.length,
      r = o.rule,
      d = this.barsData(changed, o.view.intervalMs),
      time = d.time;
    const metrics = s.metrics(o.barMs),
      z = s.ruled ? s.column("z") : null;
    const marks: TradeMark[] = [];
    if (z) {
      for (const t of s.tradeList()) {
        marks.push({time: time[t.entryBar], z: z[t.entryBar], kind: t.side > 0 ? "long" : "short"});
        if (t.exitBar !== null) marks.push({time: time[t.exitBar], z: z[t.exitBar], kind: "exit"});
      }
    }
    // Assigned, not spread: a spread would read the candles' getter.
    const series: Pick<PairChartsData, "spread" | "z" | "correlation" | "equity"> = {
      spread: z
        ? {
            spread: s.column("spread"),
            mean: s.column("mean"),
            upper: s.column("upper"),
            lower: s.column("lower"),
            title: `Spread (${o.method}${r.log ? ", log prices" : ""}) with rolling mean and ±${r.entry}σ bands`,
          }
        : null,
      z: z ? {z, entry: r.entry, exit: r.exit, stop: r.stop, trades: marks, window: r.window} : null,
      correlation: {y: n > r.window + 2 ? s.column("corr") : null, window: r.window},
      equity: z ? {equity: s.column("equity"), drawdown: s.column("drawdown")} : null,
    };
    (this.charts.update(Object.assign(d, series, {keepPaints: this.keepPaints}), this.chartKey), (this.keepPaints = false));
    this.kpis.update({
      method: o.method,
      beta: r.dynamic && n ? s.column("beta")[n - 1] : r.hedge?.beta, // a dynamic hedge: the last bar's β
      zLast: z && n ? z[n - 1] : NaN,
      window: r.window,
      pnl: metrics?.totalPnl,
      trades: metrics?.trades ?? 0,
      sharpe: metrics?.sharpe,
      bars: n,
      barMs: o.barMs,
      liveBuckets: this.feed.bars.liveBuckets,
      excluded: s.excluded,
    });
  }

  /** The charts' data of the stream's rows, without the rule's series (null); the legs' candles computed when read. */
  private barsData(changed: StreamChange, intervalMs: number): PairChartsData {
    const s = this.stream,
      time = s.column("time");
    // The legs' candles when the charts read them (the leg charts draw a frame later the first time): from
    // the first row any draw of other rows (their stampsKey) changed since the last computation.
    const key = stampsKey(time, s.column("a"), s.column("b"));
    if (key === "" || key !== this.candlesKey) this.candlesFrom = Math.min(this.candlesFrom, changed.bars);
    const drawn = ++this.draws;
    let candles: [Candles, Candles] | null = null;
    const legCandles = (): [Candles, Candles] => {
      const from = this.candlesFrom;
      if (drawn === this.draws) ((this.candlesFrom = Infinity), (this.candlesKey = key)); // else a later draw's computation redoes these rows
      return [0, 1].map((i) => this.candles[i].update(this.feed.bars.bars(this.names[i]), time, intervalMs, from)) as [Candles, Candles];
    };
    const bars = {time, a: s.column("a"), b: s.column("b"), gaps: s.gaps, liveBuckets: this.feed.bars.liveBuckets, changed, intervalMs};
    return {
      ...bars,
      ...{spread: null, z: null, correlation: {y: null, window: 0}, equity: null},
      get candles() {
        return (candles ??= legCandles());
      },
    };
  }

  /**
   * The prices, then the legs' candles, from the view `rows` built before the first draw, in tasks of their
   * own once the first fit is sent: they overlap the fit worker's series (prices: ~250 ms under load,
   * bench/notebookProfile.ts), not follow them; the first draw keeps both (PairCharts.drawBars, candlesKey).
   */
  private drawAhead(intervalMs: number): void {
    const due = () => this.version < 0 && !this.stopped && this.stream.length > 0;
    setTimeout(() => {
      const d = due() ? this.barsData({bars: 0, series: 0}, intervalMs) : null;
      if (d) (this.charts.drawBars(d), setTimeout(() => due() && d.candles, 0));
    }, 0);
  }
}
