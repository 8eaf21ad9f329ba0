// The pair report's expensive statistics off the main thread: the hedge of the chosen method, the full
// fit (five hedges, ADF, Engle-Granger, Johansen), the hedge table's rows, and per rule the report and
// the hedges' Sharpes. At 86,400 bars the fit takes ~1.5 s; in a Web Worker the charts and sliders stay
// responsive meanwhile. Framework 1.13 does not bundle workers, so this module is its own worker
// script: imported by a page it exports `FitClient`, which starts `new Worker(import.meta.url)`; run
// as a worker it answers requests. Its imports are plain modules of src/lib (hedges from src/lib/report), which
// resolve in a worker exactly as in the page (same URLs, built or previewed, no network).
// Where a Worker cannot start (or fails), the same functions run on the main thread after a yield.
// A fit can also compute the page's rule series over the fitted rows under the new hedge (a refit:
// ruleSeries), which the page's PairStream takes as they are instead of recomputing them; a hedge
// switch's series come from a second worker of this module (./seriesClient.ts). Requests: ./fitHandler.ts.
import type {GivenSeries, StreamRule} from "../lib/stream/pairStream.js";
import {ruleKeyOf} from "../lib/stream/pairStream.js";
import type {RuleSeries} from "../lib/stream/ruleSeries.js";
import type {PairReportOptions} from "../lib/pairReport.js";
import {
  type FitRequest,
  type FitSummary,
  handle,
  type Hedge,
  keptFits,
  newState,
  type WorkerReply,
  type WorkerRequest,
  type RuleResult,
} from "./fitHandler.js";
import {SeriesClient} from "./seriesClient.js";

const inWorker =
  typeof document === "undefined" && typeof self !== "undefined" && typeof (self as {postMessage?: unknown}).postMessage === "function";
if (inWorker) {
  const state = newState();
  self.onmessage = (event: MessageEvent<WorkerRequest>) => handle(event.data, state, (r, transfer = []) => self.postMessage(r, {transfer}));
}

/** How long a `rule` request waits for a newer one before it is sent (a slider moved again within it replaces it). */
const ruleRestMs = 150;

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

/**
 * The page's handle on the worker. `fit` resolves the chosen method's hedge first (the charts need
 * only that), then the whole fit; starting a new fit abandons one still running (the worker is
 * restarted, as a synchronous computation cannot be interrupted). `rule` computes the report and the
 * hedges' Sharpes of a rule on a fit of the current bars.
 *
 * The bars go to the worker once per worker: structured-cloning 86,400 × 2 values costs the main thread
 * tens of ms on a loaded machine (bench/notebookProfile.ts), so a fit of the same arrays with another
 * method sends none, and the fits of the current bars are kept (switching methods back costs nothing).
 */
