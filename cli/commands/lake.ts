import {resolve} from "node:path";
import {checkLakeReadable} from "../../lake/access.js";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {tickFiles} from "../../lake/files.js";
import {resolveLeftovers} from "../../lake/leftovers.js";
import {lakeSymbols} from "../../lake/reader.js";
import {describeSource, readLakeSource} from "../../lake/source.js";
import {CliError, type Command, parseFlags, UsageError} from "../command.js";
import {lakeCliError} from "../lakeErrors.js";
import {retryVanished} from "../../lake/vanishedFiles.js";

export const lake: Command = {
  name: "lake",
  summary: "Summarize the tick lake: trades, distinct ids, id range and holes per symbol",
  usage: `Usage: pairbook lake [--lake ./data] [--json | --files]

Runs, with DuckDB, per symbol over the files pairbook's readers use (lake/files.ts: the published
tick files, without the inputs of a compaction a crash interrupted, which it first deletes):
  SELECT count(*), count(DISTINCT trade_id), min(trade_id), max(trade_id), min(time), max(time)
  FROM read_parquet([<the symbol's files>])
"missing ids" counts ids between the first and last that are not in the lake.

  --json    the table as JSON
  --files   print those files' paths instead, one a line: the exact list for other tools, safe to read
            even while a compaction runs (a file it deletes meanwhile is an error, never a row twice)

Exit codes: 0 done; 1 the lake holds no trades; 2 bad option;
            7 no lake there, or it cannot be read (not a folder, permission denied).`,
  async run(argv) {
    const {values} = parseFlags(argv, {lake: {type: "string"}, json: {type: "boolean"}, files: {type: "boolean"}});
    if (values.json && values.files) throw new UsageError("give --json or --files, not both");
    const dir = resolve(values.lake ?? "data");
    let source: string | null;
    try {
      await checkLakeReadable(dir);
      source = (await readLakeSource(dir).catch(() => null))?.source ?? null;
    } catch (error) {
      throw lakeCliError(error) ?? error;
    }
    await resolveLeftovers(dir); // so that other tools' globs read each row once too
    if (values.files) {
      const paths: string[] = [];
      for (const symbol of await lakeSymbols(dir)) paths.push(...(await tickFiles(dir, symbol)).map((f) => f.path));
      if (paths.length === 0) throw new CliError(`no trades in ${dir}`);
      process.stdout.write(paths.join("\n") + "\n");
      return 0;
    }
    // Run again from a fresh listing when a running recorder's compaction deleted a listed file meanwhile.
    const rows = await retryVanished(() =>
      withDuckDB(async (connection) => {
        const out: Record<string, unknown>[] = [];
        for (const symbol of await lakeSymbols(dir)) {
          const files = await tickFiles(dir, symbol);
          if (files.length === 0) continue;
          const [row] = (
            await connection.runAndReadAll(
              `SELECT $symbol AS symbol, count(*) AS trades, count(DISTINCT trade_id) AS ids, min(trade_id) AS first_id, max(trade_id) AS last_id,
                  max(trade_id) - min(trade_id) + 1 - count(DISTINCT trade_id) AS missing_ids, count(DISTINCT filename) AS files,
                  strftime(min(time), '%Y-%m-%d %H:%M:%S') AS first_time, strftime(max(time), '%Y-%m-%d %H:%M:%S') AS last_time
           FROM read_parquet([${files.map((f) => quotedString(f.path)).join(", ")}], filename = true)`,
              {symbol},
            )
          ).getRowObjectsJson();
          out.push(row);
        }
        return out;
      }),
    );
    if (rows.length === 0) throw new CliError(`no trades in ${dir} (record some with \`pairbook record\` or \`npm run demo\`)`);
    if (values.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
      return 0;
    }
    const header = ["symbol", "trades", "ids", "first_id", "last_id", "missing_ids", "files", "first_time", "last_time"];
    const table = [header, ...rows.map((r) => header.map((h) => String(r[h])))];
    const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
    const from = source ? `${describeSource(source)} trades; ` : "";
    process.stdout.write(
      `lake ${dir} (${from}times UTC)\n` +
        table
          .map((row) => row.map((cell, i) => (i === 0 || i >= 7 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "))
          .join("\n") +
        "\n",
    );
    return 0;
  },
};
