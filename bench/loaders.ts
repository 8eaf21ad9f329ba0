// npm run bench:loaders [-- --reps N] [--lake DIR] [--old]
// The loader's resample against the DuckDB floor, in one run. A seeded one-day lake of 2,000,000 BTCUSDT
// trades (irregular times, ~23 a second, one unfilled gap of 2,000 ids) is written once with DuckDB in
// the lake's layout; then, each in a fresh child process (so each has its own peak RSS) and interleaved
// over N rounds (median reported):
//  - loader: loadLakeBars(lake, ["BTCUSDT"], {interval: 1 s, lookback: 1 day}): 86,400 bars with gap flags,
//    as a pair report's loader calls it (first and last trade times, gap records, the aggregation);
//  - floor: the plain DuckDB aggregation read into Node: GROUP BY second, first/last price by trade id,
//    high, low, volume, quote volume, count, taker buy volume, every value read into Float64Arrays;
//  - with --old: the loader before the aggregation moved into DuckDB (readTrades + resample), for the record.
// Figures are printed with the load average: the machine may be shared.
import {execFileSync} from "node:child_process";
import {existsSync} from "node:fs";
import {mkdir, rm} from "node:fs/promises";
import {cpus, loadavg} from "node:os";
import {join} from "node:path";
import {quotedString, withDuckDB} from "../lake/duckdb.js";
import {writeGap} from "../lake/gaps.js";
import {tickFileOptions, utcTimestamp} from "../lake/lakeFormat.js";
import {batchFileName, partitionDir, ticksGlob, utcDate} from "../lake/layout.js";
import {readTrades} from "../lake/reader.js";
import {loadLakeBars} from "../loaders/lakeBars.js";
import {resample} from "../src/lib/bars.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const lake = option("--lake", "/tmp/pairbook-bench/loaders-lake");
const reps = Number(option("--reps", "3"));
const symbol = "BTCUSDT",
  n = 2_000_000,
  files = 20,
  seed = 20261120,
  day = 86_400_000,
  start = Date.UTC(2026, 10, 20),
  firstId = 1_000_000,
  hole = {fromId: 1_900_000, toId: 1_901_999};

/** Writes the lake: `files` tick files of n / files trades each, times spread over the day with seeded jitter. */
async function writeLake() {
  await rm(lake, {recursive: true, force: true});
  const dir = partitionDir(lake, symbol, utcDate(start));
  await mkdir(dir, {recursive: true});
  const per = n / files;
  // hash(i, seed, salt) is DuckDB's deterministic hash: the same lake on every run.
  const uniform = (salt: number) => `(hash(i, ${seed}, ${salt}) % 1000000)::DOUBLE / 1e6`;
  const ms = `least(${start + day - 1}, greatest(${start}, ${start} + floor((i - ${firstId}) * ${day / n}) + floor(${uniform(1)} * 200) - 100))::BIGINT`;
  await withDuckDB(async (c) => {
    for (let f = 0; f < files; ++f) {
      const first = firstId + f * per,
        last = first + per - 1;
      await c.run(`COPY (SELECT i AS trade_id, ${utcTimestamp(ms)} AS time,
          round(100 + 10 * sin((i - ${firstId}) / 50000.0) + ${uniform(2)}, 2) AS price, round(0.001 + ${uniform(3)} * 3, 3) AS qty,
          ${uniform(4)} < 0.5 AS is_buyer_maker, time AS event_time, time AS receive_time
        FROM range(${first}, ${last + 1}) t(i) WHERE i NOT BETWEEN ${hole.fromId} AND ${hole.toId} ORDER BY trade_id)
        TO ${quotedString(join(dir, batchFileName(first, last)))} ${tickFileOptions(symbol)}`);
    }
    await writeGap(c, lake, {symbol, ...hole, fromTime: null, toTime: null, cause: "bench", filled: false, detectedAt: start + day});
  });
}

/** One measurement in this process: ms and the number of bars. */
async function phase(name: string): Promise<{ms: number; bars: number}> {
  const t = performance.now();
  if (name === "loader") {
    const {legs} = await loadLakeBars(lake, [symbol], {interval: 1000, lookbackMs: day});
    return {ms: performance.now() - t, bars: legs[0].bars.start.length};
  }
  if (name === "old") {
    const bars = await withDuckDB(async (c) =>
      resample(await readTrades(c, lake, symbol, {from: start, to: start + day}), 1000, {from: start, to: start + day}),
    );
    return {ms: performance.now() - t, bars: bars.start.length};
  }
  const bars = await withDuckDB(async (c) => {
    const result =
      await c.run(`SELECT (epoch_ms(time) // 1000)::DOUBLE, arg_min(price, trade_id), max(price), min(price), arg_max(price, trade_id),
        sum(qty), sum(price * qty), count(*)::DOUBLE, coalesce(sum(qty) FILTER (WHERE NOT is_buyer_maker), 0)
      FROM read_parquet(${quotedString(ticksGlob(lake, symbol))}) GROUP BY ALL`);
    const columns = Array.from({length: 9}, () => new Float64Array(86_400));
    let rows = 0;
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      for (let i = 0; i < 9; ++i) {
        const vector = chunk.getColumnVector(i);
        for (let j = 0; j < chunk.rowCount; ++j) columns[i][rows + j] = vector.getItem(j) as number;
      }
      rows += chunk.rowCount;
    }
    return rows;
  });
  return {ms: performance.now() - t, bars};
}

if (args[0] === "--phase") {
  const result = await phase(args[1]);
  console.log(JSON.stringify({...result, rssMB: process.resourceUsage().maxRSS / 1024}));
} else {
  if (!existsSync(lake)) {
    const t = performance.now();
    await writeLake();
    console.log(`bench: ${n.toLocaleString("en")}-trade lake written to ${lake} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const names = ["floor", "loader", ...(args.includes("--old") ? ["old"] : [])];
  const runs = new Map(names.map((name) => [name, [] as {ms: number; bars: number; rssMB: number}[]]));
  const loads: number[][] = [loadavg()];
  for (let r = 0; r < reps; ++r)
    for (const name of names) {
      const out = execFileSync("node_modules/.bin/tsx", ["bench/loaders.ts", "--phase", name, "--lake", lake], {encoding: "utf8"});
      runs.get(name)!.push(JSON.parse(out.trim().split("\n").at(-1)!) as {ms: number; bars: number; rssMB: number});
    }
  loads.push(loadavg());
  const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
  const floor = median(runs.get("floor")!.map((x) => x.ms));
  console.log(`resample ${n.toLocaleString("en")} trades to 1 s bars (median of ${reps}; runs in ms)`);
  for (const [name, list] of runs) {
    const ms = median(list.map((x) => x.ms));
    console.log(
      `${name.padEnd(7)} ${(ms / 1000).toFixed(2)} s  ${(ms / floor).toFixed(2)}× floor  peak RSS ${Math.max(...list.map((x) => x.rssMB)).toFixed(0)} MB` +
        `  ${list[0].bars} ${name === "floor" ? "rows (non-empty buckets)" : "bars"}  [${list.map((x) => x.ms.toFixed(0)).join(", ")}]`,
    );
  }
  console.log(
    `target: loader ≤ 1.5× floor; load average (1 min) ${loads.map((l) => l[0].toFixed(1)).join(" → ")} on ${cpus().length} cores`,
  );
}