export class FitClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly fallback = newState();
  /** The bars the worker holds. */
  private sent: {a: Float64Array; b: Float64Array} | null = null;
  private readonly inflight = new Map<number, WorkerRequest>();
  private nextId = 1;
  private readonly runningFits = new Set<number>();
  // The fits of the current bars by options: the same bars and options again (rolling OLS after OLS, a
  // Kalman δ moved: both fit the same static hedge; a method chosen again) get their answers without new work.
  private last: {a: Float64Array; b: Float64Array; results: Map<string, {hedge: Promise<Hedge>; fit: Promise<FitSummary>}>} | null = null;
  /** The rule the page shows (`follow`), and the series of the latest fit under it, until taken. */
  private following: {rule: StreamRule; key: string} | null = null;
  private series: {key: string; given: Promise<GivenSeries | null>} | null = null;
  /** A `rule` request not yet sent (it waits `ruleRestMs` for a newer one): its id and the timer sending it. */
  private queuedRule: {id: number; timer: ReturnType<typeof setTimeout>} | null = null;
  /** The hedge switch's series: a second worker, over the rows of the latest fit given their time. */
  private readonly switcher: SeriesClient;

  /** `url`: the worker module (this one); null runs everything on the main thread. */
  constructor(private url: string | URL | null = import.meta.url) {
    this.switcher = new SeriesClient(url);
  }

  /**
   * Fits `a`, `b`. The same arrays and options as an earlier call of these arrays return its promises. A fit still
   * running is abandoned (the worker restarted) unless `interrupt` is false: a page that needs no hedge
   * at once (a dynamic hedge drives its charts) lets it finish rather than pay a restart and a re-send.
   */
  fit(
    a: Float64Array,
    b: Float64Array,
    options: FitRequest,
    {interrupt = true, time = null}: {interrupt?: boolean; time?: Float64Array | null} = {},
  ): {hedge: Promise<Hedge>; fit: Promise<FitSummary>} {
    const key = JSON.stringify(options);
    if (time) this.switcher.setRows({time, a, b});
    const known = this.last && this.last.a === a && this.last.b === b ? this.last.results.get(key) : undefined;
    if (known) return known;
    if (this.runningFits.size > 0 && interrupt) this.restart();
    if (!this.last || this.last.a !== a || this.last.b !== b) this.last = {a, b, results: new Map()};
    const id = this.nextId++;
    const hedge = this.expect<Hedge>(id, "hedge"),
      fit = this.expect<FitSummary>(id, "fit");
    this.runningFits.add(id);
    const results = this.last.results,
      result = {hedge, fit};
    const done = () => void this.runningFits.delete(id);
    fit.then(done, () => (done(), results.get(key) === result && results.delete(key)));
    hedge.catch(() => {}); // reported through fit as well
    const f = this.following,
      series = f && time ? {rule: f.rule, time: f.rule.funding ? time : null} : null;
    if (f && series) {
      const given = this.expect<RuleSeries | null>(id, "series").then((s) => s && {series: s, rows: {time: time!, a, b}});
      this.series = {key: f.key, given};
      given.catch(() => {}); // for whoever takes it
    }
    this.send({type: "fit", id, a, b, options, series});
    results.set(key, result);
    for (const old of results.keys()) if (results.size > keptFits) results.delete(old);
    return result;
  }

  /**
   * The rule the page shows (its hedge aside): from now on each new fit given the rows' `time` also
   * computes the rule's series over the fitted rows under its hedge, for `takeSeries`. null: none.
   */
  follow(rule: StreamRule | null): void {
    this.following = rule && {rule, key: ruleKeyOf({...rule, hedge: null})};
  }

  /**
   * The series of the latest fit, if computed for `rule` (its hedge aside: PairStream checks that),
   * once: a second call, or one with another rule, returns null. Resolves to null where not computed.
   */
  takeSeries(rule: StreamRule): Promise<GivenSeries | null> | null {
    const s = this.series;
    if (!s || s.key !== ruleKeyOf({...rule, hedge: null})) return null;
    this.series = null;
    return s.given;
  }

  /**
   * The series of `rule` (a hedge switch: its fixed or dynamic hedge as it is) over the rows of the
   * latest fit given their time, from the series worker; null where it cannot (no rows, no worker).
   */
  seriesOf(rule: StreamRule): Promise<GivenSeries | null> | null {
    const rows = this.switcher.current,
      series = rows && this.switcher.series(rule);
    return series ? series.then((s) => s && {series: s, rows}) : null;
  }

  /**
   * Has the series worker compute these rules' series in `delayMs` (the hedges the page may switch to
   * next; a pause, so a slider dragged asks for the last step's only).
   */
  prefetch(rules: StreamRule[], delayMs = 250): void {
    this.switcher.prefetch(rules, delayMs);
  }

  /**
   * Starts the worker now (its module graph loads as a waterfall: Framework does not bundle workers), so
   * a page can have it loaded while its bars download rather than after, at the first fit. Returns this.
   */
  warm(): this {
    this.start();
    return this;
  }

  /**
   * The report and the hedges' Sharpes of a rule on a fit (~100 ms in the worker at 86,400 bars), sent
   * once no newer call came for `ruleRestMs`; one a newer call replaces, or whose `invalidation`
   * resolves first, rejects ("superseded") unsent. A slider dragged asks at every step: each step's job
   * ran beside the next steps' recompute and redraw, and on two cores the main thread lost 10–40 ms of a
   * frame to it (bench/notebookProfile.ts), for tables of a step already gone. A page cell passes its
   * `invalidation`: the runtime reruns a cell only once its previous run settled, so a newer call
   * would wait for this one rather than replace it.
   */
  rule(fit: FitSummary, options: PairReportOptions, invalidation?: Promise<unknown>): Promise<RuleResult> {
    const id = this.nextId++;
    const result = this.expect<RuleResult>(id, "rule");
    this.dropQueuedRule();
    // A timer that fires is the queued one's: replacing or dropping a request clears its timer.
    const send = () => ((this.queuedRule = null), this.send({type: "rule", id, fitId: fit.id, options})),
      queued = {id, timer: setTimeout(send, ruleRestMs)};
    this.queuedRule = queued;
    void invalidation?.then(() => this.queuedRule === queued && this.dropQueuedRule());
    return result;
  }

  stop(): void {
    this.cancelQueuedRule();
    this.switcher.stop();
    this.worker?.terminate();
    this.worker = null;
    this.last = this.sent = this.series = null;
    for (const p of this.pending.values()) p.reject(new Error("fit worker stopped"));
    this.pending.clear();
  }

  private expect<T>(id: number, part: string): Promise<T> {
    return new Promise<T>((resolve, reject) => this.pending.set(`${id}:${part}`, {resolve: resolve, reject}));
  }

  private receive = (r: WorkerReply): void => {
    if ("error" in r || r.part === "fit" || r.part === "rule") this.inflight.delete(r.id);
    if ("error" in r) {
      for (const [key, p] of this.pending) if (key.startsWith(`${r.id}:`)) (p.reject(new Error(r.error)), this.pending.delete(key));
      return;
    }
    const key = `${r.id}:${r.part}`;
    this.pending.get(key)?.resolve(r.value as never);
    this.pending.delete(key);
  };

  /** Sends a request, a fit's bars only when the worker does not hold them (`inflight` keeps them, for the fallback). */
  private send(request: WorkerRequest): void {
    this.inflight.set(request.id, request);
    const worker = this.start();
    if (worker && request.type === "fit" && request.a && request.b) {
      const held = this.sent?.a === request.a && this.sent?.b === request.b;
      worker.postMessage(held ? {...request, a: null, b: null} : request);
      this.sent = {a: request.a, b: request.b};
    } else if (worker) worker.postMessage(request);
    else setTimeout(() => handle(request, this.fallback, this.receive, false), 0);
  }

  private start(): Worker | null {
    if (this.worker || this.url === null || typeof Worker !== "function") return this.worker;
    try {
      this.worker = new Worker(this.url, {type: "module"});
    } catch {
      return null;
    }
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      // The module could not load: run what is pending, and everything after, on the main thread.
      event.preventDefault();
      this.worker?.terminate();
      this.worker = null;
      this.sent = null;
      this.url = null;
      // `inflight` holds the requests with their bars, so the fallback gets them.
      for (const request of [...this.inflight.values()].sort((p, q) => p.id - q.id))
        setTimeout(() => handle(request, this.fallback, this.receive, false), 0);
    };
    return this.worker;
  }

  /** Cancels the sending of the `rule` request waiting to be sent; returns its id (null: none). */
  private cancelQueuedRule(): number | null {
    const q = this.queuedRule;
    if (q) clearTimeout(q.timer);
    this.queuedRule = null;
    return q?.id ?? null;
  }

  /** Cancels the `rule` request waiting to be sent, and rejects it. */
  private dropQueuedRule(): void {
    const id = this.cancelQueuedRule();
    if (id === null) return;
    const key = `${id}:rule`;
    this.pending.get(key)?.reject(new Error("superseded"));
    this.pending.delete(key);
  }

  /** Drops a worker busy with an abandoned fit; its pending replies will never come. */
  private restart(): void {
    this.cancelQueuedRule(); // its fit is the abandoned worker's
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error("superseded"));
    this.pending.clear();
    this.inflight.clear();
    this.runningFits.clear();
    this.last = this.sent = this.series = null;
  }
}
