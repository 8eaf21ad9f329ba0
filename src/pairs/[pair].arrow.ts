// Data loader: one pair report's bars (both legs at the base interval over the lookback, with gap
// flags), as Arrow IPC. Framework passes the page parameter as --pair=BTCUSDT-ETHUSDT.
// Only the columns the report draws are kept (loaders/pairBarsFile.ts: no quote volume); a perpetual
// leg's funding events go with them (loaders/pairFunding.ts), charged by the page's backtest.
import {parseArgs} from "node:util";
import {coverage, notebookConfig, parsePairSlug} from "../../loaders/config.js";
import {historyStatus} from "../../loaders/historyStatus.js";
import {pairBarsFile} from "../../loaders/pairBarsFile.js";
import {loadLakeBars} from "../../loaders/lakeBars.js";
import {withPairFunding} from "../../loaders/pairFunding.js";
import {intervalMs} from "../../src/lib/bars.js";

const {values} = parseArgs({options: {pair: {type: "string"}}});
const pair = parsePairSlug(values.pair ?? "");
const config = notebookConfig(process.env);
const {symbols} = await coverage(config);
// The window ends at the latest trade of all covered symbols, so every page shows the same hours.
const loaded = await withPairFunding(
  config.lake,
  await loadLakeBars(config.lake, pair, {
    interval: intervalMs(config.interval),
    lookbackMs: config.lookbackMs,
    anchor: symbols,
  }),
);
// Whether the recorder is still loading these legs' history (record --history): the page says so.
const history = await historyStatus(config, pair);
process.stdout.write(pairBarsFile(loaded, {interval: config.interval, builtAt: Date.now(), liveUrl: config.liveUrl, history}));
