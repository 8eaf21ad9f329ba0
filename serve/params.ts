// The API's parameters: each route declares its parameters once (serve/routes.ts), and that one
// declaration both validates a request (here) and is published as the OpenAPI document (openapi.ts).
// Everything a client sends is a string until parsed here; a bad one is a ParamError naming it (400).
import {intervalMs} from "../src/lib/bars.js";
import {isMarketSymbol} from "../src/protocol/symbol.js";

/** What a parameter holds, and how it is parsed. */
export type ParamKind = "symbol" | "symbols" | "interval" | "time" | "duration" | "integer" | "number" | "enum";

export interface ParamSpec {
  readonly name: string;
  readonly in: "query" | "path";
  readonly kind: ParamKind;
  readonly description: string;
  readonly required?: boolean;
  /** Used when the parameter is absent (documented as the default). */
  readonly default?: string;
  /** The values an `enum` parameter takes. */
  readonly values?: readonly string[];
  /** Bounds of an integer or number (inclusive). */
  readonly min?: number;
  readonly max?: number;
  /** Most items a `symbols` list holds. */
  readonly maxItems?: number;
}

/** A bad request parameter: answered 400 with `{error, parameter}`. */
export class ParamError extends Error {
  override name = "ParamError";
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

/** A parsed value: a number (integer, number, time, duration in ms, interval in ms), a string (symbol, enum) or a list of symbols. */
export type ParamValue = number | string | readonly string[];

/** Query parameters every route accepts besides its own (the access token, serve/server.ts). */
export const commonQuery: readonly string[] = ["token"];

const durationUnits: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000};

/** "BTCUSDT", "btcusdt", "usdm:btcusdt" or the path form "usdm_BTCUSDT" → the pairbook name; null when not a symbol. */
export function symbolOf(text: string): string | null {
  const s = /^usdm[:_]/i.test(text) ? `usdm:${text.slice(5).toUpperCase()}` : text.toUpperCase();
  return isMarketSymbol(s) ? s : null;
}

/** ISO-8601 UTC ("2026-01-02", "2026-01-02T03:04:05.678Z", "+00:00") or epoch ms → ms; null otherwise. */
export function timeOf(text: string): number | null {
  if (/^-?\d{1,16}$/.test(text)) return Number(text);
  const iso = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]00:?00))?$/i;
  if (!iso.test(text) || (text.includes("T") && !/(?:Z|[+-]00:?00)$/i.test(text))) return null;
  const ms = Date.parse(text.replace(/\.(\d{3})\d+/, ".$1"));
  return Number.isFinite(ms) ? ms : null;
}

/** "90s", "15m", "6h", "2d", "500ms" or plain ms → ms; null otherwise. */
export function durationOf(text: string): number | null {
  const match = /^(\d{1,12})(ms|s|m|h|d)?$/.exec(text);
  if (!match) return null;
  const ms = Number(match[1]) * durationUnits[match[2] ?? "ms"];
  return ms > 0 ? ms : null;
}

