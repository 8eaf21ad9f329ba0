// Data loader: bars of every configured symbol (default: all in the lake) at the base interval over
// the lookback, with gap flags, as Arrow IPC (see loaders/config.ts for the PAIRBOOK_* variables).
import {coverage, notebookConfig} from "../../loaders/config.js";
import {encodeBarsFile} from "../../src/protocol/barsFile.js";
import {loadLakeBars} from "../../loaders/lakeBars.js";
import {intervalMs} from "../../src/lib/bars.js";

const config = notebookConfig(process.env);
const {symbols} = await coverage(config);
const loaded = await loadLakeBars(config.lake, symbols, {interval: intervalMs(config.interval), lookbackMs: config.lookbackMs});
process.stdout.write(encodeBarsFile(loaded, {interval: config.interval, builtAt: Date.now(), liveUrl: config.liveUrl}));
