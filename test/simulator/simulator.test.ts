import {spawn} from "node:child_process";
import {once} from "node:events";
import {fileURLToPath} from "node:url";
import {afterEach, describe, expect, it} from "vitest";
import WebSocket from "ws";
import {firstTradeId, Market} from "../../simulator/market.js";
import {IdRanges} from "../../simulator/idRanges.js";
import {RequestWeight} from "../../simulator/requestWeight.js";
import {startSimulator, type Simulator, type SimulatorOptions} from "../../simulator/server.js";
import {TradeHistory} from "../../simulator/tradeHistory.js";
import {ols} from "../../src/lib/ols.js";

const start = Date.UTC(2026, 0, 1);
const decimal8 = /^\d+\.\d{8}$/;
const tradeKeys = ["e", "E", "s", "t", "p", "q", "T", "m", "M"];

// ---- helpers: a fake clock, simulators closed after each test, and an awaitable inbox per socket ----

const running: Simulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A simulator on an ephemeral port whose market clock only moves when the test says so. */
async function simulator(options: SimulatorOptions = {}) {
  let clock = start;
  const sim = await startSimulator({port: 0, tickMs: 5, now: () => clock, ...options});
  running.push(sim);
  return {sim, advance: (ms: number) => (clock += ms), now: () => clock};
}

type Message = Record<string, any>;

