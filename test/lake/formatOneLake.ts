// A format-1 lake (pairbook before lake format 2), written by hand with DuckDB, independently of
// lake/: no market level, `time` a naive TIMESTAMP, one compaction a crash interrupted after its
// publish and one before, a gap record, an aggTrades file and a write-ahead log segment in the
// five-field line format.
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";

export const days = ["2026-11-20", "2026-11-21"] as const;
const midnight = {"2026-11-20": Date.UTC(2026, 10, 20), "2026-11-21": Date.UTC(2026, 10, 21)};

/** The time of trade `id` of `symbol` in this lake: ids 1..300 on the 20th, 301..600 on the 21st, one a second. */
export function timeOf(id: number): number {
  return id <= 300 ? midnight["2026-11-20"] + id * 1000 : midnight["2026-11-21"] + (id - 300) * 1000;
}

const pad = (n: number) => String(n).padStart(15, "0");

async function tickFile(lake: string, symbol: string, day: string, from: number, to: number): Promise<string> {
  const dir = join(lake, "ticks", `symbol=${symbol}`, `date=${day}`);
  await mkdir(dir, {recursive: true});
  const name = `${pad(from)}-${pad(to)}.parquet`;
  const base = midnight[day as keyof typeof midnight] - (day === "2026-11-21" ? 300_000 : 0);
  await withDuckDB((c) =>
    c.run(`COPY (SELECT i::BIGINT AS trade_id, epoch_ms(${base} + i * 1000) AS "time", 100.0 + i AS price, 0.5 AS qty, i % 2 = 0 AS is_buyer_maker
           FROM range(${from}, ${to + 1}) t(i)) TO ${quotedString(join(dir, name))} (FORMAT parquet)`),
  );
  return name;
}

/**
 * Writes the format-1 lake: BTCUSDT ids 1..600 (each once, once the compaction leftovers are
 * resolved), ETHUSDT ids 1..50, a gap record, an aggTrades file, and BTCUSDT 601..610 in the log.
 */
export async function formatOneLake(lake: string): Promise<void> {
  for (const [from, to] of [
    [1, 100],
    [101, 200],
    [201, 300],
  ])
    await tickFile(lake, "BTCUSDT", days[0], from, to);
  await tickFile(lake, "BTCUSDT", days[1], 301, 400);
  // A compaction killed between its publish and its deletes: inputs 401..450 and 451..500 beside output 401..500.
  const inputs = [await tickFile(lake, "BTCUSDT", days[1], 401, 450), await tickFile(lake, "BTCUSDT", days[1], 451, 500)];
  const output = await tickFile(lake, "BTCUSDT", days[1], 401, 500);
  const partition = join(lake, "ticks", "symbol=BTCUSDT", `date=${days[1]}`);
  await writeFile(join(partition, `.compact-${output}.json`), JSON.stringify({output, inputs}));
  // One killed before its publish: the intent names an output that does not exist; its input is the data.
  const pending = await tickFile(lake, "BTCUSDT", days[1], 501, 600);
  await writeFile(
    join(partition, `.compact-${pad(501)}-${pad(700)}.parquet.json`),
    JSON.stringify({output: `${pad(501)}-${pad(700)}.parquet`, inputs: [pending]}),
  );
  await tickFile(lake, "ETHUSDT", days[1], 1, 50);

  const gaps = join(lake, "gaps", `date=${days[1]}`);
  await mkdir(gaps, {recursive: true});
  await withDuckDB((c) =>
    c.run(`COPY (SELECT 'BTCUSDT' AS symbol, 1000::BIGINT AS from_id, 1010::BIGINT AS to_id, epoch_ms(${timeOf(600)}) AS from_time,
                  NULL::TIMESTAMP AS to_time, 'stream' AS cause, false AS filled, epoch_ms(${timeOf(600) + 5}) AS detected_at)
           TO ${quotedString(join(gaps, `BTCUSDT-1000-1010-${timeOf(600) + 5}.parquet`))} (FORMAT parquet)`),
  );
  const agg = join(lake, "aggtrades", "symbol=BTCUSDT", `date=${days[1]}`);
  await mkdir(agg, {recursive: true});
  await withDuckDB((c) =>
    c.run(`COPY (SELECT i::BIGINT AS agg_id, epoch_ms(${midnight[days[1]]} + i) AS "time", 100.0 AS price, 1.0 AS qty,
                  i * 2 AS first_trade_id, i * 2 + 1 AS last_trade_id, false AS is_buyer_maker FROM range(1, 21) t(i))
           TO ${quotedString(join(agg, `${pad(1)}-${pad(20)}.parquet`))} (FORMAT parquet)`),
  );
  const wal = join(lake, "wal", "BTCUSDT");
  await mkdir(wal, {recursive: true});
  let lines = "";
  for (let id = 601; id <= 610; ++id) lines += `${id},${timeOf(id)},${100 + id},0.5,${id % 2 === 0 ? 1 : 0}\n`;
  await writeFile(join(wal, "000000000001.csv"), lines);
}
