// simulate → record → lake → loader, over real sockets on 127.0.0.1, with the real recorder.
import {mkdtemp, readdir, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import WebSocket from "ws";
import {loadLakeBars} from "../../loaders/lakeBars.js";
import {startRecorder, type Recorder} from "../../recorder/recorder.js";
import {startSimulator, type Simulator} from "../../simulator/index.js";
import {decodeBarsFile, encodeBarsFile} from "../../src/protocol/barsFile.js";
import {lakeIdCounts} from "../recorder/lakeIdCounts.js";

const symbols = ["BTCUSDT", "ETHUSDT"];
let lake: string, simulator: Simulator, recorder: Recorder;
let sent: Record<string, {first: number; last: number; count: number}>;
const liveBars = new Map<string, {start: number; close: number; count: number; volume: number}>();

beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-pipeline-"));
  simulator = await startSimulator({port: 0, symbols, rate: 200, seed: 3});
  recorder = await startRecorder({
    symbols,
    lake,
    wsUrl: simulator.wsUrl,
    restUrl: simulator.restUrl,
    liveHost: "127.0.0.1",
    livePort: 0,
    publishMs: 500,
    log: () => {},
  });
  // A page's view of the live feed, subscribed from the start.
  const client = new WebSocket(`ws://127.0.0.1:${recorder.livePort}`);
  await new Promise((resolve) => client.once("open", resolve));
  client.send(JSON.stringify({type: "subscribe", symbols, interval: "1s"}));
  client.on("message", (data) => {
    const m = JSON.parse(data.toString());
    for (const bar of m.type === "bar" ? [m.bar] : m.type === "snapshot" ? m.bars : []) liveBars.set(`${m.symbol}|${bar.start}`, bar);
  });
  // Let trades flow until both symbols have a few seconds' worth in the published lake.
  await vi.waitFor(
    () => {
      const health = recorder.health() as {tradesPublished: number};
      if (health.tradesPublished < 1500) throw new Error("waiting for trades");
    },
    {timeout: 20_000, interval: 100},
  );
  await simulator.close(); // stop the source first: everything it sent reaches the recorder
  sent = simulator.sent();
  await recorder.stop();
  client.close();
}, 40_000);

afterAll(async () => rm(lake, {recursive: true, force: true}));

describe("simulate → record → lake → loader", () => {
  it("the lake holds every trade id the simulator sent, exactly once", async () => {
    const rows = await lakeIdCounts(lake);
    expect(rows.map((r) => r.symbol)).toEqual(symbols);
    for (const row of rows) {
      const s = sent[row.symbol];
      expect(row.n).toBe(s.count);
      expect(row.ids).toBe(s.count);
      expect(row.lo).toBe(s.first);
      expect(row.hi).toBe(s.last);
      expect(Number(row.hi) - Number(row.lo) + 1).toBe(row.n); // no hole
    }
  });

  it("no temporary file is left in the lake", async () => {
    const files = (await readdir(join(lake, "ticks"), {recursive: true})).map(String);
    expect(files.filter((f) => f.endsWith(".parquet")).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("the loader's bars equal the live feed's bars for the same trades", async () => {
    const loaded = await loadLakeBars(lake, symbols, {interval: 1000, lookbackMs: 3600_000});
    let compared = 0;
    for (const {symbol, bars: columns} of loaded.legs) {
      for (let k = 0; k < columns.start.length; ++k) {
        const live = liveBars.get(`${symbol}|${columns.start[k]}`);
        if (columns.count[k] === 0) {
          expect(live).toBeUndefined();
          continue;
        }
        expect(live).toBeDefined();
        expect(live!.count).toBe(columns.count[k]);
        expect(live!.close).toBe(columns.close[k]);
        expect(live!.volume).toBeCloseTo(columns.volume[k], 9);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(4);
  });

  it("the pages' bars file (loadLakeBars → encodeBarsFile) holds every trade on one 1 s grid", async () => {
    const bytes = encodeBarsFile(await loadLakeBars(lake, symbols, {interval: 1000, lookbackMs: 3600_000}), {
      interval: "1s",
      builtAt: 1234,
      liveUrl: "ws://127.0.0.1:1",
    });
    const file = decodeBarsFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(file.meta).toMatchObject({
      symbols,
      interval: "1s",
      builtAt: 1234,
      trades: {BTCUSDT: sent.BTCUSDT.count, ETHUSDT: sent.ETHUSDT.count},
    });
    expect(file.time.length).toBeGreaterThan(4);
    for (let i = 1; i < file.time.length; ++i) expect(file.time[i] - file.time[i - 1]).toBe(1000);
    for (const symbol of symbols) expect([...file.symbols.get(symbol)!.bars.count].reduce((x, y) => x + y, 0)).toBe(sent[symbol].count);
  });
});
