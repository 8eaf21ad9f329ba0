import {once} from "node:events";
import {afterEach, describe, expect, it} from "vitest";
import WebSocket from "ws";
import {parseFaults} from "../../simulator/faults.js";
import {firstTradeId, Market} from "../../simulator/market.js";
import {startSimulator, type Simulator, type SimulatorOptions} from "../../simulator/server.js";

const start = Date.UTC(2026, 0, 1);
const symbols = ["BTCUSDT", "ETHUSDT"];

const running: Simulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A simulator whose market clock moves only when the test says so (or the real clock, with `now`). */
async function simulator(options: SimulatorOptions = {}) {
  let clock = start;
  const sim = await startSimulator({port: 0, tickMs: 5, symbols, now: () => clock, ...options});
  running.push(sim);
  return {sim, advance: (ms: number) => (clock += ms)};
}

interface Frame {
  readonly text: string;
  readonly binary: boolean;
  readonly json: any;
  readonly at: number;
}

/** Every frame a socket receives (text or binary, parseable or not), awaitable by count or predicate. */
class Inbox {
  readonly frames: Frame[] = [];
  readonly pings: number[] = [];
  closed: {code: number; reason: string} | undefined;
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, binary) => {
      const text = data.toString("latin1");
      let json: unknown;
      try {
        json = binary ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      this.frames.push({text, binary, json, at: performance.now()});
      this.wake();
    });
    ws.on("ping", () => this.pings.push(performance.now()));
    ws.on("close", (code, reason) => ((this.closed = {code, reason: reason.toString()}), this.wake()));
  }
  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  /** Trades (bare or wrapped payloads) received so far. */
  trades(): any[] {
    return this.frames.map((f) => f.json?.data ?? f.json).filter((d) => d?.e === "trade");
  }
  async until(test: () => boolean, what: string): Promise<void> {
    while (!test()) {
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) before ${what}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
  takeTrades(n: number): Promise<any[]> {
    return this.until(() => this.trades().length >= n, `${n} trades`).then(() => this.trades().slice(0, n));
  }
  closedEvent(): Promise<{code: number; reason: string}> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(this.closed);
      this.ws.once("close", (code, reason) => resolve({code, reason: reason.toString()}));
    });
  }
}

async function connect(url: string): Promise<Inbox> {
  const ws = new WebSocket(url);
  const inbox = new Inbox(ws);
  await once(ws, "open");
  return inbox;
}

async function history(sim: Simulator, symbol: string, fromId: number, limit = 1000) {
  const response = await fetch(`${sim.restUrl}/api/v3/historicalTrades?symbol=${symbol}&fromId=${fromId}&limit=${limit}`);
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    weight: response.headers.get("x-mbx-used-weight-1m"),
    body: await response.json(),
  };
}

/** Ids per symbol a twin market (same seed, rate and start) generates up to `untilMs`. */
function expectedIds(untilMs: number, rate = 15): Record<string, number[]> {
  const batch = new Market({symbols, startMs: start, rate}).advanceTo(untilMs);
  const out: Record<string, number[]> = Object.fromEntries(symbols.map((s) => [s, []]));
  for (let i = 0; i < batch.length; ++i) out[symbols[batch.symbol[i]]].push(batch.id[i]);
  return out;
}

const both = "/stream?streams=btcusdt@trade/ethusdt@trade";

