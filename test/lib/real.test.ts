import {existsSync, readFileSync} from "node:fs";
import {gunzipSync} from "node:zlib";
import {describe, expect, it} from "vitest";
import {adf} from "../../src/lib/adf.js";
import {alignCloses} from "../../src/lib/align.js";
import {resample} from "../../src/lib/bars.js";
import {coint} from "../../src/lib/coint.js";
import {huber} from "../../src/lib/huber.js";
import {johansen} from "../../src/lib/johansen.js";
import {ols} from "../../src/lib/ols.js";
import {theilSen} from "../../src/lib/theilSen.js";
import {expectAllClose, expectClose, fixture} from "./reference.js";

// The real Binance capture lives beside the repository, never inside it.
const dir = new URL("../../../shared/data/real/hftbacktest-binance-ws/derived/", import.meta.url);
const present = existsSync(dir);

function trades(file: string) {
  const lines = gunzipSync(readFileSync(new URL(file, dir)))
    .toString("utf8")
    .trim()
    .split("\n");
  const header = lines[0].split(",");
  const col = (name: string) => header.indexOf(name);
  const [id, price, qty, time, maker] = ["trade_id", "price", "qty", "trade_time_ms", "is_buyer_maker"].map(col);
  const rows = lines.slice(1).map((l) => l.split(","));
  return {
    id: rows.map((r) => Number(r[id])),
    price: rows.map((r) => Number(r[price])),
    qty: rows.map((r) => Number(r[qty])),
    time: rows.map((r) => Number(r[time])),
    isBuyerMaker: rows.map((r) => r[maker] === "True" || r[maker] === "true" || r[maker] === "1"),
  };
}

interface Adf {
  statistic: number;
  pValue: number;
  usedLag: number;
  nobs: number;
}
interface RealCase {
  bars: {n: number; firstTime: number; lastTime: number; a: [number, number, number]; b: [number, number, number]};
  ols: {alpha: number; beta: number; rSquared: number};
  huber: {alpha: number; beta: number};
  theilSen: {alpha: number; beta: number};
  adfA: Adf;
  adfB: Adf;
  adfSpread: Adf;
  coint: {statistic: number; pValue: number};
  johansen: {eigenvalues: number[]; traceStat: number[]; maxEigStat: number[]};
}

describe.skipIf(!present)("1-second spot ETH/BTC bars from the real capture match statsmodels on the same bars", () => {
  const [e] = fixture<RealCase>("real");
  const pair = present
    ? alignCloses(
        resample(trades("spot_ETHUSDT_trades_20240808T2354_20240809T0005.csv.gz"), 1000),
        resample(trades("spot_BTCUSDT_trades_20240808T2354_20240809T0005.csv.gz"), 1000),
      )
    : {time: new Float64Array(0), a: new Float64Array(0), b: new Float64Array(0)};
  const {a, b} = pair;

  it("resample + alignCloses give the bars the Python side built", () => {
    expect(a.length).toBe(e.bars.n);
    expect([pair.time[0], pair.time[a.length - 1]]).toEqual([e.bars.firstTime, e.bars.lastTime]);
    expect([a[0], a[a.length - 1]]).toEqual(e.bars.a.slice(0, 2));
    expect([b[0], b[b.length - 1]]).toEqual(e.bars.b.slice(0, 2));
    expectClose(
      a.reduce((s, v) => s + v, 0),
      e.bars.a[2],
      1e-12,
    );
  });

  it("ols, huber and theilSen of ETH on BTC match statsmodels / scipy", () => {
    const o = ols(a, b);
    (expectClose(o.beta, e.ols.beta), expectClose(o.alpha, e.ols.alpha), expectClose(o.rSquared, e.ols.rSquared));
    const h = huber(a, b);
    (expectClose(h.beta, e.huber.beta, 1e-5), expectClose(h.alpha, e.huber.alpha, 1e-5));
    const t = theilSen(a, b);
    expect([t.beta, t.alpha]).toEqual([e.theilSen.beta, e.theilSen.alpha]);
  });

  it("adf of each leg and of the OLS spread match adfuller (c, AIC)", () => {
    const o = ols(a, b);
    for (const [x, ref] of [
      [a, e.adfA],
      [b, e.adfB],
      [o.residuals, e.adfSpread],
    ] as const) {
      const r = adf(x);
      expect(r.usedLag).toBe(ref.usedLag);
      expect(r.nobs).toBe(ref.nobs);
      expectClose(r.statistic, ref.statistic);
      expect(Math.abs(r.pValue - ref.pValue)).toBeLessThanOrEqual(1e-4);
    }
  });

  it("coint and johansen match statsmodels", () => {
    const c = coint(a, b);
    expectClose(c.statistic, e.coint.statistic);
    expect(Math.abs(c.pValue - e.coint.pValue)).toBeLessThanOrEqual(1e-4);
    const j = johansen([a, b], {detOrder: 0, kArDiff: 1});
    expectAllClose(j.eigenvalues, e.johansen.eigenvalues, 1e-6, 1e-9);
    expectAllClose(j.traceStat, e.johansen.traceStat, 1e-6, 1e-6);
  });
});
