// Browser client of the recorder's alerts API (recorder/alerts/api.ts), on the live feed's host and port;
// its shapes are src/protocol/alerts.ts.
import type {AlertEvent, AlertRule, EventFilter, ListedRule, RuleInput} from "../protocol/alerts.js";
import {authHeaders, type RecorderEndpoint} from "../protocol/recorderEndpoint.js";

/** A refusal from the API: `field` names the rule's property at fault on a 400. */
export class AlertsApiError extends Error {
  override name = "AlertsApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

/** The alerts API of the recorder at `endpoint` (recorderEndpoint: its token goes as a Bearer header); `fetch` is passed in for tests. */
export class AlertsApi {
  constructor(
    readonly endpoint: RecorderEndpoint,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** http(s)://host:port of the recorder, for messages (never the token). */
  get base(): string {
    return this.endpoint.http;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetcher(this.base + path, {
        method,
        cache: "no-store",
        headers: {...authHeaders(this.endpoint), ...(body === undefined ? {} : {"content-type": "application/json"})},
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new AlertsApiError(0, `no recorder at ${this.base}`);
    }
    if (response.status === 204) return null;
    const payload = (await response.json().catch(() => ({}))) as {error?: string; field?: string};
    if (!response.ok)
      throw new AlertsApiError(response.status, payload.error ?? `${this.base}${path} answered ${response.status}`, payload.field ?? null);
    return payload;
  }

  async rules(): Promise<ListedRule[]> {
    return ((await this.call("GET", "/alerts/rules")) as {rules: ListedRule[]}).rules;
  }

  async create(rule: RuleInput): Promise<AlertRule> {
    return ((await this.call("POST", "/alerts/rules", rule)) as {rule: AlertRule}).rule;
  }

  async update(id: string, changes: RuleInput): Promise<AlertRule> {
    return ((await this.call("PATCH", `/alerts/rules/${encodeURIComponent(id)}`, changes)) as {rule: AlertRule}).rule;
  }

  async remove(id: string): Promise<void> {
    await this.call("DELETE", `/alerts/rules/${encodeURIComponent(id)}`);
  }

  async events(filter: EventFilter = {}): Promise<AlertEvent[]> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== "") q.set(k, String(v));
    const query = q.size ? `?${q}` : "";
    return ((await this.call("GET", `/alerts/events${query}`)) as {events: AlertEvent[]}).events;
  }

  /** The symbols the recorder records (its /health), or null when /health does not answer. */
  async symbols(): Promise<string[] | null> {
    try {
      const health = (await this.call("GET", "/health")) as {symbols?: Record<string, unknown>; alerts?: unknown};
      return Object.keys(health.symbols ?? {});
    } catch {
      return null;
    }
  }
}