describe("simulator.inject", () => {
  it('inject("disconnect") drops every connection without a close frame (1006); new connections work', async () => {
    const {sim, advance} = await simulator();
    const a = await connect(`${sim.wsUrl}${both}`),
      b = await connect(`${sim.wsUrl}/ws/ethusdt@trade`);
    advance(1000);
    await a.takeTrades(1);
    const record = sim.inject("disconnect");
    expect(record).toMatchObject({kind: "disconnect", at: start + 1000, clients: 2});
    expect((await a.closedEvent()).code).toBe(1006);
    expect((await b.closedEvent()).code).toBe(1006);
    const c = await connect(`${sim.wsUrl}${both}`);
    advance(1000);
    await c.takeTrades(1);
    expect(sim.faultLog()).toEqual([record]);
  });

  it('inject("stall", {ms}) silences open sockets (no trades, pings or pongs) while trades go on into historicalTrades', async () => {
    const {sim} = await simulator({now: Date.now, rate: 200, pingIntervalMs: 30});
    const inbox = await connect(`${sim.wsUrl}/ws/btcusdt@trade`);
    await inbox.takeTrades(5);
    await inbox.until(() => inbox.pings.length > 0, "a ping");
    const before = inbox.trades().length;
    const lastBefore = inbox.trades().at(-1).t;
    const stalledAt = performance.now();
    expect(sim.inject("stall", {ms: 400})).toMatchObject({kind: "stall", ms: 400, clients: 1});
    let ponged = false;
    inbox.ws.once("pong", () => (ponged = true));
    inbox.ws.ping();
    // The first trade after the stall: well after it began, with a jump in ids over what was generated meanwhile.
    await inbox.takeTrades(before + 1);
    const first = inbox.frames.find((f) => f.json?.t === inbox.trades()[before].t)!;
    expect(first.at - stalledAt).toBeGreaterThanOrEqual(390);
    expect(inbox.pings.filter((at) => at > stalledAt + 5 && at < stalledAt + 390)).toEqual([]);
    expect(ponged).toBe(false);
    const firstAfter = inbox.trades()[before].t;
    expect(firstAfter - lastBefore).toBeGreaterThan(20); // ≈ 0.4 s at 200/s
    const missed = await history(sim, "BTCUSDT", lastBefore + 1, firstAfter - lastBefore - 1);
    expect(missed.body.map((r: any) => r.id)).toEqual(Array.from({length: firstAfter - lastBefore - 1}, (_, i) => lastBefore + 1 + i));
    expect(inbox.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('inject("gap", {symbol, count}) leaves the next trades out of the stream but in historicalTrades', async () => {
    const {sim, advance} = await simulator();
    const inbox = await connect(`${sim.wsUrl}${both}`);
    const gap = sim.inject("gap", {symbol: "BTCUSDT", count: 3});
    advance(3000);
    const expected = expectedIds(start + 3000);
    const total = expected.BTCUSDT.length + expected.ETHUSDT.length - 3;
    const trades = await inbox.takeTrades(total);
    const ids = (s: string) => trades.filter((t) => t.s === s).map((t) => t.t);
    expect(gap.ids).toEqual(expected.BTCUSDT.slice(0, 3));
    expect(ids("BTCUSDT")).toEqual(expected.BTCUSDT.slice(3));
    expect(ids("ETHUSDT")).toEqual(expected.ETHUSDT);
    const rest = await history(sim, "BTCUSDT", expected.BTCUSDT[0], 5);
    expect(rest.body.map((r: any) => r.id)).toEqual(expected.BTCUSDT.slice(0, 5));
    // sent() still means "written to a client": the gap's ids are not in it.
    expect(sim.sent().BTCUSDT).toEqual({first: expected.BTCUSDT[3], last: expected.BTCUSDT.at(-1), count: expected.BTCUSDT.length - 3});
  });

  it('inject("hole", {symbol, count}) makes ids that exist nowhere: skipped on the stream and in historicalTrades', async () => {
    const {sim, advance} = await simulator();
    const inbox = await connect(`${sim.wsUrl}/ws/ethusdt@trade`);
    advance(1000);
    const early = expectedIds(start + 1000).ETHUSDT;
    await inbox.takeTrades(early.length);
    const hole = sim.inject("hole", {symbol: "ETHUSDT", count: 4});
    advance(2000);
    const all = expectedIds(start + 3000).ETHUSDT;
    const holeIds = all.slice(early.length, early.length + 4);
    const trades = await inbox.takeTrades(all.length - 4);
    expect(hole).toMatchObject({kind: "hole", symbol: "ETHUSDT", count: 4, ids: holeIds});
    expect(trades.map((t) => t.t)).toEqual(all.filter((id) => !holeIds.includes(id)));
    const rest = await history(sim, "ETHUSDT", early.at(-1)!, 3);
    expect(rest.body.map((r: any) => r.id)).toEqual([early.at(-1), holeIds[3] + 1, holeIds[3] + 2]);
    expect((await history(sim, "ETHUSDT", holeIds[0], 1)).body[0].id).toBe(holeIds[3] + 1);
  });

  it('inject("duplicate", {symbol, count}) resends the last streamed trades with the same ids and fields', async () => {
    const {sim, advance} = await simulator();
    const inbox = await connect(`${sim.wsUrl}/ws/btcusdt@trade`);
    advance(2000);
    const n = expectedIds(start + 2000).BTCUSDT.length;
    const original = await inbox.takeTrades(n);
    const record = sim.inject("duplicate", {symbol: "BTCUSDT", count: 4});
    expect(record.ids).toEqual(original.slice(-4).map((t) => t.t));
    const again = (await inbox.takeTrades(n + 4)).slice(n);
    const fields = (t: any) => [t.t, t.p, t.q, t.T, t.m, t.s];
    expect(again.map(fields)).toEqual(original.slice(-4).map(fields));
  });

  it('inject("malformed") sends one of each garbage kind, bare on raw streams and wrapped on combined ones', async () => {
    const {sim, advance} = await simulator();
    const raw = await connect(`${sim.wsUrl}/ws/btcusdt@trade`),
      combined = await connect(`${sim.wsUrl}${both}`);
    advance(1000);
    const lastId = expectedIds(start + 1000).BTCUSDT.at(-1)!;
    await raw.takeTrades(expectedIds(start + 1000).BTCUSDT.length);
    await combined.takeTrades(expectedIds(start + 1000).BTCUSDT.length + expectedIds(start + 1000).ETHUSDT.length);
    const from = raw.frames.length,
      fromCombined = combined.frames.length;
    const record = sim.inject("malformed", {symbol: "BTCUSDT"});
    expect(record.kinds.length).toBe(9);
    await raw.until(() => raw.frames.length >= from + 9, "9 garbage frames");
    await combined.until(() => combined.frames.length >= fromCombined + 9, "9 garbage frames");
    const garbage = raw.frames.slice(from);
    expect(garbage.filter((f) => f.binary).length).toBe(1);
    expect(garbage.filter((f) => !f.binary && f.json === undefined).length).toBe(1); // broken JSON
    const shaped = garbage.map((f) => f.json).filter((j) => j !== undefined);
    expect(shaped.find((j) => j.e !== "trade")).toMatchObject({e: "mysteryEvent"});
    const trades = shaped.filter((j) => j.e === "trade");
    expect(trades.map((t) => t.t)).toEqual(Array(6).fill(lastId + 1));
    expect(trades.filter((t) => t.s !== "BTCUSDT").length).toBe(1);
    expect(
      trades
        .filter((t) => Number(t.p) <= 0)
        .map((t) => t.p)
        .sort(),
    ).toEqual(["-1.00000000", "0.00000000"]);
    expect(
      trades
        .filter((t) => Number(t.q) <= 0)
        .map((t) => t.q)
        .sort(),
    ).toEqual(["-1.00000000", "0.00000000"]);
    expect(trades.filter((t) => t.T > Date.UTC(2100, 0, 1)).length).toBe(1);
    const wrapped = combined.frames
      .slice(fromCombined)
      .map((f) => f.json)
      .filter((j) => j !== undefined);
    expect(wrapped.every((j) => j.stream === "btcusdt@trade" && typeof j.data === "object")).toBe(true);
    // Garbage is not a trade the simulator sent.
    expect(sim.sent().BTCUSDT.last).toBe(lastId);
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('maxConnectionAgeMs closes old connections with 1000 like Binance\'s 24 h limit; inject("rotate") closes all now', async () => {
    const {sim} = await simulator({maxConnectionAgeMs: 150});
    const opened = performance.now();
    const inbox = await connect(`${sim.wsUrl}${both}`);
    const {code} = await inbox.closedEvent();
    expect(code).toBe(1000);
    expect(performance.now() - opened).toBeGreaterThanOrEqual(145);
    expect(sim.faultLog()).toMatchObject([{kind: "rotate", olderThanMs: 150, clients: 1}]);

    const {sim: other} = await simulator();
    const a = await connect(`${other.wsUrl}${both}`),
      b = await connect(`${other.wsUrl}/ws/btcusdt@trade`);
    expect(other.inject("rotate")).toMatchObject({kind: "rotate", olderThanMs: 0, clients: 2});
    expect([(await a.closedEvent()).code, (await b.closedEvent()).code]).toEqual([1000, 1000]);
  });

  it('inject("shutdown", {graceMs}) sends serverShutdown (bare, and wrapped on combined streams) then closes with 1001', async () => {
    const {sim} = await simulator();
    const raw = await connect(`${sim.wsUrl}/ws/btcusdt@trade`),
      combined = await connect(`${sim.wsUrl}${both}`);
    const injectedAt = performance.now();
    const record = sim.inject("shutdown", {graceMs: 150});
    expect(record).toMatchObject({kind: "shutdown", graceMs: 150, format: "both", clients: 2});
    const late = await connect(`${sim.wsUrl}/ws/btcusdt@trade`);
    const [rawClose, combinedClose] = await Promise.all([raw.closedEvent(), combined.closedEvent()]);
    expect([rawClose.code, combinedClose.code]).toEqual([1001, 1001]);
    expect(performance.now() - injectedAt).toBeGreaterThanOrEqual(145);
    expect(raw.frames.map((f) => f.json)).toEqual([{e: "serverShutdown", E: start}]);
    expect(combined.frames.map((f) => f.json)).toEqual([
      {e: "serverShutdown", E: start},
      {stream: "serverShutdown", data: {e: "serverShutdown", E: start}},
    ]);
    expect(late.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('inject("throttle", {count, retryAfterSeconds}) answers historicalTrades 429 with Retry-After, charging no weight', async () => {
    const {sim, advance} = await simulator();
    advance(1000);
    const inbox = await connect(`${sim.wsUrl}/ws/btcusdt@trade`);
    advance(1000);
    const [first] = await inbox.takeTrades(1);
    expect((await history(sim, "BTCUSDT", first.t)).weight).toBe("25");
    const record = sim.inject("throttle", {count: 2, retryAfterSeconds: 3});
    for (let i = 0; i < 2; ++i) {
      const refused = await history(sim, "BTCUSDT", first.t);
      expect(refused).toMatchObject({status: 429, retryAfter: "3", weight: "25", body: {code: -1003}});
    }
    expect(record.refused).toBe(2);
    const ok = await history(sim, "BTCUSDT", first.t);
    expect([ok.status, ok.weight, ok.body[0].id]).toEqual([200, "50", first.t]);
    sim.inject("throttle", {status: 418, retryAfterSeconds: 120});
    expect(await history(sim, "BTCUSDT", first.t)).toMatchObject({status: 418, retryAfter: "120"});
  });
});

describe("random faults", () => {
  it("parseFaults reads kind[=rate] lists and names a bad entry", () => {
    expect(parseFaults("disconnect=0.01, gap=0.5,malformed,throttle=0.2")).toEqual({
      disconnect: 0.01,
      gap: 0.5,
      malformed: 1 / 60,
      throttle: 0.2,
    });
    expect(() => parseFaults("gap=x")).toThrow(/gap=x/);
    expect(() => parseFaults("explode")).toThrow(/explode/);
    expect(() => parseFaults("throttle=2")).toThrow(RangeError);
  });

  it("startSimulator({faults}) injects faults at random at the given rates and logs each with its ids", async () => {
    const {sim} = await simulator({
      now: Date.now,
      rate: 200,
      faults: {gap: 20, hole: 20},
      faultDefaults: {gap: {count: 2}, hole: {count: 2}},
    });
    const inbox = await connect(`${sim.wsUrl}${both}`);
    await inbox.takeTrades(400);
    const log = sim.faultLog();
    expect(log.length).toBeGreaterThan(5);
    const filled = log.flatMap((r) => ((r.kind === "gap" || r.kind === "hole") && r.ids.length === 2 ? [r] : []));
    expect(filled.length).toBeGreaterThan(0);
    const received = new Set(inbox.trades().map((t) => `${t.s}:${t.t}`));
    for (const r of filled) for (const id of r.ids) expect(received.has(`${r.symbol}:${id}`)).toBe(false);
  });
});

describe("fast mode", () => {
  it("startSimulator({fast: true}) serves thousands of trades a second with ids in their own, higher range", async () => {
    const {sim, advance} = await simulator({fast: true, rate: 50_000});
    const inbox = await connect(`${sim.wsUrl}${both}`);
    advance(1000);
    const trades = await inbox.takeTrades(90_000);
    const btc = trades.filter((t) => t.s === "BTCUSDT").map((t) => t.t);
    expect(btc[0]).toBe(firstTradeId("BTCUSDT", start, 1000));
    expect(btc.every((id, i) => i === 0 || id === btc[i - 1] + 1)).toBe(true);
    expect(firstTradeId("BTCUSDT", start + 1000, 1000)).toBeGreaterThan(btc.at(-1));
  }, 120_000); // 90,000 trades through a WebSocket: seconds when quiet, over 30 s on a loaded machine
});
