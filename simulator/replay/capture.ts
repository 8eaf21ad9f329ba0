import {createReadStream} from "node:fs";
import {createInterface} from "node:readline";
import {createGunzip} from "node:zlib";
import {isSymbol} from "../../src/protocol/symbol.js";
import {emptySymbolTrades, mergeTrades, type RecordedTrades, type SymbolTrades} from "./recordedTrades.js";

/** How much of a capture was kept. */
export interface CaptureSummary {
  readonly lines: number;
  readonly trades: number;
  /** Lines that were not a spot `@trade` message (bookTicker, depth, snapshots…). */
  readonly skipped: number;
}

/**
 * Reads raw WebSocket captures in the `<recv_ns> <json>` format (one message per line, gzip when
 * the name ends in .gz; as in ../shared/data/real/hftbacktest-binance-ws), keeping the `@trade`
 * messages — combined-stream envelopes or bare payloads — with their exact fields. Files of the
 * same symbol continue each other; symbols are merged by receive time. Throws Error naming the file
 * and line of a trade message whose fields are not Binance's (price and qty must be decimal strings
 * with at most 8 decimals). Streams the files: memory is the kept trades only (≈ 60 bytes a trade).
 *
 *   const {trades} = await readCaptures(["spot/btcusdt_20240808.gz", "spot/btcusdt_20240809.gz"]);
 */
export async function readCaptures(files: readonly string[]): Promise<{trades: RecordedTrades; summary: CaptureSummary}> {
  const symbols: string[] = [],
    perSymbol: SymbolTrades[] = [];
  let lines = 0,
    trades = 0,
    skipped = 0;
  for (const file of files) {
    const input = createReadStream(file);
    const reader = createInterface({input: file.endsWith(".gz") ? input.pipe(createGunzip()) : input, crlfDelay: Infinity});
    input.on("error", (error) => reader.emit("error", error));
    let lineNumber = 0;
    for await (const line of reader) {
      (++lineNumber, ++lines);
      const space = line.indexOf(" ");
      // Only lines that can be trades are parsed: most of a capture is order book data.
      if (space < 0 || !line.includes('"trade"')) {
        ++skipped;
        continue;
      }
      const message = JSON.parse(line.slice(space + 1)) as unknown;
      const data =
        isObject(message) && typeof message.stream === "string" ? (message.stream.endsWith("@trade") ? message.data : undefined) : message;
      if (!isObject(data) || data.e !== "trade") {
        ++skipped;
        continue;
      }
      const where = `${file}:${lineNumber}`;
      const {s, t, p, q, T, E, m} = data;
      if (!isSymbol(s)) throw new Error(`${where}: trade without a valid symbol "s"`);
      if (!isInteger(t) || !isInteger(T) || !isInteger(E) || typeof m !== "boolean")
        throw new Error(`${where}: trade with invalid t, T, E or m`);
      let k = symbols.indexOf(s);
      if (k < 0) ((k = symbols.push(s) - 1), perSymbol.push(emptySymbolTrades()));
      const into = perSymbol[k];
      into.id.push(t);
      into.time.push(T);
      into.eventTime.push(E);
      into.price.push(decimalUnits(p, `${where}: price`));
      into.qty.push(decimalUnits(q, `${where}: qty`));
      into.isBuyerMaker.push(m);
      into.pace.push(Number(line.slice(0, space)) / 1e6);
      ++trades;
    }
  }
  return {trades: mergeTrades(symbols, perSymbol), summary: {lines, trades, skipped}};
}

/** "61837.63000000" → 6183763000000 exactly (digit by digit, no float rounding). */
export function decimalUnits(text: unknown, what: string): number {
  const match = typeof text === "string" ? /^(\d+)(?:\.(\d{1,8}))?$/.exec(text) : null;
  const units = match ? Number(match[1] + (match[2] ?? "").padEnd(8, "0")) : NaN;
  if (!Number.isSafeInteger(units)) throw new Error(`${what} ${JSON.stringify(text)} is not a decimal string with at most 8 decimals`);
  return units;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
