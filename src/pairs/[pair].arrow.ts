// Data loader: one pair report's bars (both legs at the base interval over the lookback, with gap
// flags), as Arrow IPC. Framework passes the page parameter as --pair=BTCUSDT-ETHUSDT.
// Only the columns the report uses are kept (time; per leg close, trade count, gap flag): at 86,400
// bars that is 2.9 MB instead of 11 MB, which the page fetches before it can draw anything.
import {parseArgs} from "node:util";
import {tableFromIPC, tableToIPC} from "apache-arrow";
import {coverage, notebookConfig, parsePairSlug} from "../../loaders/config.js";
import {encodeBarsFile} from "../../src/protocol/barsFile.js";
import {loadLakeBars} from "../../loaders/lakeBars.js";
import {intervalMs} from "../../src/lib/bars.js";

const {values} = parseArgs({options: {pair: {type: "string"}}});
const pair = parsePairSlug(values.pair ?? "");
const config = notebookConfig(process.env);
const {symbols} = await coverage(config);
// The window ends at the latest trade of all covered symbols, so every page shows the same hours.
const loaded = await loadLakeBars(config.lake, pair, {
  interval: intervalMs(config.interval),
  lookbackMs: config.lookbackMs,
  anchor: symbols,
});
const full = tableFromIPC(encodeBarsFile(loaded, {interval: config.interval, builtAt: Date.now(), liveUrl: config.liveUrl}));
const kept = ["time", ...loaded.legs.flatMap(({symbol}) => [`${symbol}.close`, `${symbol}.count`, `${symbol}.gap`])];
process.stdout.write(tableToIPC(full.select(kept), "stream"));
