import {resolve} from "node:path";
import {withDuckDB} from "../../lake/duckdb.js";
import {lakeSymbols} from "../../lake/reader.js";
import {ticksGlob} from "../../lake/layout.js";
import {CliError, type Command, parseFlags} from "../command.js";

export const lake: Command = {
  name: "lake",
  summary: "Summarize the tick lake: trades, distinct ids, id range and holes per symbol",
  usage: `Usage: pairbook lake [--lake ./data] [--json]

Runs, with DuckDB:
  SELECT symbol, count(*), count(DISTINCT trade_id), min(trade_id), max(trade_id), min(time), max(time)
  FROM read_parquet('<lake>/ticks/**/*.parquet', hive_partitioning = true) GROUP BY symbol
"missing ids" counts ids between the first and last that are not in the lake.`,
  async run(argv) {
    const {values} = parseFlags(argv, {lake: {type: "string"}, json: {type: "boolean"}});
    const dir = resolve(values.lake ?? "data");
    if ((await lakeSymbols(dir)).length === 0) throw new CliError(`no trades in ${dir} (record some with \`pairbook record\` or \`npm run demo\`)`);
    const rows = await withDuckDB(async (connection) =>
      (await connection.runAndReadAll(
        `SELECT symbol, count(*) AS trades, count(DISTINCT trade_id) AS ids, min(trade_id) AS first_id, max(trade_id) AS last_id,
                max(trade_id) - min(trade_id) + 1 - count(DISTINCT trade_id) AS missing_ids, count(DISTINCT filename) AS files,
                strftime(min(time), '%Y-%m-%d %H:%M:%S') AS first_time, strftime(max(time), '%Y-%m-%d %H:%M:%S') AS last_time
         FROM read_parquet($glob, hive_partitioning = true, filename = true) GROUP BY symbol ORDER BY symbol`,
        {glob: ticksGlob(dir)}
      )).getRowObjectsJson()
    );
    if (values.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
      return 0;
    }
    const header = ["symbol", "trades", "ids", "first_id", "last_id", "missing_ids", "files", "first_time", "last_time"];
    const table = [header, ...rows.map((r) => header.map((h) => String(r[h])))];
    const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
    process.stdout.write(`lake ${dir} (times UTC)\n` + table.map((row) => row.map((cell, i) => (i === 0 || i >= 7 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ")).join("\n") + "\n");
    return 0;
  }
};
