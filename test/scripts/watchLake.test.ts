// The preview's lake watcher (scripts/observable.js): published tick and gap files trigger a debounced,
// rate-limited refresh of the lake's loaders; the write-ahead log and temp files do not.
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {watchLake} from "../../scripts/observable.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

describe("watchLake", () => {
  it("watchLake(lake, onChange) fires once per burst of published files, never for the log or temp files", async () => {
    const lake = await mkdtemp(join(tmpdir(), "pairbook-watch-"));
    await mkdir(join(lake, "ticks", "symbol=BTCUSDT", "date=2026-11-20"), {recursive: true});
    await mkdir(join(lake, "wal"), {recursive: true});
    let calls = 0;
    const stop = watchLake(lake, () => ++calls, {debounceMs: 100, minMs: 1000});
    cleanup = async () => (stop(), await rm(lake, {recursive: true, force: true}));
    await sleep(100);
    await writeFile(join(lake, "wal", "log-1"), "x");
    await writeFile(join(lake, "ticks", "symbol=BTCUSDT", "date=2026-11-20", ".tmp-1.parquet"), "x");
    await sleep(400);
    expect(calls).toBe(0);
    for (let i = 0; i < 5; ++i) await writeFile(join(lake, "ticks", "symbol=BTCUSDT", "date=2026-11-20", `${i}-${i}.parquet`), "x");
    await sleep(400);
    expect(calls).toBe(1);
    await mkdir(join(lake, "gaps", "date=2026-11-20"), {recursive: true});
    await writeFile(join(lake, "gaps", "date=2026-11-20", "g.parquet"), "x");
    await sleep(200);
    expect(calls).toBe(1); // rate-limited: at most once per minMs
    await sleep(800);
    expect(calls).toBe(2);
  });
});