/** Collects a socket's JSON messages; `take(n)` resolves once n have arrived (rejects if it closes first). */
class Inbox {
  readonly messages: Message[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.messages.push(JSON.parse(data.toString()));
      this.wake();
    });
    ws.on("close", () => ((this.closed = true), this.wake()));
  }
  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  async take(n: number): Promise<Message[]> {
    while (this.messages.length < n) {
      if (this.closed) throw new Error(`socket closed after ${this.messages.length} of ${n} messages`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.messages.slice(0, n);
  }
  /** Waits for the next message matching `test` among those not yet seen by `take`/`next`. */
  async next(test: (m: Message) => boolean, from = 0): Promise<Message> {
    for (let i = from; ; ++i) {
      await this.take(i + 1);
      if (test(this.messages[i])) return this.messages[i];
    }
  }
}

async function connect(url: string, options?: WebSocket.ClientOptions): Promise<Inbox> {
  const ws = new WebSocket(url, options);
  const inbox = new Inbox(ws);
  await once(ws, "open");
  return inbox;
}

async function getJson(url: string) {
  const response = await fetch(url);
  return {status: response.status, weight: response.headers.get("x-mbx-used-weight-1m"), body: await response.json()};
}

/** The trades a twin Market (same seed, symbols, rate, start) generates up to `untilMs`, per symbol. */
function expectedTrades(symbols: string[], untilMs: number, {seed = 1, rate = 15} = {}) {
  const market = new Market({symbols, startMs: start, seed, rate});
  const batch = market.advanceTo(untilMs);
  const out: Record<string, Array<{id: number; price: number; qty: number; time: number; m: boolean}>> = Object.fromEntries(
    symbols.map((s) => [s, []]),
  );
  for (let i = 0; i < batch.length; ++i) {
    out[symbols[batch.symbol[i]]].push({
      id: batch.id[i],
      price: batch.price[i],
      qty: batch.qty[i],
      time: batch.time[i],
      m: batch.isBuyerMaker[i] === 1,
    });
  }
  return out;
}

/** Dickey–Fuller regression Δx_t = a + ρ·x_{t−1}: the t-statistic of ρ and the implied half-life (samples). */
function dickeyFuller(x: Float64Array) {
  const dx = new Float64Array(x.length - 1),
    lag = new Float64Array(x.length - 1);
  for (let i = 1; i < x.length; ++i) ((dx[i - 1] = x[i] - x[i - 1]), (lag[i - 1] = x[i - 1]));
  const fit = ols(dx, lag);
  return {t: fit.betaT, halfLife: -Math.LN2 / Math.log1p(fit.beta)};
}

const toUnits = (s: string) => Math.round(Number(s) * 1e8);

// ---- the pure market ----

describe("Market", () => {
  it("advanceTo(now) returns trades up to now with per-symbol sequential ids, on tick and step, the same however it is called", () => {
    const symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "DOGEUSDT"];
    const oneCall = expectedTrades(symbols, start + 60_000, {seed: 5});
    const market = new Market({symbols, startMs: start, seed: 5});
    const stepped: Record<string, number[]> = Object.fromEntries(symbols.map((s) => [s, []]));
    for (let t = start; t < start + 60_000 + 37; t += 37) {
      const batch = market.advanceTo(Math.min(t, start + 60_000));
      for (let i = 0; i < batch.length; ++i) {
        expect(batch.time[i]).toBeLessThanOrEqual(Math.min(t, start + 60_000));
        stepped[symbols[batch.symbol[i]]].push(batch.id[i]);
      }
    }
    for (const [k, symbol] of symbols.entries()) {
      const trades = oneCall[symbol];
      const {tickUnits, stepUnits} = market.instruments[k];
      expect(trades.length).toBeGreaterThan(15 * 60 * 0.7);
      expect(trades.length).toBeLessThan(15 * 60 * 1.3);
      expect(trades[0].id).toBe(firstTradeId(symbol, start));
      trades.forEach((trade, i) => {
        if (i > 0) expect(trade.id).toBe(trades[i - 1].id + 1);
        if (i > 0) expect(trade.time).toBeGreaterThanOrEqual(trades[i - 1].time);
        expect(trade.price % tickUnits).toBe(0);
        expect(trade.qty % stepUnits).toBe(0);
        expect(trade.qty).toBeGreaterThan(0);
      });
      expect(stepped[symbol]).toEqual(trades.map((t) => t.id));
      const buyerMaker = trades.filter((t) => t.m).length / trades.length;
      expect(buyerMaker).toBeGreaterThan(0.35);
      expect(buyerMaker).toBeLessThan(0.65);
    }
    expect(oneCall.BTCUSDT[0].price / 1e8).toBeGreaterThan(50_000);
    expect(oneCall.BTCUSDT[0].price / 1e8).toBeLessThan(70_000);
    expect(expectedTrades(symbols, start + 60_000, {seed: 6}).BTCUSDT.map((t) => t.price)).not.toEqual(oneCall.BTCUSDT.map((t) => t.price));
  });

  it("log prices of every default pair are cointegrated: the OLS spread mean-reverts within minutes, the legs do not", () => {
    const symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT"];
    const market = new Market({symbols, startMs: start, seed: 1});
    const n = 4 * 3600;
    const logs = symbols.map(() => new Float64Array(n));
    const last = symbols.map(() => NaN);
    for (let s = 1; s <= n; ++s) {
      const batch = market.advanceTo(start + s * 1000);
      for (let i = 0; i < batch.length; ++i) last[batch.symbol[i]] = batch.price[i] / 1e8;
      for (let k = 0; k < symbols.length; ++k) logs[k][s - 1] = Math.log(last[k]);
    }
    for (const x of logs) {
      expect(x.every(Number.isFinite)).toBe(true);
      // A random walk: the Dickey–Fuller test does not reject a unit root at 5% (critical value −2.86).
      expect(dickeyFuller(x).t).toBeGreaterThan(-2.86);
    }
    for (let a = 0; a < symbols.length; ++a) {
      for (let b = a + 1; b < symbols.length; ++b) {
        const {residuals, beta} = ols(logs[a], logs[b]);
        const {t, halfLife} = dickeyFuller(residuals);
        // Engle–Granger 1% critical value for two variables is about −3.90; demand a clear rejection.
        expect(t, `${symbols[a]}/${symbols[b]}`).toBeLessThan(-4.5);
        expect(halfLife).toBeGreaterThan(30);
        expect(halfLife).toBeLessThan(600);
        expect(beta).toBeGreaterThan(0);
        const std = Math.sqrt(residuals.reduce((sum, r) => sum + r * r, 0) / n);
        expect(std).toBeGreaterThan(0.0003); // visible: several basis points
        expect(std).toBeLessThan(0.01);
      }
    }
  });

  it("firstTradeId grows with the clock faster than a run can issue ids, so restarts never reuse them", () => {
    const first = new Market({symbols: ["BTCUSDT"], startMs: start, seed: 1, rate: 500});
    const batch = first.advanceTo(start + 60_000);
    const lastId = batch.id[batch.length - 1];
    expect(lastId - firstTradeId("BTCUSDT", start) + 1).toBe(batch.length);
    expect(firstTradeId("BTCUSDT", start + 60_000)).toBeGreaterThan(lastId);
    expect(firstTradeId("BTCUSDT", start)).toBeGreaterThan(1e9);
    expect(Number.isSafeInteger(firstTradeId("BTCUSDT", Date.UTC(2100, 0, 1)))).toBe(true);
  });
});

