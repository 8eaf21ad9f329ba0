// One writer per lake, one source per lake, with real `pairbook record` and `pairbook import` processes:
// a second writer exits 5 while the first keeps recording; kill -9 leaves a stale lock the next start
// takes over; simulated and real trades never share a lake (exit 6).
import {type ChildProcess, spawn} from "node:child_process";
import {mkdir, mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import {recordArgv} from "../../cli/recordArgv.js";
import {LakeLockedError} from "../../lake/lock.js";
import {archiveSource, checkLakeSource, LakeSourceError, recordingSource} from "../../lake/source.js";
import {startRecorder} from "../../recorder/recorder.js";
import {startSimulator, type Simulator} from "../../simulator/index.js";
import {pairbook} from "../cli/pairbook.js";

const symbols = ["BTCUSDT", "ETHUSDT"];
let root: string, simulator: Simulator, csv: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pairbook-lakelock-"));
  simulator = await startSimulator({port: 0, symbols, rate: 200, seed: 21});
  // A one-row Binance spot archive CSV (id, price, qty, quote qty, time ms, buyer maker, best match).
  csv = join(root, "BTCUSDT-trades-2024-08-09.csv");
  await writeFile(csv, "1,60000.0,0.001,60.0,1723161600000,True,True\n");
});
afterAll(async () => {
  await simulator?.close();
  await rm(root, {recursive: true, force: true});
});

const recordArgs = (lake: string) => recordArgv({symbols, lake, wsUrl: simulator.wsUrl, restUrl: simulator.restUrl, publishInterval: 0.5});

/** Starts `pairbook record`; resolves once it is recording, with its live port and every line it printed. */
async function record(lake: string): Promise<{child: ChildProcess; port: number; lines: string[]}> {
  const child = spawn(process.execPath, ["cli/pairbook.js", ...recordArgs(lake)], {stdio: ["ignore", "pipe", "pipe"]});
  const lines: string[] = [];
  createInterface({input: child.stderr}).on("line", (line) => lines.push(line));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({input: child.stdout}).on("line", (line) => {
      lines.push(line);
      const match = /live feed ws:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`record exited with ${code}:\n${lines.join("\n")}`)));
  });
  return {child, port, lines};
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", (code) => resolve(code))));

async function tradesRecorded(port: number): Promise<number> {
  const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {symbols: Record<string, {trades: number}>};
  return Object.values(health.symbols).reduce((n, s) => n + s.trades, 0);
}

/** Asserts a run failed with `code` and exactly one line on stderr matching `line`. */
function failedWith(run: {code: number | null; stderr: string}, code: number, line: RegExp): void {
  expect(
    run.stderr.split("\n").filter((l) => l !== ""),
    run.stderr,
  ).toHaveLength(1);
  expect(run.stderr.trimEnd()).toMatch(line);
  expect(run.code).toBe(code);
}

