// One API route: its path, what it does, its parameters (which validate requests and are published
// in the OpenAPI document) and its handler.
import type {ParamSpec, Params} from "./params.js";
import type {Reply} from "./reply.js";

/** Per-response bounds (serve/server.ts's defaults: a day of 1-second bars per symbol). */
export interface ServeLimits {
  /** Most bars per symbol one response or one computation covers. */
  readonly maxBars: number;
  /** Most symbols of a correlation matrix. */
  readonly maxSymbols: number;
}

/** What a handler gets: the lake folder, the validated parameters, the limits and the clock. */
export interface RouteContext {
  readonly lake: string;
  readonly params: Params;
  readonly limits: ServeLimits;
  readonly now: () => number;
}

export interface Route {
  /** The path with `{name}` path parameters, e.g. "/api/v1/pairs/{a}/{b}/report". */
  readonly path: string;
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  /** Response media types (the first is the default), for the OpenAPI document. */
  readonly produces: readonly string[];
  /** Computed responses are cached by their ETag (lake fingerprint + request) when small enough. */
  readonly cache: boolean;
  handle(context: RouteContext): Promise<Reply>;
}

/** `{a: "BTCUSDT", b: "ETHUSDT"}` when `pathname` matches a route's path template, else null. */
export function matchPath(template: string, pathname: string): Record<string, string> | null {
  const names: string[] = [];
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), "([^/]+)"));
  const match = new RegExp(`^${pattern}$`).exec(pathname);
  if (!match) return null;
  try {
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
  } catch {
    return null;
  }
}
