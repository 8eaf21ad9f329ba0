// Parameters several routes share, declared once (serve/params.ts parses them).
import {intervals} from "../src/lib/bars.js";
import {hedgeMethods} from "../src/lib/hedgeMethods.js";
import type {ParamSpec} from "./params.js";

export const intervalParam: ParamSpec = {
  name: "interval",
  in: "query",
  kind: "interval",
  default: "1m",
  description: "bar length: 1s, 1m, 5m, 15m or 1h",
};

export const lookbackParam: ParamSpec = {
  name: "lookback",
  in: "query",
  kind: "duration",
  default: "1d",
  description: "how far back from the latest stored trade of the symbols (90s, 15m, 6h, 2d or ms); never before their first trade",
};

export const logParam: ParamSpec = {
  name: "log",
  in: "query",
  kind: "enum",
  values: ["false", "true"],
  default: "false",
  description: "work on log prices",
};

export const methodParam: ParamSpec = {
  name: "method",
  in: "query",
  kind: "enum",
  values: hedgeMethods,
  default: "ols",
  description: "hedge ratio estimator",
};

export const regressionParam: ParamSpec = {
  name: "regression",
  in: "query",
  kind: "enum",
  values: ["n", "c", "ct", "ctt"],
  default: "c",
  description: "deterministic terms: none, constant, + trend, + quadratic trend",
};

export const autolagParam: ParamSpec = {
  name: "autolag",
  in: "query",
  kind: "enum",
  values: ["aic", "bic", "t-stat", "none"],
  default: "aic",
  description: "ADF lag selection (statsmodels' autolag)",
};

export const maxlagParam: ParamSpec = {
  name: "maxlag",
  in: "query",
  kind: "integer",
  min: 0,
  max: 1000,
  description: "largest ADF lag (default statsmodels' rule)",
};

/** A pair's two legs as path parameters: `BTCUSDT`, `usdm:BTCUSDT` or `usdm_BTCUSDT`. */
export const pairPathParams: readonly ParamSpec[] = [
  {name: "a", in: "path", kind: "symbol", required: true, description: "first leg (the dependent series), e.g. BTCUSDT or usdm:BTCUSDT"},
  {name: "b", in: "path", kind: "symbol", required: true, description: "second leg, e.g. ETHUSDT"},
];

/** 60_000 → "1m": the name of an interval parameter's value. */
export function intervalName(ms: number): string {
  return Object.entries(intervals).find(([, v]) => v === ms)?.[0] ?? `${ms}ms`;
}