describe("one writer per lake (pairbook record, pairbook import)", () => {
  it("a second record exits 5 naming the holder while the first keeps recording; import is refused too; after kill -9 the next record takes over", async () => {
    const lake = join(root, "held");
    const first = await record(lake);
    try {
      const pid = first.child.pid!;
      const holder = new RegExp(`is in use by pairbook record \\(pid ${pid}, since [^)]+\\): one writer per lake$`);
      failedWith(await pairbook(recordArgs(lake)), 5, new RegExp(`^pairbook record: the lake at ${lake} ${holder.source}`));
      failedWith(await pairbook(["import", "--lake", lake, csv]), 5, new RegExp(`^pairbook import: the lake at ${lake} ${holder.source}`));
      // The first recorder never noticed.
      const before = await tradesRecorded(first.port);
      await vi.waitFor(async () => expect(await tradesRecorded(first.port)).toBeGreaterThan(before + 20), {timeout: 20_000, interval: 100});
      expect(first.child.exitCode).toBeNull();

      first.child.kill("SIGKILL");
      await exited(first.child);
      const next = await record(lake);
      expect(next.lines.some((l) => l.includes(`lake: took over the lock of pairbook record (pid ${pid}, since`))).toBe(true);
      const start = await tradesRecorded(next.port);
      await vi.waitFor(async () => expect(await tradesRecorded(next.port)).toBeGreaterThan(start), {timeout: 20_000, interval: 100});
      next.child.kill("SIGTERM");
      expect(await exited(next.child)).toBe(0);
    } finally {
      first.child.kill("SIGKILL");
    }
    // Released on a clean stop: an import may now run (and is refused only for its source, exit 6).
    failedWith(
      await pairbook(["import", "--lake", lake, csv]),
      6,
      new RegExp(
        `^pairbook import: the lake at ${lake} holds simulated trades; refusing to import Binance trades into it \\(simulated and real trades never share a lake: use another --lake; the demo's is ./data-demo\\)$`,
      ),
    );
    // A lake recorded from the simulator refuses Binance, before any request to it.
    failedWith(
      await pairbook([
        "record",
        "--lake",
        lake,
        "--ws-url",
        "wss://stream.binance.com:9443",
        "--rest-url",
        "https://api.binance.com",
        "--live-port",
        "0",
      ]),
      6,
      new RegExp(`^pairbook record: the lake at ${lake} holds simulated trades; refusing to record Binance trades into it`),
    );
  }, 120_000);

  it("a lake imported from Binance archives refuses the simulator; mixed local and remote endpoints are refused", async () => {
    const lake = join(root, "archive");
    const imported = await pairbook(["import", "--lake", lake, csv]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(lake, "source.json"), "utf8"))).toMatchObject({source: "binance", by: "pairbook import"});
    failedWith(
      await pairbook(recordArgs(lake)),
      6,
      new RegExp(`^pairbook record: the lake at ${lake} holds Binance trades; refusing to record simulated trades into it`),
    );
    failedWith(
      await pairbook([
        "record",
        "--lake",
        join(root, "mixed"),
        "--ws-url",
        simulator.wsUrl,
        "--rest-url",
        "https://api.binance.com",
        "--live-port",
        "0",
      ]),
      6,
      /^pairbook record: --ws-url ws:\/\/127\.0\.0\.1:\d+ and --rest-url https:\/\/api\.binance\.com are not the same source/,
    );
  }, 60_000);
});

describe("recordingSource", () => {
  it("counts every local endpoint, any port, as the simulator, and Binance's spot hosts as one exchange", () => {
    for (const [ws, rest] of [
      ["ws://127.0.0.1:1", "http://127.0.0.1:1"],
      ["ws://localhost:9443", "http://127.0.0.1:40000"],
      ["ws://[::1]:5", "http://[::1]:6"],
    ]) {
      expect(recordingSource(ws, rest).source).toBe("simulator");
    }
    expect(recordingSource("wss://stream.binance.com:9443", "https://api.binance.com").source).toBe("binance");
    expect(recordingSource("wss://data-stream.binance.vision", "https://data-api.binance.vision").source).toBe("binance");
    // USD-M is the same exchange: a recording of BTCUSDT and usdm:BTCUSDT from Binance is one source.
    expect(recordingSource("wss://fstream.binance.com", "https://fapi.binance.com").source).toBe("binance");
    expect(recordingSource("wss://stream.binance.us:9443", "https://api.binance.us").source).toBe("api.binance.us");
    expect(() => recordingSource("ws://127.0.0.1:1", "https://api.binance.com")).toThrow(LakeSourceError);
  });
});

describe("checkLakeSource", () => {
  it("reads a lake written before perpetuals (binance-spot) as Binance: Binance writers go on, the simulator is refused", async () => {
    const lake = join(root, "binance-spot");
    await mkdir(lake, {recursive: true});
    await writeFile(join(lake, "source.json"), JSON.stringify({source: "binance-spot", by: "pairbook import"}));
    await expect(checkLakeSource(lake, archiveSource, "import")).resolves.toMatchObject({source: "binance-spot"});
    await expect(
      checkLakeSource(lake, recordingSource("wss://fstream.binance.com", "https://fapi.binance.com"), "record"),
    ).resolves.not.toBeNull();
    await expect(checkLakeSource(lake, recordingSource("ws://127.0.0.1:1", "http://127.0.0.1:1"), "record")).rejects.toThrow(
      /holds Binance trades; refusing to record simulated trades into it/,
    );
  });
});

describe("startRecorder", () => {
  it("refuses a lake another recorder of this process holds, and takes it once that one stopped", async () => {
    const lake = join(root, "in-process");
    const config = {
      symbols,
      lake,
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      liveHost: "127.0.0.1",
      livePort: 0,
      publishMs: 300,
      log: () => {},
    };
    const first = await startRecorder(config);
    try {
      await expect(startRecorder(config)).rejects.toBeInstanceOf(LakeLockedError);
    } finally {
      await first.stop();
    }
    const second = await startRecorder(config);
    await second.stop();
  }, 60_000);
});
