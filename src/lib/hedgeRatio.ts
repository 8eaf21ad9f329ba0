import {type HedgeMethod, hedgeMethods} from "./hedgeMethods.js";
import {huber} from "./huber.js";
import {kalmanHedge} from "./kalman.js";
import {ols} from "./ols.js";
import {ransac} from "./ransac.js";
import {theilSen} from "./theilSen.js";
import {tls} from "./tls.js";

export type {HedgeMethod};

/** Checks a hedge method name, failing with the list of valid ones. */
export function hedgeMethodOption(value: unknown): HedgeMethod {
  if (typeof value !== "string" || !(hedgeMethods as readonly string[]).includes(value))
    throw new RangeError(`invalid method: ${JSON.stringify(value)} (expected ${hedgeMethods.join(", ")})`);
  return value as HedgeMethod;
}

/**
 * Static hedge ratio of a on b by any method (kalman: its final state; ransac: seed 0, its defaults), on prices or, with `log`,
 * on log prices (then the spread is ln a − β·ln b − α). RangeError for a non-positive price with `log`.
 * Cost as the method (O(n), Theil-Sen O(n log n) expected, RANSAC O(100·n)).
 *
 *   hedgeRatio(eth, btc, {method: "huber", log: true}).beta
 */
export function hedgeRatio(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  {method = "ols", log = false}: {method?: HedgeMethod; log?: boolean} = {},
): {readonly method: HedgeMethod; readonly alpha: number; readonly beta: number} {
  const m = hedgeMethodOption(method);
  const [x, y] = log ? [logPrices(a, "a"), logPrices(b, "b")] : [a, b];
  switch (m) {
    case "ols":
      return {method: m, ...pick(ols(x, y))};
    case "huber":
      return {method: m, ...pick(huber(x, y))};
    case "theil-sen":
      return {method: m, ...pick(theilSen(x, y))};
    case "tls":
      return {method: m, ...pick(tls(x, y))};
    case "ransac":
      return {method: m, ...pick(ransac(x, y))};
    case "kalman": {
      const k = kalmanHedge(x, y),
        last = x.length - 1;
      return {method: m, alpha: last >= 0 ? k.alpha[last] : NaN, beta: last >= 0 ? k.beta[last] : NaN};
    }
  }
}

function pick({alpha, beta}: {alpha: number; beta: number}) {
  return {alpha, beta};
}

/** Natural logs of prices; RangeError naming the first non-positive one. O(n). */
export function logPrices(x: ArrayLike<number>, name = "x"): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; ++i) {
    if (!(x[i] > 0)) throw new RangeError(`log prices: ${name}[${i}] = ${x[i]} is not positive`);
    out[i] = Math.log(x[i]);
  }
  return out;
}