describe("simulator building blocks", () => {
  it("TradeHistory keeps the newest `capacity` trades and reads them by id", () => {
    const history = new TradeHistory(100_000);
    for (let id = 1000; id < 1000 + 150_000; ++id) history.append(id, id * 10, id * 100, 1, id % 2);
    expect(history.oldestId).toBe(51_000);
    expect(history.newestId).toBe(150_999);
    const rows = history.read(60_000, 3);
    expect([[...rows.id], [...rows.time], [...rows.isBuyerMaker]]).toEqual([
      [60_000, 60_001, 60_002],
      [600_000, 600_010, 600_020],
      [0, 1, 0],
    ]);
    expect(history.read(10, 2).id[0]).toBe(51_000);
    expect(history.read(undefined, 2).id[0]).toBe(150_998);
    expect(history.read(151_000, 5).length).toBe(0);
    expect(() => history.append(150_999, 0, 0, 0, 0)).toThrow(RangeError);
    // Ids may jump (an exchange-side hole); reading from inside the hole starts after it.
    history.append(151_005, 0, 0, 0, 0);
    expect([...history.read(151_000, 5).id]).toEqual([151_005]);
    expect([...history.read(150_999, 5).id]).toEqual([150_999, 151_005]);
  });

  it("IdRanges counts distinct ids whatever the order they are added in", () => {
    const ranges = new IdRanges();
    for (const id of [5, 6, 7, 7, 10, 9, 3, 8, 1, 2, 4, 6, 20]) ranges.add(id);
    expect(ranges.summary()).toEqual({first: 1, last: 20, count: 11});
  });

  it("RequestWeight charges within one-minute windows and refuses past the limit", () => {
    const weight = new RequestWeight(50);
    expect(weight.charge(25, 60_000)).toBe(true);
    expect(weight.charge(25, 119_999)).toBe(true);
    expect(weight.charge(1, 119_999)).toBe(false);
    expect(weight.usedAt(119_999)).toBe(50);
    expect(weight.charge(25, 120_000)).toBe(true);
    expect(weight.usedAt(120_000)).toBe(25);
  });
});

// ---- the server over real sockets ----

