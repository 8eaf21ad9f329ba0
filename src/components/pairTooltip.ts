// What the pair report's crosshair tooltip (./crosshair.ts) shows at a bar: both legs' closes, each
// leg's candle (open, high, low, close, volume, taker buy and sell volume; NaN where the leg had no
// trade), every derived series the charts draw (./pairCharts.ts), and the trades at that bar.
import type {TooltipContent, TooltipValue} from "./crosshair.js";
import type {PairChartsData} from "./pairCharts.js";

const kindText = {long: "long entry", short: "short entry", exit: "exit"} as const;

/**
 * The tooltip at row `row` of `d` (legs named `names`): the values of the series that exist. O(1) but
 * for the trades at that time (O(trades)).
 *
 *   pairTooltip(data, ["BTCUSDT", "ETHUSDT"], 120).values[0] // {key: "a", label: "BTCUSDT", value: …}
 */
export function pairTooltip(d: PairChartsData, names: readonly [string, string], row: number): TooltipContent {
  const t = d.time[row],
    values: TooltipValue[] = [
      {key: "a", label: names[0], value: d.a[row]},
      {key: "b", label: names[1], value: d.b[row]},
    ];
  for (const [i, leg] of (["a", "b"] as const).entries()) {
    const c = d.candles[i];
    values.push(
      {key: `${leg}.open`, label: `${names[i]} open`, value: c.open[row]},
      {key: `${leg}.high`, label: `${names[i]} high`, value: c.high[row]},
      {key: `${leg}.low`, label: `${names[i]} low`, value: c.low[row]},
      {key: `${leg}.close`, label: `${names[i]} close`, value: c.close[row]},
      {key: `${leg}.volume`, label: `${names[i]} volume`, value: c.volume[row]},
      {key: `${leg}.takerBuy`, label: `${names[i]} taker buy`, value: c.takerBuyVolume[row]},
      {key: `${leg}.takerSell`, label: `${names[i]} taker sell`, value: c.volume[row] - c.takerBuyVolume[row]},
    );
  }
  if (d.spread)
    values.push(
      {key: "spread", label: "spread", value: d.spread.spread[row]},
      {key: "mean", label: "rolling mean", value: d.spread.mean[row]},
    );
  if (d.z) values.push({key: "z", label: "z-score", value: d.z.z[row]});
  if (d.correlation.y) values.push({key: "correlation", label: "correlation", value: d.correlation.y[row]});
  if (d.equity)
    values.push(
      {key: "equity", label: "equity", value: d.equity.equity[row]},
      {key: "drawdown", label: "drawdown", value: d.equity.drawdown[row]},
    );
  const trades = d.z ? d.z.trades.filter((m) => m.time === t).map((m) => kindText[m.kind]) : [];
  return {time: t, values, trade: trades.length ? trades.join(", ") : null};
}
