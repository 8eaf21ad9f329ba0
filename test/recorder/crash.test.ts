// kill -9 at arbitrary moments, then restart: the lake must end with every id exactly once.
import {type ChildProcess, spawn} from "node:child_process";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {gapsGlob} from "../../lake/layout.js";
import {startSimulator, type Simulator} from "../../simulator/index.js";
import {recordArgv} from "../../cli/recordArgv.js";
import {lakeIdCounts} from "./lakeIdCounts.js";

const symbols = ["BTCUSDT", "ETHUSDT"];
let lake: string, simulator: Simulator;
const output: string[] = [];

beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-crash-"));
  simulator = await startSimulator({port: 0, symbols, rate: 400, seed: 11});
});
afterAll(async () => {
  await simulator?.close();
  await rm(lake, {recursive: true, force: true});
});

/** Starts `pairbook record` and resolves once it has stored at least `trades` trades this run. */
async function record(trades: number, {publishInterval = 0.3, synced = false, settle = false} = {}): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["cli/pairbook.js", ...recordArgv({symbols, lake, wsUrl: simulator.wsUrl, restUrl: simulator.restUrl, publishInterval})],
    {stdio: ["ignore", "pipe", "pipe"]},
  );
  const lines = createInterface({input: child.stdout});
  const port = await new Promise<number>((resolve, reject) => {
    lines.on("line", (line) => {
      output.push(line);
      const match = /live feed ws:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`record exited with ${code}`)));
  });
  let publishedAtStart: number | undefined; // publishes of what a previous run left in the log
  for (;;) {
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
      symbols: Record<string, {trades: number; openGap: unknown}>;
      unsyncedTrades: number;
      tradesPublished: number;
    };
    publishedAtStart ??= health.tradesPublished;
    // `trades` counts backfilled ones too: also wait for the restart's backfill to be over, or the
    // last stop below would interrupt it and leave the rest of the hole as a (correct) unfilled gap.
    const settled = !settle || Object.values(health.symbols).every((s) => s.openGap === null);
    if (
      settled &&
      Object.values(health.symbols).every((s) => s.trades >= trades) &&
      (!synced || (health.unsyncedTrades === 0 && health.tradesPublished === publishedAtStart))
    )
      return child;
    await new Promise((resolve) => setTimeout(resolve, 20)); // polling a server we do not control the timing of
  }
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

describe("pairbook record under kill -9", () => {
  it("restarts resume from the last stored id, backfill the hole, and store every id exactly once", async () => {
    // Kills at arbitrary moments (right after the first trade, mid-publish…), and one where every
    // received trade is in the fsynced log but none is published yet.
    for (const [trades, options] of [
      [1, {}],
      [120, {publishInterval: 60, synced: true}],
      [30, {}],
      [200, {}],
    ] as const) {
      const child = await record(trades, options);
      child.kill("SIGKILL");
      await exited(child);
    }
    const last = await record(100, {settle: true});
    // Stop the source, then the recorder: everything sent must be in the lake.
    await simulator.close();
    last.kill("SIGTERM");
    expect(await exited(last)).toBe(0);
    const sent = simulator.sent();
    const rows = await lakeIdCounts(lake);
    for (const row of rows) {
      const s = sent[row.symbol];
      expect(row.n).toBe(row.ids); // no duplicates
      expect(row.lo).toBe(s.first); // the first id ever streamed to the recorder
      expect(row.hi).toBe(s.last); // the last id the simulator sent
      expect(row.n).toBe(s.last - s.first + 1); // no hole: restarts were backfilled
    }
    const gaps = await withDuckDB(async (c) =>
      (await c.runAndReadAll(`SELECT symbol, cause, filled FROM read_parquet($glob)`, {glob: gapsGlob(lake)})).getRowObjectsJS(),
    );
    expect(gaps.length).toBeGreaterThan(0);
    // The second kill hit trades that were in the write-ahead log but not yet in Parquet.
    expect(output.some((line) => /published \d+ trades from the log a previous run left/.test(line))).toBe(true);
    expect(gaps.every((g) => g.filled === true && g.cause === "restart")).toBe(true);
  }, 90_000);
});
