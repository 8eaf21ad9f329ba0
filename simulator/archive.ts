// The simulator's public archive: each whole UTC day before today that the kept trades reach, as a
// daily zip and its `.CHECKSUM` in data.binance.vision's layout, for `record --history` and `import
// --base-url`: spot trades (/data/spot/daily/trades/<SYMBOL>/<SYMBOL>-trades-<date>.zip, no header)
// and USD-M aggregate trades (/data/futures/um/daily/aggTrades/<SYMBOL>/<SYMBOL>-aggTrades-<date>.zip,
// with the header row futures archives carry). Rows as Binance writes them, ms times. A day is built
// once and kept.
import {createHash} from "node:crypto";
import type {IncomingMessage, ServerResponse} from "node:http";
import {formatBigUnits, formatUnits, multiplyUnits} from "./decimal.js";
import type {Market} from "./market.js";
import {oneEntryZip} from "./oneEntryZip.js";
import type {TradeHistory} from "./tradeHistory.js";
import type {Venue} from "./venue.js";

const route = /^\/data\/(spot|futures\/um)\/daily\/(trades|aggTrades)\/([A-Z0-9]+)\/\3-\2-(\d{4}-\d{2}-\d{2})\.zip(\.CHECKSUM)?$/;
const aggHeader = "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n";

/** The kept trades the archive serves: spot's trades and, when the simulator runs USD-M, its perpetuals' aggregate trades. */
export interface ArchiveHistories {
  readonly spot: ReadonlyMap<string, TradeHistory>;
  readonly usdm?: ReadonlyMap<string, TradeHistory>;
}

/**
 * A handler for the archive routes, or undefined for other paths (the caller answers those). 404 for a
 * day that is today or later, or holds no kept trade.
 */
export function archiveHandler(
  histories: ArchiveHistories,
  now: () => number,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const built = new Map<string, {zip: Buffer; checksum: string}>();
  return (request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const match = route.exec(path);
    if (!match) return false;
    const [, market, kind, symbol, date, checksum] = match;
    const dayStart = Date.parse(`${date}T00:00:00Z`);
    // Spot serves trades, USD-M aggregate trades; other combinations are not in the archive.
    const usdm = market !== "spot";
    const history = usdm === (kind === "aggTrades") ? (usdm ? histories.usdm : histories.spot)?.get(symbol) : undefined;
    const key = `${market} ${kind} ${symbol} ${date}`,
      name = `${symbol}-${kind}-${date}`;
    let file = built.get(key);
    if (!file && history && dayStart + 86_400_000 <= now()) {
      const zip = dayZip(`${name}.csv`, history, dayStart);
      if (zip) built.set(key, (file = {zip, checksum: `${createHash("sha256").update(zip).digest("hex")}  ${name}.zip\n`}));
    }
    if (!file) {
      response.writeHead(404, {"Content-Type": "text/plain"}).end("not found\n");
      return true;
    }
    const body = checksum ? Buffer.from(file.checksum) : file.zip;
    response.writeHead(200, {"Content-Type": checksum ? "text/plain" : "application/zip", "Content-Length": body.length}).end(body);
    return true;
  };
}

/**
 * Generates the market's trades from `from` to `to` into the venue's kept history (before anyone
 * subscribes), ten seconds at a time, and the perpetuals' with them (`usdm`, which follows spot's
 * prices, so it advances in step).
 */
export function takePast(venue: Venue, market: Market, from: number, to: number, usdm?: {advanceTo(t: number, quiet: true): void}): void {
  for (let t = from; t < to; t = Math.min(to, t + 10_000)) {
    const next = Math.min(to, t + 10_000);
    venue.take(market.advanceTo(next), t);
    usdm?.advanceTo(next, true);
  }
}

/** The day's kept trades (or aggregate trades) as a one-entry deflated zip, or undefined when it holds none. */
function dayZip(name: string, history: TradeHistory, dayStart: number): Buffer | undefined {
  const rows = history.readTimes(dayStart, dayStart + 86_399_999, Number.MAX_SAFE_INTEGER);
  if (rows.length === 0) return undefined;
  const lines: string[] = history.tradeIds ? [aggHeader] : [];
  for (let i = 0; i < rows.length; ++i) {
    const price = formatUnits(rows.price[i]),
      qty = formatUnits(rows.qty[i]);
    if (history.tradeIds)
      lines.push(
        `${rows.id[i]},${price},${qty},${rows.first[i]},${rows.last[i]},${rows.time[i]},${rows.isBuyerMaker[i] ? "true" : "false"}\n`,
      );
    else {
      const quote = formatBigUnits(multiplyUnits(rows.price[i], rows.qty[i]));
      lines.push(`${rows.id[i]},${price},${qty},${quote},${rows.time[i]},${rows.isBuyerMaker[i] ? "True" : "False"},True\n`);
    }
  }
  return oneEntryZip(name, Buffer.from(lines.join("")));
}
