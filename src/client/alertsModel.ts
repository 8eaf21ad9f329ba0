// The Alerts page's view of one recorder: reachable or not, its symbols, the rules, the events pushed
// live since the page opened, and a version that moves whenever the history may have changed. Cells
// observe it (Generators.observe(model.observe)); the form and buttons call its actions.
import type {AlertEvent, AlertRule, ListedRule, RuleInput} from "../protocol/alerts.js";
import {AlertsApi, AlertsApiError} from "./alertsApi.js";
import {connectAlertFeed} from "./alertsFeed.js";
import {recorderEndpoint} from "../protocol/recorderEndpoint.js";

export type AlertsState = "static" | "connecting" | "live" | "down" | "no-alerts";

export interface AlertsView {
  state: AlertsState;
  detail: string;
  /** Symbols the recorder records (from /health), [] until known. */
  symbols: readonly string[];
  /** The rules with their state. */
  rules: readonly ListedRule[];
  /** Events pushed since the page opened, newest first (at most 100). */
  live: readonly AlertEvent[];
  /** Latest event time per rule id (history and live). */
  lastFired: ReadonlyMap<string, number>;
  /** Bumped on every live event and rule change: the history refetches on it. */
  version: number;
}

export interface AlertsModelOptions {
  liveUrl: string;
  /** false: static mode, no request and no connection at all. */
  enabled: boolean;
  /** Called for each pushed event (toasts). */
  onEvent?: (event: AlertEvent) => void;
  refreshMs?: number;
  api?: AlertsApi;
  connect?: typeof connectAlertFeed;
}

export class AlertsModel {
  readonly api: AlertsApi | null;
  private view: AlertsView;
  private readonly listeners = new Set<(view: AlertsView) => void>();
  private readonly stopFeed: () => void;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor({liveUrl, enabled, onEvent, refreshMs = 10_000, api, connect = connectAlertFeed}: AlertsModelOptions) {
    let invalid: string | null = null;
    try {
      this.api = enabled ? (api ?? new AlertsApi(recorderEndpoint(liveUrl))) : null;
    } catch (error) {
      ((this.api = null), (invalid = (error as Error).message)); // a ?live= that is not a URL
    }
    const empty = {symbols: [], rules: [], live: [], lastFired: new Map(), version: 0};
    this.view = !enabled
      ? {
          state: "static",
          detail: "Static snapshot: alert rules and events live in the recorder; add ?live to a URL (or drop ?static) to manage them.",
          ...empty,
        }
      : this.api
        ? {state: "connecting", detail: `Connecting to the recorder at ${this.api.base}…`, ...empty}
        : {state: "down", detail: `${invalid}.`, ...empty};
    if (!this.api) {
      this.stopFeed = () => {};
      return;
    }
    this.stopFeed = connect({
      url: liveUrl,
      onEvent: (event) => {
        const lastFired = new Map(this.view.lastFired).set(
          event.ruleId,
          Math.max(event.time, this.view.lastFired.get(event.ruleId) ?? -Infinity),
        );
        this.set({live: [event, ...this.view.live].slice(0, 100), lastFired, version: this.view.version + 1});
        onEvent?.(event);
      },
      onStatus: (s) => {
        if (s.state === "live") void this.refresh();
        else if (this.view.state !== "live" || s.state === "reconnecting")
          this.set({
            state: s.state === "reconnecting" ? "down" : "connecting",
            detail: `${s.detail}. The alerts API needs a running recorder: pairbook record (or npm run demo).`,
          });
      },
    });
    this.timer = setInterval(() => void (this.view.state !== "down" && this.refresh()), refreshMs);
  }

  /** Rereads symbols, rules and the latest event per rule. */
  async refresh(): Promise<void> {
    const api = this.api!;
    try {
      const [symbols, rules, events] = await Promise.all([api.symbols(), api.rules(), api.events({limit: 1000})]);
      const lastFired = new Map(this.view.lastFired);
      for (const e of events) if (e.time > (lastFired.get(e.ruleId) ?? -Infinity)) lastFired.set(e.ruleId, e.time);
      const same = symbols !== null && symbols.join() === this.view.symbols.join();
      this.set({
        state: "live",
        detail: `Live from the recorder at ${api.base}`,
        symbols: same || symbols === null ? this.view.symbols : symbols,
        rules,
        lastFired,
        version: this.view.version + 1,
      });
    } catch (error) {
      const e = error as AlertsApiError;
      if (e.status === 404)
        this.set({
          state: "no-alerts",
          detail: `The recorder at ${api.base} evaluates no alert rules (it was started with --no-alerts); restart it without that flag, or with --alerts FILE.`,
        });
      else if (e.status === 0)
        this.set({state: "down", detail: `${e.message}. The alerts API needs a running recorder: pairbook record (or npm run demo).`});
      else this.set({state: "down", detail: e.message});
    }
  }

  /** Creates a rule, or saves changes to the rule `id`; throws AlertsApiError (with `field` on a 400). */
  async save(rule: RuleInput, id?: string): Promise<AlertRule> {
    const saved = id === undefined ? await this.api!.create(rule) : await this.api!.update(id, rule);
    await this.refresh();
    return saved;
  }

  async setPaused(id: string, paused: boolean): Promise<void> {
    await this.api!.update(id, {paused});
    await this.refresh();
  }

  async remove(id: string): Promise<void> {
    await this.api!.remove(id);
    await this.refresh();
  }

  current(): AlertsView {
    return this.view;
  }

  /** For Generators.observe: the current view now, then one per change. */
  observe = (notify: (view: AlertsView) => void): (() => void) => {
    this.listeners.add(notify);
    notify(this.view);
    return () => void this.listeners.delete(notify);
  };

  stop(): void {
    this.stopFeed();
    clearInterval(this.timer);
    this.listeners.clear();
  }

  private set(changes: Partial<AlertsView>): void {
    this.view = {...this.view, ...changes};
    for (const listener of this.listeners) listener(this.view);
  }
}
