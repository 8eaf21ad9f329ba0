// The backtest statistics as text, one formatter for every place that shows them: `pairbook analyze`
// (its human output), the pair pages and the lab (their metrics tables), so a number reads the same.
import type {BacktestStats, LegBenchmark} from "../backtestStats.js";

/** One shown statistic: its group (the line of `analyze`), label, raw value and text. */
export interface BacktestStatsRow {
  readonly group: string;
  /** A stable id: the path in `BacktestStats` ("annualReturn", "buyAndHold.a.totalReturn"). */
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly text: string;
}

/** `v` to `digits` significant digits, without trailing zeros; NaN and ±Infinity as such. */
export function statNumber(v: number, digits = 6): string {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v);
}

/** A fraction as a percentage to 4 significant digits ("12.35%"). */
export function statPercent(v: number): string {
  return Number.isFinite(v) ? `${statNumber(100 * v, 4)}%` : String(v);
}

/**
 * The rows of a `BacktestStats` in the order `analyze` prints them; `names` label the legs'
 * buy-and-hold; a funding line last when the backtest charged funding. O(1).
 *
 *   backtestStatsRows(report.backtestStats, ["ETHUSDT", "BTCUSDT"]).find((r) => r.key === "sqn")?.text
 */
export function backtestStatsRows(s: BacktestStats, names: readonly [string, string]): BacktestStatsRow[] {
  const row = (group: string, key: string, label: string, value: number, text: (v: number) => string) => ({
    group,
    key,
    label,
    value,
    text: text(value),
  });
  const pct = statPercent,
    num = (d: number) => (v: number) => statNumber(v, d);
  const leg = (side: "a" | "b", name: string, l: LegBenchmark) => [
    row(`buy and hold ${name}`, `buyAndHold.${side}.totalReturn`, "total", l.totalReturn, pct),
    row(`buy and hold ${name}`, `buyAndHold.${side}.annualReturn`, "annual", l.annualReturn, pct),
    row(`buy and hold ${name}`, `buyAndHold.${side}.annualVolatility`, "annual vol", l.annualVolatility, pct),
    row(`buy and hold ${name}`, `buyAndHold.${side}.maxDrawdown`, "max drawdown", l.maxDrawdown, pct),
  ];
  return [
    row("returns", "capital", "capital", s.capital, num(6)),
    row("returns", "totalReturn", "total", s.totalReturn, pct),
    row("returns", "annualReturn", "annual", s.annualReturn, pct),
    row("returns", "annualVolatility", "annual vol", s.annualVolatility, pct),
    row("returns", "exposureAdjustedReturn", "exposure-adjusted", s.exposureAdjustedReturn, pct),
    row("returns", "bars", "over (bars)", s.bars, num(6)),
    row("returns", "barsPerYear", "bars a year", s.barsPerYear, num(6)),
    row("drawdowns", "maxDrawdownBars", "longest (bars)", s.maxDrawdownBars, num(6)),
    row("drawdowns", "avgDrawdown", "average depth", s.avgDrawdown, num(6)),
    row("drawdowns", "avgDrawdownBars", "average length (bars)", s.avgDrawdownBars, num(4)),
    row("trades", "bestTrade", "best", s.bestTrade, num(6)),
    row("trades", "worstTrade", "worst", s.worstTrade, num(6)),
    row("trades", "avgTrade", "average", s.avgTrade, num(6)),
    row("trades", "expectancy", "expectancy", s.expectancy, pct),
    row("trades", "sqn", "SQN", s.sqn, num(3)),
    ...leg("a", names[0], s.buyAndHold.a),
    ...leg("b", names[1], s.buyAndHold.b),
    ...(s.funding
      ? [
          row("funding", "funding.paid", "paid", s.funding.paid, num(6)),
          row("funding", "funding.pnlBeforeFunding", "PnL before funding", s.funding.pnlBeforeFunding, num(6)),
          row("funding", "funding.netPnl", "equity net of funding", s.funding.netPnl, num(6)),
        ]
      : []),
  ];
}

/** The rows as `analyze` prints them: one indented line per group ("  trades  best 1.2, worst …"). */
export function backtestStatsLines(rows: readonly BacktestStatsRow[]): string[] {
  const groups = new Map<string, BacktestStatsRow[]>();
  for (const r of rows) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const width = Math.max(...[...groups.keys()].map((g) => g.length)) + 2;
  return [...groups].map(([group, rs]) => `  ${group.padEnd(width)}${rs.map((r) => `${r.label} ${r.text}`).join(", ")}`);
}