/** Parses one parameter's text; ParamError naming it for a bad value. */
export function parseParam(spec: ParamSpec, text: string): ParamValue {
  const bad = (expected: string) =>
    new ParamError(spec.name, `invalid ${spec.name}: ${JSON.stringify(text.slice(0, 80))} (expected ${expected})`);
  switch (spec.kind) {
    case "symbol": {
      const s = symbolOf(text);
      if (s === null) throw bad("a symbol such as BTCUSDT, or usdm:BTCUSDT for the USD-M perpetual");
      return s;
    }
    case "symbols": {
      const list = text.split(",").map((s) => symbolOf(s.trim()));
      if (list.length === 0 || list.some((s) => s === null)) throw bad("a comma-separated list of symbols such as BTCUSDT,ETHUSDT");
      const unique = [...new Set(list as string[])];
      if (spec.maxItems !== undefined && unique.length > spec.maxItems) throw bad(`at most ${spec.maxItems} symbols`);
      return unique;
    }
    case "interval":
      try {
        return intervalMs(text);
      } catch {
        throw bad("one of 1s, 1m, 5m, 15m, 1h");
      }
    case "time": {
      const t = timeOf(text);
      if (t === null) throw bad("ISO-8601 UTC such as 2026-01-02T03:04:05Z, or epoch milliseconds");
      return t;
    }
    case "duration": {
      const d = durationOf(text);
      if (d === null) throw bad("a duration such as 90s, 15m, 6h, 2d, or milliseconds");
      if (spec.max !== undefined && d > spec.max) throw bad(`at most ${spec.max} ms`);
      return d;
    }
    case "integer":
    case "number": {
      const n = Number(text);
      const ok = text.trim() !== "" && Number.isFinite(n) && (spec.kind === "number" || Number.isInteger(n));
      if (!ok || n < (spec.min ?? -Infinity) || n > (spec.max ?? Infinity))
        throw bad(`${spec.kind === "integer" ? "an integer" : "a number"}${bounds(spec)}`);
      return n;
    }
    case "enum":
      if (!spec.values!.includes(text)) throw bad(`one of ${spec.values!.join(", ")}`);
      return text;
  }
}

function bounds({min, max}: ParamSpec): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  return max !== undefined ? ` ≤ ${max}` : "";
}

/** A request's parsed parameters, read by name with the type the route declared. */
export class Params {
  constructor(private readonly values: ReadonlyMap<string, ParamValue>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }
  number(name: string): number {
    const v = this.values.get(name);
    if (typeof v !== "number") throw new TypeError(`parameter ${name} is not a number`);
    return v;
  }
  optionalNumber(name: string): number | undefined {
    return this.values.has(name) ? this.number(name) : undefined;
  }
  string(name: string): string {
    const v = this.values.get(name);
    if (typeof v !== "string") throw new TypeError(`parameter ${name} is not a string`);
    return v;
  }
  optionalString(name: string): string | undefined {
    return this.values.has(name) ? this.string(name) : undefined;
  }
  list(name: string): readonly string[] {
    const v = this.values.get(name);
    if (!Array.isArray(v)) throw new TypeError(`parameter ${name} is not a list`);
    return v as readonly string[];
  }
}

/**
 * Validates a request against a route's parameters: unknown query names, repeated ones, missing required
 * ones and bad values are ParamErrors naming the parameter; defaults fill absent ones.
 *
 *   parseParams(route.params, url.searchParams, {a: "BTCUSDT", b: "ETHUSDT"}).number("window")
 */
export function parseParams(specs: readonly ParamSpec[], query: URLSearchParams, path: Readonly<Record<string, string>> = {}): Params {
  const known = new Set([...specs.filter((s) => s.in === "query").map((s) => s.name), ...commonQuery]);
  for (const name of query.keys()) {
    if (!known.has(name))
      throw new ParamError(
        name,
        `unknown parameter ${JSON.stringify(name.slice(0, 80))} (this route takes ${[...known].filter((k) => !commonQuery.includes(k)).join(", ") || "none"})`,
      );
    if (query.getAll(name).length > 1) throw new ParamError(name, `parameter ${name} given more than once`);
  }
  const values = new Map<string, ParamValue>();
  const textOf = (spec: ParamSpec) => (spec.in === "path" ? path[spec.name] : (query.get(spec.name) ?? undefined)) || undefined;
  // Values given first, so the error names what the client sent wrong before what it left out.
  for (const spec of specs) {
    const text = textOf(spec);
    if (text !== undefined) values.set(spec.name, parseParam(spec, text));
  }
  for (const spec of specs) {
    if (textOf(spec) !== undefined) continue;
    if (spec.required) throw new ParamError(spec.name, `missing parameter ${spec.name}`);
    if (spec.default !== undefined) values.set(spec.name, parseParam(spec, spec.default));
  }
  return new Params(values);
}
