// The trades of a backtest as CSV (the pair page's "Download trades"): one row per trade, the open
// one included with empty exit cells.
import type {BacktestTrade} from "../backtest.js";

/** The bars the trades index: times, the legs' prices, and the prices the backtest traded (logs with log). */
export interface TradeBars {
  readonly time: ArrayLike<number>;
  readonly a: ArrayLike<number>;
  readonly b: ArrayLike<number>;
  readonly la: ArrayLike<number>;
  readonly lb: ArrayLike<number>;
}

/**
 * CSV of `trades`: entry and exit time (ISO, UTC), side, both legs' prices at the entry and exit
 * fills, the hedge β frozen at entry, bars held, PnL (fees included, in the backtest's units) and the
 * fees, which `backtest` charges as feeBps/10⁴ × (|a| + |β·b|) of the traded prices at each fill.
 * Numbers as String(number), which round-trips a double. O(trades).
 *
 *   tradesCsv(stream.tradeList(), bars, ["ETHUSDT", "BTCUSDT"], 1)
 */
export function tradesCsv(trades: readonly BacktestTrade[], bars: TradeBars, names: readonly [string, string], feeBps: number): string {
  const [A, B] = names;
  const cost = feeBps / 1e4;
  const fee = (t: number, beta: number) => cost * (Math.abs(bars.la[t]) + Math.abs(beta * bars.lb[t]));
  const iso = (t: number) => new Date(bars.time[t]).toISOString();
  const legs = [`${A}_entry`, `${B}_entry`, `${A}_exit`, `${B}_exit`].map(cell);
  const lines = [["entry_time", "exit_time", "side", ...legs, "beta", "bars", "pnl", "fees"].join(",")];
  for (const t of trades) {
    const e = t.entryBar,
      x = t.exitBar;
    const fees = fee(e, t.beta) + (x === null ? 0 : fee(x, t.beta));
    const exit = x === null ? ["", "", ""] : [iso(x), bars.a[x], bars.b[x]];
    lines.push(
      [iso(e), exit[0], t.side > 0 ? "long" : "short", bars.a[e], bars.b[e], exit[1], exit[2], t.beta, t.bars, t.pnl, fees].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A header cell, quoted when it holds a comma, quote or line break (RFC 4180). */
function cell(name: string): string {
  return /[",\n\r]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}
