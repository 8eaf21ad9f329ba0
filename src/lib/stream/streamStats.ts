// The backtest report's statistics (src/lib/backtestStats.ts) of the rule as a PairStream ran it: for a
// dynamic hedge, whose backtest the worker's fixed-hedge report does not have.
import {backtestStats, type BacktestStats} from "../backtestStats.js";
import type {PairStream} from "./pairStream.js";

/**
 * `backtestStats` of the stream's backtest over its rows (the prices as analysed, logs with `log`), as
 * `pairRule` computes them from the batch backtest (funding paid its own line when the rule charges
 * funding); null without a rule or with fewer than two rows. O(n).
 *
 *   streamStats(live.stream, 1000, false)?.sqn
 */
export function streamStats(stream: PairStream, barMs: number, log: boolean): BacktestStats | null {
  stream.proceed(); // a recompute in slices (the page's) finished first: the statistics are of every row
  if (!stream.ruled || stream.length < 2) return null;
  const c = (name: Parameters<PairStream["column"]>[0]) => stream.column(name);
  const result = {
    fundingPaid: stream.metrics(barMs)?.fundingPaid ?? 0,
    pnl: c("pnl"),
    equity: c("equity"),
    drawdown: c("drawdown"),
    position: Int8Array.from(c("position")),
    tradeList: stream.tradeList(),
  };
  return backtestStats(result, c("la"), c("lb"), {barMs, log, funded: stream.funded});
}
