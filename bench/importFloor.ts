// The floor bench:import compares `pairbook import` with: unzip the archive (`unzip -p`, C) to a temp CSV,
// then DuckDB alone turns it into one Parquet file sorted by id (same compression, same thread count as
// pairbook), in this process. Usage: tsx bench/importFloor.ts ZIP OUTDIR
import {execFileSync} from "node:child_process";
import {closeSync, mkdirSync, openSync} from "node:fs";
import {join} from "node:path";
import {DuckDBInstance, quotedString} from "@duckdb/node-api";

const [zipPath, outDir] = process.argv.slice(2);
mkdirSync(outDir, {recursive: true});
const csv = join(outDir, "trades.csv");
const fd = openSync(csv, "w");
execFileSync("unzip", ["-p", zipPath], {stdio: ["ignore", fd, "inherit"]});
closeSync(fd);
const instance = await DuckDBInstance.create(":memory:", {threads: "2"});
const connection = await instance.connect();
await connection.run(
  `COPY (SELECT * FROM read_csv(${quotedString(csv)}, columns = {'id': 'BIGINT', 'price': 'DOUBLE', 'qty': 'DOUBLE',
     'quote_qty': 'DOUBLE', 'time': 'BIGINT', 'is_buyer_maker': 'BOOLEAN', 'is_best_match': 'BOOLEAN'}, header = false,
     auto_detect = false) ORDER BY id)
   TO ${quotedString(join(outDir, "trades.parquet"))} (FORMAT parquet, COMPRESSION zstd)`,
);
connection.closeSync();
instance.closeSync();
