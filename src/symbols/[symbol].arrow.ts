// Data loader: one symbol page's bars (the symbol at the base interval over the lookback, with gap
// flags and every bar column: the quote volume gives the VWAP), as Arrow IPC. Framework passes the page
// parameter as --symbol=BTCUSDT, or --symbol=usdm_BTCUSDT for a USD-M perpetual (src/protocol/symbol.ts).
import {parseArgs} from "node:util";
import {coverage, notebookConfig} from "../../loaders/config.js";
import {historyStatus} from "../../loaders/historyStatus.js";
import {loadLakeBars} from "../../loaders/lakeBars.js";
import {intervalMs} from "../../src/lib/bars.js";
import {encodeBarsFile} from "../../src/protocol/barsFile.js";
import {formatMarketSymbol, parseMarketSymbolSlug} from "../../src/protocol/symbol.js";

const {values} = parseArgs({options: {symbol: {type: "string"}}});
const symbol = formatMarketSymbol(parseMarketSymbolSlug(values.symbol ?? ""));
const config = notebookConfig(process.env);
const {symbols} = await coverage(config);
// The window ends at the latest trade of all covered symbols, so every page shows the same hours.
const loaded = await loadLakeBars(config.lake, [symbol], {
  interval: intervalMs(config.interval),
  lookbackMs: config.lookbackMs,
  anchor: symbols,
});
// Whether the recorder is still loading this symbol's history (record --history): the page says so.
const history = await historyStatus(config, [symbol]);
process.stdout.write(encodeBarsFile(loaded, {interval: config.interval, builtAt: Date.now(), liveUrl: config.liveUrl, history}));
