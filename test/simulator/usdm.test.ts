import {spawn} from "node:child_process";
import {once} from "node:events";
import {fileURLToPath} from "node:url";
import {afterEach, describe, expect, it} from "vitest";
import WebSocket from "ws";
import {startSimulator, type Simulator, type SimulatorOptions, type UsdmSimulator} from "../../simulator/server.js";

const start = Date.UTC(2026, 0, 1);
const decimal8 = /^-?\d+\.\d{8}$/;

const running: Simulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A simulator (spot and USD-M) whose market clock moves only when the test says so. */
async function simulator(options: SimulatorOptions = {}) {
  let clock = start;
  const sim = await startSimulator({port: 0, tickMs: 5, symbols: ["BTCUSDT", "ETHUSDT"], now: () => clock, ...options});
  running.push(sim);
  return {sim, usdm: sim.usdm!, advance: (ms: number) => (clock += ms), clock: () => clock};
}

/** The messages a socket receives (combined ones unwrapped), awaitable by predicate. */
class Inbox {
  readonly messages: any[] = [];
  closed: number | undefined;
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      const json = JSON.parse(data.toString());
      this.messages.push(json.data ?? json);
      this.wake();
    });
    ws.on("close", (code) => ((this.closed = code), this.wake()));
  }
  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  of(e: string): any[] {
    return this.messages.filter((m) => m.e === e);
  }
  async until(test: () => boolean, what: string): Promise<void> {
    while (!test()) {
      if (this.closed !== undefined) throw new Error(`socket closed (${this.closed}) before ${what}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
  async aggTrades(n: number): Promise<any[]> {
    await this.until(() => this.of("aggTrade").length >= n, `${n} aggTrades`);
    return this.of("aggTrade");
  }
}

async function connect(url: string): Promise<Inbox> {
  const ws = new WebSocket(url);
  const inbox = new Inbox(ws);
  await once(ws, "open");
  return inbox;
}

async function get(usdm: UsdmSimulator, path: string) {
  const response = await fetch(`${usdm.restUrl}${path}`);
  return {
    status: response.status,
    weight: Number(response.headers.get("x-mbx-used-weight-1m")),
    retryAfter: response.headers.get("retry-after"),
    body: await response.json(),
  };
}

/** Every aggregate of `symbol` from `fromId` on, paged through REST by fromId. */
async function restAggTrades(usdm: UsdmSimulator, symbol: string, fromId: number, lastId: number): Promise<any[]> {
  const rows: any[] = [];
  for (let from = fromId; from <= lastId;) {
    const {body} = await get(usdm, `/fapi/v1/aggTrades?symbol=${symbol}&fromId=${from}&limit=7`);
    if (body.length === 0) break;
    rows.push(...body);
    from = body.at(-1).a + 1;
  }
  return rows.filter((r) => r.a <= lastId);
}

describe("simulator USD-M", () => {
  it("/market/ws/<s>@aggTrade streams aggregates: keys e,E,s,a,p,q,nq,f,l,T,m (no M), ids a contiguous, f..l ranges adjacent", async () => {
    const {usdm, advance} = await simulator({usdm: {tradeIdSkipShare: 0, rate: 50}});
    const inbox = await connect(`${usdm.wsUrl}/market/ws/btcusdt@aggTrade`);
    advance(4000);
    const trades = (await inbox.aggTrades(100)).slice(0, 100);
    expect(Object.keys(trades[0])).toEqual(["e", "E", "s", "a", "p", "q", "nq", "f", "l", "T", "m"]);
    for (const [i, t] of trades.entries()) {
      expect(t).toMatchObject({e: "aggTrade", s: "BTCUSDT", m: expect.any(Boolean)});
      expect(t.p).toMatch(decimal8);
      expect(t.nq).toBe(t.q);
      expect(t.l).toBeGreaterThanOrEqual(t.f);
      if (i === 0) continue;
      expect(t.a).toBe(trades[i - 1].a + 1);
      expect(t.f).toBe(trades[i - 1].l + 1);
      expect(t.T).toBeGreaterThanOrEqual(trades[i - 1].T);
    }
    // Aggregates group several fills now and then (mean 2): not all single trades.
    expect(trades.some((t) => t.l > t.f)).toBe(true);
  });

  it("trade ids skip between aggregates with tradeIdSkipShare (a stays contiguous)", async () => {
    const {usdm, advance} = await simulator({usdm: {tradeIdSkipShare: 1}});
    const inbox = await connect(`${usdm.wsUrl}/market/stream?streams=btcusdt@aggTrade`);
    advance(2000);
    const trades = (await inbox.aggTrades(10)).slice(0, 10);
    for (let i = 1; i < trades.length; ++i) {
      expect(trades[i].a).toBe(trades[i - 1].a + 1);
      expect(trades[i].f - trades[i - 1].l - 1).toBeGreaterThanOrEqual(1);
      expect(trades[i].f - trades[i - 1].l - 1).toBeLessThanOrEqual(3);
    }
  });

  it("GET /fapi/v1/aggTrades returns exactly the aggregates the stream sent, by fromId and by startTime/endTime, weight 20", async () => {
    const {usdm, advance} = await simulator({usdm: {rate: 40}});
    const inbox = await connect(`${usdm.wsUrl}/market/stream?streams=ethusdt@aggTrade`);
    advance(3000);
    const streamed = (await inbox.aggTrades(60)).map(({a, p, q, f, l, T, m}) => ({a, p, q, f, l, T, m}));
    const paged = await restAggTrades(usdm, "ETHUSDT", streamed[0].a, streamed[streamed.length - 1].a);
    expect(paged).toEqual(streamed);
    // startTime/endTime select by trade time, both ends included.
    const from = streamed[10].T,
      to = streamed[40].T;
    const before = (await get(usdm, "/fapi/v1/ping")).weight;
    const timed = await get(usdm, `/fapi/v1/aggTrades?symbol=ETHUSDT&startTime=${from}&endTime=${to}&limit=1000`);
    expect(timed.body).toEqual(streamed.filter((t) => t.T >= from && t.T <= to));
    expect(timed.weight - before).toBe(20);
    const errors = await Promise.all([
      get(usdm, "/fapi/v1/aggTrades?symbol=NOPEUSDT"),
      get(usdm, "/fapi/v1/aggTrades"),
      get(usdm, `/fapi/v1/aggTrades?symbol=ETHUSDT&fromId=1&startTime=${from}`),
      get(usdm, `/fapi/v1/aggTrades?symbol=ETHUSDT&startTime=${from}&endTime=${from + 3_600_001}`),
    ]);
    expect(errors.map((e) => [e.status, e.body.code])).toEqual([
      [400, -1121],
      [400, -1102],
      [400, -1128],
      [400, -1127],
    ]);
  });

  it("charges 20 a call against 2400 a minute: the 121st aggTrades in a minute is 429 with Retry-After", async () => {
    const {sim, usdm} = await simulator();
    const weights: number[] = [];
    for (let i = 0; i < 120; ++i) weights.push((await get(usdm, "/fapi/v1/aggTrades?symbol=BTCUSDT&limit=1")).weight);
    expect(weights[0]).toBe(20);
    expect(weights.at(-1)).toBe(2400);
    const refused = await get(usdm, "/fapi/v1/aggTrades?symbol=BTCUSDT&limit=1");
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe(-1003);
    expect(Number(refused.retryAfter)).toBe(60); // the clock sits at the start of a minute
    // Spot's budget is its own.
    expect((await fetch(`${sim.restUrl}/api/v3/ping`)).status).toBe(200);
  });

  it("GET /fapi/v1/exchangeInfo lists perpetuals TRADING, plus a quarterly and a SETTLING perpetual that never trade", async () => {
    const {usdm} = await simulator();
    const {body} = await get(usdm, "/fapi/v1/exchangeInfo");
    const rows = body.symbols.map((s: any) => [s.symbol, s.contractType, s.status]);
    expect(rows).toEqual([
      ["BTCUSDT", "PERPETUAL", "TRADING"],
      ["ETHUSDT", "PERPETUAL", "TRADING"],
      ["BTCUSDT_261225", "CURRENT_QUARTER", "TRADING"],
      ["DELISTEDUSDT", "PERPETUAL", "SETTLING"],
    ]);
    expect(body.rateLimits[0]).toMatchObject({rateLimitType: "REQUEST_WEIGHT", limit: 2400});
    expect((await get(usdm, "/fapi/v1/aggTrades?symbol=DELISTEDUSDT")).body).toEqual([]);
  });

  it("funding settles every fundingIntervalMs of simulated time; @markPrice@1s frames carry the next funding time and Binance's rate formula", async () => {
    const {usdm, advance, clock} = await simulator({usdm: {fundingIntervalMs: 1000}});
    const inbox = await connect(`${usdm.wsUrl}/market/stream?streams=btcusdt@markPrice@1s/btcusdt@aggTrade`);
    const frames: any[] = [];
    for (let k = 1; k <= 4; ++k) {
      advance(1000);
      await inbox.until(() => inbox.of("markPriceUpdate").some((m) => m.E === clock()), `the mark price at ${clock()}`);
      frames.push(inbox.of("markPriceUpdate").find((m) => m.E === clock()));
    }
    for (const [i, f] of frames.entries()) {
      expect(f).toMatchObject({s: "BTCUSDT", T: start + (i + 2) * 1000});
      // Hand formula: P = (mark − index)/index; r = P + clamp(0.0001 − P, ±0.0005), rounded to 1e-8.
      const premium = (Number(f.p) - Number(f.i)) / Number(f.i);
      const rate = premium + Math.min(0.0005, Math.max(-0.0005, 0.0001 - premium));
      expect(Number(f.r)).toBeCloseTo(rate, 8);
      // The perpetual follows spot closely: mark within 0.2% of the index (spot's last price).
      expect(Math.abs(premium)).toBeLessThan(0.002);
      // The mark is the last aggregate price streamed by then.
      expect(f.p).toBe(
        inbox
          .of("aggTrade")
          .filter((t) => t.T <= f.E)
          .at(-1).p,
      );
    }
    const {body} = await get(usdm, "/fapi/v1/fundingRate?symbol=BTCUSDT");
    expect(body.map((e: any) => e.fundingTime)).toEqual([1, 2, 3, 4].map((k) => start + k * 1000));
    // Each funding settled at the rate and mark of that moment.
    expect(body.map((e: any) => [e.fundingRate, e.markPrice])).toEqual(frames.map((f) => [f.r, f.p]));
    expect(
      (await get(usdm, `/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=${start + 2000}&limit=2`)).body.map((e: any) => e.fundingTime),
    ).toEqual([start + 2000, start + 3000]);
    const info = await get(usdm, "/fapi/v1/fundingInfo");
    expect(info.body[0]).toMatchObject({symbol: "BTCUSDT", fundingIntervalHours: 1 / 3600});
  });

  it("funding times default to every 8 h at 00:00, 08:00 and 16:00 UTC (premiumIndex, fundingInfo, fundingRate)", async () => {
    let clock = Date.UTC(2026, 0, 1, 5, 30);
    const sim = await startSimulator({port: 0, tickMs: 5, symbols: ["BTCUSDT"], rate: 1, usdm: {rate: 1}, now: () => clock});
    running.push(sim);
    const usdm = sim.usdm!;
    const inbox = await connect(`${usdm.wsUrl}/market/ws/btcusdt@markPrice@1s`);
    const markAt = (t: number) => inbox.until(() => inbox.of("markPriceUpdate").some((m) => m.E === t), `the mark price at ${t}`);
    clock += 5000;
    await markAt(clock);
    expect(inbox.of("markPriceUpdate")[0].T).toBe(Date.UTC(2026, 0, 1, 8));
    expect((await get(usdm, "/fapi/v1/premiumIndex?symbol=BTCUSDT")).body.nextFundingTime).toBe(Date.UTC(2026, 0, 1, 8));
    expect((await get(usdm, "/fapi/v1/fundingInfo")).body[0].fundingIntervalHours).toBe(8);
    expect((await get(usdm, "/fapi/v1/fundingRate?symbol=BTCUSDT")).body).toEqual([]);
    clock = Date.UTC(2026, 0, 1, 8, 0, 1);
    await markAt(clock);
    expect(inbox.of("markPriceUpdate").at(-1).T).toBe(Date.UTC(2026, 0, 1, 16));
    const settled = (await get(usdm, "/fapi/v1/fundingRate?symbol=BTCUSDT")).body;
    expect(settled.map((e: any) => e.fundingTime)).toEqual([Date.UTC(2026, 0, 1, 8)]);
    expect(settled[0].fundingRate).toMatch(decimal8);
  });

  it("@aggTrade yields nothing on routes other than /market (spot's /ws and fstream's /public), like the real server", async () => {
    const {usdm, advance} = await simulator();
    const market = await connect(`${usdm.wsUrl}/market/ws/btcusdt@aggTrade`);
    const others = await Promise.all(
      [
        "/ws/btcusdt@aggTrade",
        "/public/stream?streams=btcusdt@aggTrade/btcusdt@markPrice@1s",
        "/stream?streams=btcusdt@aggTrade/btcusdt@markPrice@1s",
      ].map((p) => connect(`${usdm.wsUrl}${p}`)),
    );
    advance(3000);
    await market.aggTrades(20);
    // A reply to a control message comes after anything the server sent before it.
    for (const [i, inbox] of others.entries()) {
      inbox.ws.send(JSON.stringify({method: "LIST_SUBSCRIPTIONS", id: i}));
      await inbox.until(() => inbox.messages.some((m) => m.id === i), "the reply");
      expect(inbox.messages).toEqual([{result: expect.any(Array), id: i}]);
    }
  });

  it("faults apply on the futures side: gap (REST has it), throttle on /fapi/v1/aggTrades, malformed aggTrade garbage, disconnect", async () => {
    const {sim, usdm, advance} = await simulator({usdm: {rate: 40}});
    const inbox = await connect(`${usdm.wsUrl}/market/stream?streams=btcusdt@aggTrade`);
    const spot = await connect(`${sim.wsUrl}/ws/btcusdt@trade`);
    advance(1000);
    await inbox.aggTrades(5);
    const gap = usdm.inject("gap", {symbol: "BTCUSDT", count: 4});
    advance(2000);
    await inbox.until(() => gap.ids.length === 4 && inbox.of("aggTrade").some((t) => t.a > gap.ids[3]), "the trades after the gap");
    const streamed = inbox.of("aggTrade").map((t) => t.a);
    for (const id of gap.ids) expect(streamed).not.toContain(id);
    expect(gap.ids[0]).toBe(Math.max(...streamed.filter((a) => a < gap.ids[0])) + 1);
    const backfill = await get(usdm, `/fapi/v1/aggTrades?symbol=BTCUSDT&fromId=${gap.ids[0]}&limit=4`);
    expect(backfill.body.map((r: any) => r.a)).toEqual(gap.ids);
    expect(sim.faultLog()).toEqual([]); // spot saw no fault

    usdm.inject("throttle", {count: 1, retryAfterSeconds: 7});
    const refused = await get(usdm, "/fapi/v1/aggTrades?symbol=BTCUSDT");
    expect([refused.status, refused.retryAfter]).toEqual([429, "7"]);
    expect((await get(usdm, "/fapi/v1/aggTrades?symbol=BTCUSDT&limit=1")).status).toBe(200);

    const malformed = usdm.inject("malformed", {symbol: "BTCUSDT", kinds: ["zeroPrice"]});
    expect(JSON.parse(malformed.messages[0] as string)).toMatchObject({e: "aggTrade", s: "BTCUSDT", p: "0.00000000"});
    await inbox.until(() => inbox.of("aggTrade").some((t) => t.p === "0.00000000"), "the garbage aggTrade");

    expect(usdm.inject("disconnect")).toMatchObject({clients: 1});
    await inbox.until(() => inbox.closed !== undefined, "the close");
    expect(inbox.closed).toBe(1006);
    expect(spot.closed).toBeUndefined();
    expect(usdm.faultLog().map((f) => f.kind)).toEqual(["gap", "throttle", "malformed", "disconnect"]);
  });

  it("startSimulator({usdm: false}) serves spot only: /fapi is unknown", async () => {
    const {sim} = await simulator({usdm: false});
    expect(sim.usdm).toBeUndefined();
    expect((await fetch(`${sim.restUrl}/fapi/v1/ping`)).status).toBe(404);
  });
});

describe("pairbook simulate (USD-M)", () => {
  const cli = fileURLToPath(new URL("../../cli/pairbook.js", import.meta.url));

  /** Runs the CLI until it prints its listening line; resolves with everything printed so far. */
  async function started(args: string[]) {
    const child = spawn(process.execPath, [cli, "simulate", "--port", "0", ...args], {stdio: ["ignore", "pipe", "pipe"]});
    let stdout = "";
    child.stdout.setEncoding("utf8");
    const exit = once(child, "exit");
    while (!/listening on/.test(stdout)) {
      const chunk = await Promise.race([once(child.stdout, "data").then(([c]) => c as string), exit.then(() => null)]);
      if (chunk === null) throw new Error(`exited before listening: ${stdout}`);
      stdout += chunk;
    }
    child.stdout.on("data", (c: string) => (stdout += c));
    return {child, exit, stdout: () => stdout};
  }

  it("--funding-interval-ms compresses funding time; prints the --usdm-ws-url/--usdm-rest-url to record from and the sent aggregate ids", async () => {
    const proc = await started(["--symbols", "BTCUSDT", "--usdm-rate", "50", "--funding-interval-ms", "1000"]);
    const [, wsUrl, restUrl] = /--usdm-ws-url (ws:\/\/\S+) --usdm-rest-url (http:\/\/\S+)/.exec(proc.stdout())!;
    const usdm = {wsUrl, restUrl} as UsdmSimulator;
    expect((await get(usdm, "/fapi/v1/fundingInfo")).body[0].fundingIntervalHours).toBe(1 / 3600);
    const inbox = await connect(`${wsUrl}/market/ws/btcusdt@aggTrade`);
    await inbox.aggTrades(5);
    const closed = once(inbox.ws, "close");
    proc.child.kill("SIGINT");
    await Promise.all([proc.exit, closed]);
    const ids = inbox.of("aggTrade").map((t) => t.a);
    expect(proc.stdout()).toContain(`usdm:BTCUSDT aggregate ids ${ids[0]}..${ids[ids.length - 1]} (${ids.length})`);
  });

  it("--usdm-symbols none serves spot only", async () => {
    const proc = await started(["--symbols", "BTCUSDT", "--usdm-symbols", "none"]);
    expect(proc.stdout()).not.toContain("USD-M");
    const restUrl = /\(REST (http:\/\/[^\s)]+)\)/.exec(proc.stdout())![1];
    expect((await fetch(`${restUrl}/fapi/v1/ping`)).status).toBe(404);
    proc.child.kill("SIGINT");
    await proc.exit;
  });
});
