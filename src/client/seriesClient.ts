// The pair report's hedge switch off the main thread: a second worker of the fit worker's module
// (./fitWorker.ts, requests computed by ./fitHandler.ts) holds the fitted rows and computes the page's
// rule series over them under another hedge (Kalman, rolling OLS, a fixed one), on demand or ahead of
// the switch (`prefetch`: sent to the page as soon as computed, and held here until the switch takes
// them). Apart from the fit worker, so a fit of ~1.5 s does not hold a switch up. The series come with
// the rows' columns, every buffer transferred: the page's PairStream takes them as they are, so a switch
// on the main thread moves pointers and redraws.
import {ruleKeyOf, type StreamRule} from "../lib/stream/pairStream.js";
import type {RuleSeries} from "../lib/stream/ruleSeries.js";
import type {SeriesRows} from "../lib/stream/ruleSeriesCache.js";
import type {WorkerReply, WorkerRequest} from "./fitHandler.js";

/**
 * The page's handle on the series worker. `setRows` names the rows (sent with the next request, once
 * per rows); `series(rule)` resolves to the rule's series over them, or null where no worker runs
 * (the page then recomputes on its thread) or the worker failed.
 */
export class SeriesClient {
  private worker: Worker | null = null;
  private rows: SeriesRows | null = null;
  /** The rows the worker holds. */
  private sent: SeriesRows | null = null;
  private readonly pending = new Map<number, {key: string; resolve: (s: RuleSeries | null) => void}>();
  /** Prefetched series the worker sent, by rule key, over `aheadRows`; taken by `series`. */
  private readonly ahead = new Map<string, RuleSeries>();
  private aheadRows: SeriesRows | null = null;
  /** The rows of each prefetch still answering (its series are of those rows). */
  private readonly prefetchRows = new Map<number, SeriesRows>();
  private nextId = 1;

  /** `url`: the worker module (./fitWorker.ts); null: no worker (`series` returns null). */
  constructor(private url: string | URL | null) {}

  /** The rows of the next requests (the page's fitted rows). */
  setRows(rows: SeriesRows): void {
    const r = this.rows;
    if (r && r.time === rows.time && r.a === rows.a && r.b === rows.b) return;
    this.rows = rows;
    this.ahead.clear(); // of the rows before
    this.aheadRows = null;
  }

  /** The rows the series are computed over (null before `setRows`). */
  get current(): SeriesRows | null {
    return this.rows;
  }

  /**
   * The series of `rule` over the rows: the prefetched ones the worker sent, else from the worker; null
   * at once without rows or a worker.
   */
  series(rule: StreamRule): Promise<RuleSeries | null> | null {
    const key = ruleKeyOf(rule),
      held = this.aheadRows === this.rows ? this.ahead.get(key) : undefined;
    if (held) return (this.ahead.delete(key), Promise.resolve(held));
    const id = this.nextId;
    if (!this.post({type: "series", id, rows: null, rule})) return null;
    return new Promise((resolve) => this.pending.set(id, {key, resolve}));
  }

  /**
   * Has the worker compute the rules' series in `delayMs` (instead of those of an earlier call), for
   * `series` later. A post that clones new rows to the worker (30–50 ms at 86,400 rows under load) waits
   * for an idle moment, so it does not hold up the page's first draw.
   */
  prefetch(rules: StreamRule[], delayMs: number): void {
    this.cancelIdle();
    // Those sent already stay; the others held (another slider setting's) are dropped.
    const keys = new Set(rules.map(ruleKeyOf));
    if (this.aheadRows !== this.rows) this.ahead.clear();
    for (const key of this.ahead.keys()) if (!keys.has(key)) this.ahead.delete(key);
    const wanted = rules.filter((r) => !this.ahead.has(ruleKeyOf(r)));
    if (wanted.length === 0) return;
    const send = () => {
      const id = this.nextId;
      if (!this.post({type: "prefetch", id, rows: null, rules: wanted, delayMs})) return;
      this.prefetchRows.clear(); // a new prefetch replaces the earlier ones' rules
      this.prefetchRows.set(id, this.rows!);
    };
    if (this.sent === this.rows || typeof requestIdleCallback !== "function") return send();
    const handle = requestIdleCallback(() => ((this.cancelIdle = () => {}), send()), {timeout: 2000});
    this.cancelIdle = () => ((this.cancelIdle = () => {}), cancelIdleCallback(handle));
  }

  /** Drops a prefetch still waiting for an idle moment. */
  private cancelIdle: () => void = () => {};

  stop(): void {
    this.cancelIdle();
    this.worker?.terminate();
    this.worker = null;
    this.sent = this.rows = this.aheadRows = null;
    for (const {resolve} of this.pending.values()) resolve(null);
    this.pending.clear();
    this.ahead.clear();
    this.prefetchRows.clear();
  }

  /** Sends a request with the rows when the worker does not hold them; false without rows or a worker. */
  private post(request: Extract<WorkerRequest, {type: "series" | "prefetch"}>): boolean {
    const rows = this.rows,
      worker = rows && this.start();
    if (!rows || !worker) return false;
    ++this.nextId;
    const held = this.sent === rows;
    worker.postMessage(held ? request : {...request, rows});
    this.sent = rows;
    return true;
  }

  /**
   * A prefetched rule's series from the worker: for a request of it waiting (the switch came first; the
   * worker's own answer is then dropped), else held for `series`. Series of rows no longer current are dropped.
   */
  private arrived(prefetchId: number, series: RuleSeries): void {
    const rows = this.prefetchRows.get(prefetchId);
    if (!rows || rows !== this.rows) return;
    const key = ruleKeyOf(series.rule);
    for (const [id, p] of this.pending) if (p.key === key) return void (this.pending.delete(id), p.resolve(series));
    if (this.aheadRows !== rows) ((this.aheadRows = rows), this.ahead.clear());
    this.ahead.set(key, series);
  }

  private start(): Worker | null {
    if (this.worker || this.url === null || typeof Worker !== "function") return this.worker;
    try {
      this.worker = new Worker(this.url, {type: "module"});
    } catch {
      return null;
    }
    this.worker.onmessage = ({data: r}: MessageEvent<WorkerReply>) => {
      if (!("error" in r) && r.part === "ahead") return this.arrived(r.id, r.value as RuleSeries);
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      p?.resolve("error" in r ? null : (r.value as RuleSeries | null));
    };
    this.worker.onerror = (event) => {
      // The module could not load: no worker from now on; what is pending is recomputed by the page.
      event.preventDefault();
      this.url = null;
      this.stop();
    };
    return this.worker;
  }
}