describe("startSimulator WebSocket streams", () => {
  it("/stream?streams=… sends each trade once, wrapped, with Binance's payload shape, key order and string decimals", async () => {
    const symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
    const {sim, advance} = await simulator({symbols});
    const inbox = await connect(`${sim.wsUrl}/stream?streams=btcusdt@trade/ethusdt@trade`);
    advance(3000);
    const expected = expectedTrades(symbols, start + 3000);
    const count = expected.BTCUSDT.length + expected.ETHUSDT.length;
    const messages = await inbox.take(count);
    const received: Record<string, Message[]> = {BTCUSDT: [], ETHUSDT: []};
    for (const message of messages) {
      expect(Object.keys(message)).toEqual(["stream", "data"]);
      const data = message.data;
      expect(Object.keys(data)).toEqual(tradeKeys);
      expect(message.stream).toBe(`${data.s.toLowerCase()}@trade`);
      expect([data.e, data.M, typeof data.m, typeof data.t, typeof data.E]).toEqual(["trade", true, "boolean", "number", "number"]);
      expect(data.p).toMatch(decimal8);
      expect(data.q).toMatch(decimal8);
      expect(data.E).toBeGreaterThanOrEqual(data.T);
      received[data.s].push(data);
    }
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      expect(received[symbol].map((d) => [d.t, toUnits(d.p), toUnits(d.q), d.T, d.m])).toEqual(
        expected[symbol].map((t) => [t.id, t.price, t.qty, t.time, t.m]),
      );
    }
    expect(received.ETHUSDT[0].p).toMatch(/^[0-9]{4}\.[0-9]{2}000000$/); // 0.01 tick
    // Nothing else arrives (no SOLUSDT, no duplicates): the server's own count agrees once it has closed.
    const closed = once(inbox.ws, "close");
    await sim.close();
    await closed;
    expect(inbox.messages.length).toBe(count);
  });

  it("/ws/<stream> sends bare payloads of that stream only", async () => {
    const {sim, advance} = await simulator();
    const inbox = await connect(`${sim.wsUrl}/ws/ethusdt@trade`);
    advance(2000);
    const messages = await inbox.take(expectedTrades(["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT"], start + 2000).ETHUSDT.length);
    for (const m of messages) expect([Object.keys(m), m.s]).toEqual([tradeKeys, "ETHUSDT"]);
    expect(messages.map((m) => m.t - messages[0].t)).toEqual(messages.map((_, i) => i));
  });

  it("answers SUBSCRIBE, LIST_SUBSCRIPTIONS, UNSUBSCRIBE, SET_PROPERTY and malformed requests like Binance", async () => {
    const {sim, advance} = await simulator({maxIncomingPerSecond: 100});
    const inbox = await connect(`${sim.wsUrl}/ws`);
    const reply = async (request: unknown) => {
      const from = inbox.messages.length;
      inbox.ws.send(typeof request === "string" ? request : JSON.stringify(request));
      return inbox.next((m) => "id" in m, from);
    };
    expect(await reply({method: "SUBSCRIBE", params: ["solusdt@trade", "btcusdt@aggTrade"], id: 1})).toEqual({result: null, id: 1});
    expect(await reply({method: "LIST_SUBSCRIPTIONS", id: 2})).toEqual({result: ["solusdt@trade", "btcusdt@aggTrade"], id: 2});
    advance(1000);
    const trade = await inbox.next((m) => m.e === "trade");
    expect(trade.s).toBe("SOLUSDT");
    expect(await reply({method: "UNSUBSCRIBE", params: ["btcusdt@aggTrade"], id: "x"})).toEqual({result: null, id: "x"});
    expect((await reply({method: "LIST_SUBSCRIPTIONS", id: 3})).result).toEqual(["solusdt@trade"]);
    expect(await reply({method: "SET_PROPERTY", params: ["combined", true], id: 4})).toEqual({result: null, id: 4});
    expect(await reply({method: "GET_PROPERTY", params: ["combined"], id: 5})).toEqual({result: true, id: 5});
    const from = inbox.messages.length;
    advance(1000);
    expect((await inbox.next((m) => "stream" in m, from)).stream).toBe("solusdt@trade");
    expect(await reply("{not json")).toMatchObject({code: 3, id: null});
    expect(await reply({method: "SUBSCRIBE", params: ["BTCUSDT@trade"], id: 6})).toMatchObject({code: 2, id: 6});
    expect(await reply({method: "FOO", id: 7})).toMatchObject({code: 2, id: 7});
    expect(Object.keys(await reply({method: "SUBSCRIBE", params: "x", id: 8}))).toEqual(["code", "msg", "id"]);
  });

  it("disconnects a client sending more than 5 messages a second", async () => {
    const {sim} = await simulator();
    const inbox = await connect(`${sim.wsUrl}/ws`);
    const closed = once(inbox.ws, "close");
    for (let id = 1; id <= 6; ++id) inbox.ws.send(JSON.stringify({method: "LIST_SUBSCRIPTIONS", id}));
    const [code] = await closed;
    expect(code).toBe(1008);
    expect(inbox.messages.length).toBe(5);
  });

  it("refuses unknown paths and uppercase stream names at the upgrade", async () => {
    const {sim} = await simulator();
    for (const [path, status] of [
      ["/nope", 404],
      ["/ws/BTCUSDT@trade", 400],
    ] as const) {
      const ws = new WebSocket(`${sim.wsUrl}${path}`);
      const [request, response] = await once(ws, "unexpected-response");
      expect(response.statusCode).toBe(status);
      request.destroy();
    }
  });

  it("pings every pingIntervalMs, answers client pings, and drops a client that never pongs", async () => {
    const {sim} = await simulator({pingIntervalMs: 40, pongTimeoutMs: 150});
    const good = await connect(`${sim.wsUrl}/ws/btcusdt@trade`);
    await once(good.ws, "ping");
    good.ws.ping("hello");
    const [pong] = await once(good.ws, "pong");
    expect(pong.toString()).toBe("hello");
    const silent = await connect(`${sim.wsUrl}/ws/btcusdt@trade`, {autoPong: false});
    await once(silent.ws, "ping");
    await once(silent.ws, "close");
    // The ponging client saw the same pings and is still there.
    await once(good.ws, "ping");
    expect(good.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("sent() reports exactly the ids the clients received, and close() drains and closes with 1000", async () => {
    const symbols = ["BTCUSDT", "ETHUSDT"];
    const {sim, advance} = await simulator({symbols, rate: 200});
    const both = await connect(`${sim.wsUrl}/stream?streams=btcusdt@trade/ethusdt@trade`);
    const eth = await connect(`${sim.wsUrl}/ws/ethusdt@trade`);
    expect(sim.sent()).toEqual({});
    advance(5000);
    const closes = [once(both.ws, "close"), once(eth.ws, "close")];
    // One tick queues all 5 s of trades; close as soon as the first arrives: the rest must still come.
    await both.take(1);
    await sim.close();
    const [[bothCode], [ethCode]] = await Promise.all(closes);
    expect([bothCode, ethCode]).toEqual([1000, 1000]);
    const ids = (s: string) => [
      ...both.messages.filter((m) => m.data.s === s).map((m) => m.data.t),
      ...(s === "ETHUSDT" ? eth.messages.map((m) => m.t) : []),
    ];
    const sent = sim.sent();
    for (const symbol of symbols) {
      const distinct = [...new Set(ids(symbol))].sort((a, b) => a - b);
      expect(sent[symbol]).toEqual({first: distinct[0], last: distinct.at(-1), count: distinct.length});
      expect(distinct.length).toBe(distinct.at(-1)! - distinct[0] + 1);
    }
  });
});

describe("startSimulator REST", () => {
  it("GET /api/v3/exchangeInfo lists symbols with their filters; ?symbol and ?symbols select; unknown → 400 -1121", async () => {
    const {sim} = await simulator({symbols: ["BTCUSDT", "ETHUSDT", "PEPEUSDT"]});
    const all = await getJson(`${sim.restUrl}/api/v3/exchangeInfo`);
    expect(all.status).toBe(200);
    expect(all.body.serverTime).toBe(start);
    expect(all.body.symbols.map((s: any) => [s.symbol, s.status, s.baseAsset, s.quoteAsset])).toEqual([
      ["BTCUSDT", "TRADING", "BTC", "USDT"],
      ["ETHUSDT", "TRADING", "ETH", "USDT"],
      ["PEPEUSDT", "TRADING", "PEPE", "USDT"],
    ]);
    const btc = all.body.symbols[0];
    expect(btc.filters.find((f: any) => f.filterType === "PRICE_FILTER").tickSize).toBe("0.01000000");
    expect(btc.filters.find((f: any) => f.filterType === "LOT_SIZE").stepSize).toBe("0.00001000");
    const one = await getJson(`${sim.restUrl}/api/v3/exchangeInfo?symbol=ETHUSDT`);
    expect(one.body.symbols.map((s: any) => s.symbol)).toEqual(["ETHUSDT"]);
    const some = await getJson(`${sim.restUrl}/api/v3/exchangeInfo?symbols=${encodeURIComponent('["PEPEUSDT","BTCUSDT"]')}`);
    expect(some.body.symbols.map((s: any) => s.symbol)).toEqual(["PEPEUSDT", "BTCUSDT"]);
    for (const query of ["symbol=XRPUSDT", `symbols=${encodeURIComponent('["BTCUSDT","XRPUSDT"]')}`]) {
      expect(await getJson(`${sim.restUrl}/api/v3/exchangeInfo?${query}`)).toMatchObject({
        status: 400,
        body: {code: -1121, msg: "Invalid symbol."},
      });
    }
  });

  it("GET /api/v3/historicalTrades pages by fromId/limit over exactly the streamed trades", async () => {
    const {sim, advance} = await simulator({symbols: ["BTCUSDT", "ETHUSDT"], rate: 400});
    const inbox = await connect(`${sim.wsUrl}/ws/btcusdt@trade`);
    advance(4000);
    const streamed = await inbox.take(expectedTrades(["BTCUSDT", "ETHUSDT"], start + 4000, {rate: 400}).BTCUSDT.length);
    expect(streamed.length).toBeGreaterThan(1200);
    const url = (query: string) => `${sim.restUrl}/api/v3/historicalTrades?symbol=BTCUSDT&${query}`;
    const rows: any[] = [];
    for (let fromId = streamed[0].t; ;) {
      const page = await getJson(url(`fromId=${fromId}&limit=${rows.length === 0 ? 1000 : 300}`));
      expect(page.status).toBe(200);
      if (page.body.length === 0) break;
      rows.push(...page.body);
      fromId = page.body.at(-1).id + 1;
    }
    expect(rows.map((r) => [r.id, r.price, r.qty, r.time, r.isBuyerMaker])).toEqual(streamed.map((t) => [t.t, t.p, t.q, t.T, t.m]));
    for (const row of rows.slice(0, 20)) {
      expect(Object.keys(row)).toEqual(["id", "price", "qty", "quoteQty", "time", "isBuyerMaker", "isBestMatch"]);
      expect(row.quoteQty).toMatch(decimal8);
      expect(Math.abs(Number(row.quoteQty) - Number(row.price) * Number(row.qty))).toBeLessThan(1e-6);
    }
    const recent = await getJson(url(""));
    expect(recent.body.map((r: any) => r.id)).toEqual(streamed.slice(-500).map((t) => t.t));
    expect((await getJson(url(`fromId=${streamed[0].t}&limit=5000`))).body.length).toBe(1000);
    expect(await getJson(`${sim.restUrl}/api/v3/historicalTrades?symbol=NOPEUSDT`)).toMatchObject({status: 400, body: {code: -1121}});
    expect(await getJson(`${sim.restUrl}/api/v3/historicalTrades`)).toMatchObject({status: 400, body: {code: -1102}});
    expect(await getJson(url("fromId=-5"))).toMatchObject({status: 400, body: {code: -1100}});
  });

  it("every response carries X-MBX-USED-WEIGHT-1M, summed per one-minute window", async () => {
    const {sim, advance, now} = await simulator();
    expect(await getJson(`${sim.restUrl}/api/v3/ping`)).toMatchObject({status: 200, weight: "1", body: {}});
    expect(await getJson(`${sim.restUrl}/api/v3/time`)).toMatchObject({weight: "2", body: {serverTime: now()}});
    expect((await getJson(`${sim.restUrl}/api/v3/exchangeInfo`)).weight).toBe("22");
    expect((await getJson(`${sim.restUrl}/api/v3/historicalTrades?symbol=BTCUSDT`)).weight).toBe("47");
    expect((await getJson(`${sim.restUrl}/api/v3/historicalTrades?symbol=XRPUSDT`)).weight).toBe("72");
    advance(60_000);
    expect((await getJson(`${sim.restUrl}/api/v3/ping`)).weight).toBe("1");
  });
});

describe("pairbook simulate", () => {
  const cli = fileURLToPath(new URL("../../cli/pairbook.js", import.meta.url));

  function run(args: string[]) {
    const child = spawn(process.execPath, [cli, "simulate", ...args], {stdio: ["ignore", "pipe", "pipe"]});
    let stdout = "",
      stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exit = once(child, "exit").then(([code]) => code as number);
    const line = (pattern: RegExp) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) return resolve(match);
        };
        child.stdout.on("data", check);
        check();
        void exit.then(() => reject(new Error(`exited before printing ${pattern}: ${stdout}${stderr}`)));
      });
    return {child, exit, line, output: () => ({stdout, stderr})};
  }

  it("prints one parseable listening line, serves trades, and on SIGINT prints the sent id ranges and exits 0", async () => {
    const proc = run(["--port", "0", "--rate", "100", "--symbols", "BTCUSDT,ETHUSDT"]);
    const [, wsUrl, restUrl] = await proc.line(
      /^pairbook simulate: listening on (ws:\/\/127\.0\.0\.1:\d+) \(REST (http:\/\/127\.0\.0\.1:\d+)\)$/m,
    );
    expect((await getJson(`${restUrl}/api/v3/ping`)).status).toBe(200);
    const inbox = await connect(`${wsUrl}/ws/btcusdt@trade`);
    await inbox.take(20);
    const closed = once(inbox.ws, "close");
    proc.child.kill("SIGINT");
    expect(await proc.exit).toBe(0);
    await closed;
    const ids = inbox.messages.map((m) => m.t);
    const {stdout} = proc.output();
    expect(stdout).toContain(`BTCUSDT ids ${ids[0]}..${ids.at(-1)} (${ids.length} trades)`);
    expect(stdout).toContain("ETHUSDT no trades sent");
  });

  it("--faults injects random faults and prints one line each; a bad --faults or a --rate above 500 without --fast exits 2", async () => {
    const proc = run(["--port", "0", "--rate", "100", "--symbols", "BTCUSDT", "--faults", "gap=20", "--fault-size", "2"]);
    const [, wsUrl] = await proc.line(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
    const inbox = await connect(`${wsUrl}/ws/btcusdt@trade`);
    await proc.line(/^pairbook simulate: fault gap at \S+ \{"symbol":"BTCUSDT","count":2,"ids":\[\d+,\d+\]\}$/m);
    await inbox.take(50);
    const ids = inbox.messages.map((m) => m.t);
    expect(ids.some((id, i) => i > 0 && id !== ids[i - 1] + 1)).toBe(true);
    proc.child.kill("SIGINT");
    expect(await proc.exit).toBe(0);
    for (const args of [
      ["--faults", "gap=x"],
      ["--faults", "explode"],
      ["--rate", "1000"],
    ]) {
      const bad = run(args);
      expect(await bad.exit).toBe(2);
      expect(bad.output().stderr).toMatch(args[0] === "--faults" ? /invalid --faults/ : /invalid --rate/);
    }
    const fast = run(["--port", "0", "--fast", "--rate", "1000"]);
    await fast.line(/listening on/);
    fast.child.kill("SIGINT");
    expect(await fast.exit).toBe(0);
  });

  it("fails with one clear line and exit code 1 when the port is taken", async () => {
    const {sim} = await simulator();
    const proc = run(["--port", String(sim.port)]);
    expect(await proc.exit).toBe(1);
    expect(proc.output().stderr.trim().split("\n")).toEqual([
      `pairbook simulate: port ${sim.port} on 127.0.0.1 is already in use (pick another with --port, or --port 0 for any free port)`,
    ]);
  });
});
