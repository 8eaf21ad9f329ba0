// Builds, with DuckDB and independently of lake/compact.ts, the state a kill -9 leaves between a
// compaction's publish and its deletes: 8 inputs of 100 ids each, their output holding all 800, the intent.
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {batchFileName, compactIntentName, partitionDir} from "../../lake/layout.js";

export const day = "2026-11-21";
const midnight = Date.UTC(2026, 10, 21);

/** Writes a BTCUSDT tick file of ids `from..to` on `day`, as the writer would; returns its name. */
export async function tickFile(lake: string, from: number, to: number): Promise<string> {
  const dir = partitionDir(lake, "BTCUSDT", day);
  await mkdir(dir, {recursive: true});
  const name = batchFileName(from, to);
  await withDuckDB((c) =>
    c.run(`COPY (SELECT i::BIGINT AS trade_id, timezone('UTC', epoch_ms(${midnight} + i)) AS "time", 100.0 AS price, 0.5 AS qty, false AS is_buyer_maker,
    NULL::TIMESTAMPTZ AS event_time, NULL::TIMESTAMPTZ AS receive_time FROM range(${from}, ${to + 1}) t(i))
    TO ${quotedString(join(dir, name))} (FORMAT parquet)`),
  );
  return name;
}

/** Inputs 1..800 in 8 files, the published output 1..800 and the intent listing the inputs. */
export async function crashedCompaction(lake: string): Promise<{inputs: string[]; output: string; intent: string}> {
  const inputs: string[] = [];
  for (let k = 0; k < 8; ++k) inputs.push(await tickFile(lake, k * 100 + 1, k * 100 + 100));
  const output = await tickFile(lake, 1, 800);
  const intent = join(partitionDir(lake, "BTCUSDT", day), compactIntentName(output));
  await writeFile(intent, JSON.stringify({output, inputs}));
  return {inputs, output, intent};
}
