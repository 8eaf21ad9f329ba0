// The simulator's public archive: each whole UTC day before today that the kept trades reach, as a
// daily trades zip and its `.CHECKSUM` in data.binance.vision's layout
// (/data/spot/daily/trades/<SYMBOL>/<SYMBOL>-trades-<date>.zip), for `record --history` and `import
// --base-url`. Rows as Binance writes them (no header, ms times). A day is built once and kept.
import {createHash} from "node:crypto";
import type {IncomingMessage, ServerResponse} from "node:http";
import {crc32, deflateRawSync} from "node:zlib";
import {formatBigUnits, formatUnits, multiplyUnits} from "./decimal.js";
import type {Market} from "./market.js";
import type {TradeHistory} from "./tradeHistory.js";
import type {Venue} from "./venue.js";

const route = /^\/data\/spot\/daily\/trades\/([A-Z0-9]+)\/\1-trades-(\d{4}-\d{2}-\d{2})\.zip(\.CHECKSUM)?$/;

/**
 * A handler for the archive routes, or undefined for other paths (the caller answers those). 404 for a
 * day that is today or later, or holds no kept trade.
 */
export function archiveHandler(
  histories: ReadonlyMap<string, TradeHistory>,
  now: () => number,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const built = new Map<string, {zip: Buffer; checksum: string}>();
  return (request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const match = route.exec(path);
    if (!match) return false;
    const [, symbol, date, checksum] = match;
    const dayStart = Date.parse(`${date}T00:00:00Z`);
    const history = histories.get(symbol);
    const key = `${symbol} ${date}`;
    let file = built.get(key);
    if (!file && history && dayStart + 86_400_000 <= now()) {
      const zip = dayZip(`${symbol}-trades-${date}.csv`, history, dayStart);
      if (zip)
        built.set(key, (file = {zip, checksum: `${createHash("sha256").update(zip).digest("hex")}  ${symbol}-trades-${date}.zip\n`}));
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

/** Generates the market's trades from `from` to `to` into the venue's kept history, a minute at a time (before anyone subscribes). */
export function takePast(venue: Venue, market: Market, from: number, to: number): void {
  for (let t = from; t < to; t = Math.min(to, t + 60_000)) venue.take(market.advanceTo(Math.min(to, t + 60_000)), t);
}

/** The day's kept trades as a one-entry deflated zip, or undefined when it holds none. */
function dayZip(name: string, history: TradeHistory, dayStart: number): Buffer | undefined {
  const rows = history.readTimes(dayStart, dayStart + 86_399_999, Number.MAX_SAFE_INTEGER);
  if (rows.length === 0) return undefined;
  const lines: string[] = [];
  for (let i = 0; i < rows.length; ++i) {
    const quote = formatBigUnits(multiplyUnits(rows.price[i], rows.qty[i]));
    lines.push(
      `${rows.id[i]},${formatUnits(rows.price[i])},${formatUnits(rows.qty[i])},${quote},${rows.time[i]},${rows.isBuyerMaker[i] ? "True" : "False"},True\n`,
    );
  }
  return zipOne(name, Buffer.from(lines.join("")));
}

/** A minimal zip of one deflated entry: local header, data, central directory, end record. */
function zipOne(name: string, data: Buffer): Buffer {
  const body = deflateRawSync(data),
    fileName = Buffer.from(name),
    crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + fileName.length, 12);
  end.writeUInt32LE(30 + fileName.length + body.length, 16);
  return Buffer.concat([local, fileName, body, central, fileName, end]);
}
