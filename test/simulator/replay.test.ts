import {spawn} from "node:child_process";
import {once} from "node:events";
import {existsSync, readFileSync} from "node:fs";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {gunzipSync} from "node:zlib";
import {afterEach, describe, expect, it} from "vitest";
import WebSocket from "ws";
import {LakeWriter} from "../../lake/writer.js";
import {readCaptures} from "../../simulator/replay/capture.js";
import {readLake} from "../../simulator/replay/lake.js";
import {ReplaySource} from "../../simulator/replay/replaySource.js";
import {startSimulator, type Simulator} from "../../simulator/server.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const spot = join(repo, "../shared/data/real/hftbacktest-binance-ws/spot");
const captureFiles = ["btcusdt_20240808.gz", "btcusdt_20240809.gz", "ethusdt_20240808.gz", "ethusdt_20240809.gz"].map((f) => join(spot, f));
const haveCapture = captureFiles.every((f) => existsSync(f));

const running: Simulator[] = [];
const temps: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  await Promise.all(temps.splice(0).map((d) => rm(d, {recursive: true, force: true})));
});

/** A socket's text frames, awaitable by count. */
class Inbox {
  readonly texts: string[] = [];
  closed: number | undefined;
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      this.texts.push(data.toString("utf8"));
      this.wake();
    });
    ws.on("close", (code) => ((this.closed = code), this.wake()));
  }
  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  async take(n: number): Promise<string[]> {
    while (this.texts.length < n) {
      if (this.closed !== undefined) throw new Error(`socket closed (${this.closed}) after ${this.texts.length} of ${n} messages`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.texts.slice(0, n);
  }
}

async function connect(url: string): Promise<Inbox> {
  const ws = new WebSocket(url);
  const inbox = new Inbox(ws);
  await once(ws, "open");
  return inbox;
}

/**
 * The capture's @trade messages read independently of simulator/replay: [recv_ns, JSON text] in receive
 * order across files (a stable sort, so equal receive times keep file order).
 */
function captureTradeLines(): Array<{recv: bigint; text: string}> {
  const out: Array<{recv: bigint; text: string}> = [];
  for (const file of captureFiles) {
    for (const line of gunzipSync(readFileSync(file)).toString("utf8").split("\n")) {
      const space = line.indexOf(" ");
      const text = line.slice(space + 1);
      if (text.startsWith('{"stream":"') && JSON.parse(text).stream.endsWith("@trade"))
        out.push({recv: BigInt(line.slice(0, space)), text});
    }
  }
  return out.sort((a, b) => (a.recv < b.recv ? -1 : a.recv > b.recv ? 1 : 0));
}

describe("replay of a raw capture", () => {
  it.skipIf(!haveCapture)(
    'ReplaySource(readCaptures(spot files), {speed: "max"}) delivers exactly the capture\'s trade messages, byte for byte, in order; historicalTrades serves them',
    async () => {
      const expected = captureTradeLines();
      expect(expected.length).toBe(9757 + 10147 + 6106 + 8409);
      const {trades, summary} = await readCaptures(captureFiles);
      expect(summary.trades).toBe(expected.length);
      let exhausted = 0;
      const sim = await startSimulator({
        port: 0,
        source: new ReplaySource(trades, {speed: "max"}),
        pingIntervalMs: 50,
        onExhausted: () => ++exhausted,
      });
      running.push(sim);
      const inbox = await connect(`${sim.wsUrl}/stream?streams=btcusdt@trade/ethusdt@trade`);
      const received = await inbox.take(expected.length);
      // The combined-stream message is the capture's line verbatim: same ids, price and qty strings, T, E, m, M, key order.
      const mismatch = received.findIndex((text, i) => text !== expected[i].text);
      expect(mismatch === -1 ? undefined : [received[mismatch], expected[mismatch].text]).toBeUndefined();
      expect(exhausted).toBe(1);
      // Exhausted: the connection stays open, idle, and is still pinged.
      await once(inbox.ws, "ping");
      expect(inbox.ws.readyState).toBe(WebSocket.OPEN);
      expect(inbox.texts.length).toBe(expected.length);

      const eth = expected.map((e) => JSON.parse(e.text).data).filter((d) => d.s === "ETHUSDT");
      const response = await fetch(`${sim.restUrl}/api/v3/historicalTrades?symbol=ETHUSDT&fromId=${eth[100].t}&limit=1000`);
      const rows = (await response.json()) as any[];
      expect(rows.map((r) => [r.id, r.price, r.qty, r.time, r.isBuyerMaker])).toEqual(
        eth.slice(100, 1100).map((d) => [d.t, d.p, d.q, d.T, d.m]),
      );
      expect(sim.sent()).toEqual({
        BTCUSDT: {first: 3735683259, last: 3735703162, count: 9757 + 10147},
        ETHUSDT: {first: 1520538925, last: 1520553439, count: 6106 + 8409},
      });
    },
  );

  it.skipIf(!haveCapture)(
    "pairbook replay --capture … --speed max --exit-when-done serves every trade, closes with 1000 and exits 0",
    async () => {
      const proc = runReplay([
        "--capture",
        captureFiles.filter((f) => f.includes("eth")).join(","),
        "--port",
        "0",
        "--speed",
        "max",
        "--exit-when-done",
      ]);
      const [, wsUrl] = await proc.line(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
      const inbox = await connect(`${wsUrl}/ws/ethusdt@trade`);
      const closed = once(inbox.ws, "close");
      expect(await proc.exit).toBe(0);
      const [code] = await closed;
      expect(code).toBe(1000);
      const ids = inbox.texts.map((t) => JSON.parse(t).t);
      expect(ids.length).toBe(6106 + 8409);
      expect(ids.every((id, i) => id === 1520538925 + i)).toBe(true);
      expect(proc.output().stdout).toMatch(/ETHUSDT: 14515 trades, ids 1520538925\.\.1520553439/);
      expect(proc.output().stdout).toMatch(/done, 14515 trades replayed/);
    },
  );
});

describe("replay from the lake", () => {
  /** Writes a small two-symbol lake spanning a UTC midnight; returns the trades written, in time order. */
  async function writeLake() {
    const lake = await mkdtemp(join(tmpdir(), "pairbook-replay-"));
    temps.push(lake);
    const writer = await LakeWriter.open(lake, ["BTCUSDT", "ETHUSDT"]);
    const t0 = Date.UTC(2026, 2, 1) - 400; // 400 ms before midnight: two date partitions
    const written: Array<{symbol: string; id: number; time: number; price: string; qty: string; m: boolean}> = [];
    for (let i = 0; i < 400; ++i) {
      const symbol = i % 3 === 0 ? "ETHUSDT" : "BTCUSDT";
      const id = (symbol === "BTCUSDT" ? 5_000_000_000 : 2_000_000_000) + i;
      const price =
        symbol === "BTCUSDT" ? `${61_000 + (i % 50)}.${String(i % 100).padStart(2, "0")}` : `2683.${String(i % 100).padStart(2, "0")}`;
      const qty = `0.${String(1 + i).padStart(5, "0")}`;
      const trade = {id, time: t0 + i * 2, price: Number(price), qty: Number(qty), isBuyerMaker: i % 2 === 0};
      writer.add(symbol, trade);
      written.push({symbol, id, time: trade.time, price: Number(price).toFixed(8), qty: Number(qty).toFixed(8), m: trade.isBuyerMaker});
      if (i === 150) await writer.flush(); // several files per partition
    }
    await writer.close();
    return {lake, written, t0};
  }

  it("ReplaySource(readLake(…)) delivers the lake's trades with 8-decimal strings, E = T, in time order", async () => {
    const {lake, written} = await writeLake();
    const trades = await readLake(lake, ["BTCUSDT", "ETHUSDT"]);
    expect(trades.length).toBe(400);
    const sim = await startSimulator({port: 0, source: new ReplaySource(trades, {speed: "max"})});
    running.push(sim);
    const inbox = await connect(`${sim.wsUrl}/stream?streams=btcusdt@trade/ethusdt@trade`);
    const received = (await inbox.take(400)).map((t) => JSON.parse(t));
    expect(received.map((m) => [m.stream, m.data.s, m.data.t, m.data.p, m.data.q, m.data.T, m.data.E, m.data.m])).toEqual(
      written.map((w) => [`${w.symbol.toLowerCase()}@trade`, w.symbol, w.id, w.price, w.qty, w.time, w.time, w.m]),
    );
  });

  it("readLake(…, {from, to}) replays only that window, and speed 4 takes about a quarter of its span", async () => {
    const {lake, written, t0} = await writeLake();
    const from = t0 + 200,
      to = t0 + 600; // trades 100..299, 400 ms of trade time
    const window = written.filter((w) => w.time >= from && w.time < to);
    const trades = await readLake(lake, ["BTCUSDT", "ETHUSDT"], {from, to});
    expect(Array.from(trades.id)).toEqual(window.map((w) => w.id));
    const sim = await startSimulator({port: 0, source: new ReplaySource(trades, {speed: 4})});
    running.push(sim);
    const inbox = await connect(`${sim.wsUrl}/ws/btcusdt@trade`);
    await inbox.take(1);
    const firstAt = performance.now();
    const btc = window.filter((w) => w.symbol === "BTCUSDT");
    await inbox.take(btc.length);
    const elapsed = performance.now() - firstAt;
    const span = (btc.at(-1)!.time - btc[0].time) / 4;
    expect(elapsed).toBeGreaterThan(span - 30);
    expect(inbox.texts.map((t) => JSON.parse(t).t)).toEqual(btc.map((w) => w.id));
  });
});

/** Runs cli/commands/replay.ts as `pairbook replay` would (cli/main.ts wires the command name). */
function runReplay(args: string[]) {
  const module = new URL("../../cli/commands/replay.ts", import.meta.url).href;
  const script = `import {register} from "tsx/esm/api"; register(); const {replay} = await import(${JSON.stringify(module)}); process.exitCode = await replay.run(process.argv.slice(1));`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, "--", ...args], {
    cwd: repo,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "",
    stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = once(child, "exit").then(([code]) => code as number);
  const line = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout);
        if (match) resolve(match);
      };
      child.stdout.on("data", check);
      check();
      void exit.then(() => reject(new Error(`exited before printing ${pattern}: ${stdout}${stderr}`)));
    });
  return {child, exit, line, output: () => ({stdout, stderr})};
}
