// Data loader: lake coverage by symbol × date, gaps, ingest per minute, latest prices and the pair
// reports of this build, as JSON (see loaders/overview.ts; PAIRBOOK_* variables in loaders/config.ts).
import {coverage, notebookConfig} from "../../loaders/config.js";
import {historyStatus} from "../../loaders/historyStatus.js";
import {overview} from "../../loaders/overview.js";

const config = notebookConfig(process.env);
const {symbols, pairs} = await coverage(config);
// With the recorder's history loading of these symbols, when it is still going (loaders/historyStatus.ts).
process.stdout.write(JSON.stringify({...(await overview(config, symbols, pairs)), history: await historyStatus(config, symbols)}));
