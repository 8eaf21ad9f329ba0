// The simulator's past (`pastMs`) for both markets: the perpetuals' aggregate trades reach as far back
// as spot's trades on /fapi/v1/aggTrades, follow spot's prices all along, settle fundings, and each
// whole past day is in the archive's futures layout (data/futures/um/daily/aggTrades) with a
// .CHECKSUM, the same rows REST answers.
import {createHash} from "node:crypto";
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {extractCsv, parseChecksum} from "../../lake/import/index.js";
import {startSimulator, type Simulator} from "../../simulator/index.js";

const hour = 3_600_000;
let simulator: Simulator, started: number, dir: string;

interface Agg {
  a: number;
  p: string;
  q: string;
  f: number;
  l: number;
  T: number;
  m: boolean;
}

beforeAll(async () => {
  started = Date.now();
  simulator = await startSimulator({port: 0, symbols: ["BTCUSDT"], rate: 0.2, seed: 8, pastMs: 30 * hour, usdm: {rate: 0.3}});
  dir = await mkdtemp(join(tmpdir(), "pairbook-sim-past-"));
});

afterAll(async () => {
  await simulator?.close();
  await rm(dir, {recursive: true, force: true});
});

const get = (path: string) => fetch(`${simulator.restUrl}${path}`);

/** Every aggregate trade of BTCUSDT's perpetual from REST, paged by fromId. */
async function allAggTrades(): Promise<Agg[]> {
  const out: Agg[] = [];
  for (let from = 0; ;) {
    const page = (await (await get(`/fapi/v1/aggTrades?symbol=BTCUSDT&fromId=${from}&limit=1000`)).json()) as Agg[];
    out.push(...page.filter((r) => r.a >= from));
    if (page.length < 1000) return out;
    from = page.at(-1)!.a + 1;
  }
}

describe("startSimulator({pastMs, usdm})", () => {
  it("serves the perpetual's past on /fapi/v1/aggTrades from pastMs before the start, consecutive aggregate ids", async () => {
    const rows = await allAggTrades();
    // 30 h at 0.3/s: about 32 400 aggregates.
    expect(rows.length).toBeGreaterThan(30_000);
    expect(rows[0].T).toBeGreaterThanOrEqual(started - 30 * hour - 1000);
    expect(rows[0].T).toBeLessThan(started - 29 * hour);
    rows.forEach((r, i) => i > 0 && expect(r.a).toBe(rows[i - 1].a + 1));
    // The perpetual follows spot's prices through the past: each aggregate within 1% of spot's last trade before it.
    const spot: {id: number; price: string; time: number}[] = [];
    for (let from = 0; ;) {
      const page = (await (await get(`/api/v3/historicalTrades?symbol=BTCUSDT&fromId=${from}&limit=1000`)).json()) as typeof spot;
      spot.push(...page.filter((t) => t.id >= from));
      if (page.length < 1000) break;
      from = page.at(-1)!.id + 1;
    }
    let k = 0,
      far = 0;
    for (const r of rows) {
      while (k + 1 < spot.length && spot[k + 1].time <= r.T) ++k;
      if (Math.abs(Math.log(Number(r.p) / Number(spot[k].price))) > 0.01) ++far;
    }
    expect(far).toBe(0);
    // Fundings settled through the past (every 8 h by default): at least three.
    const funding = (await (await get(`/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1000`)).json()) as unknown[];
    expect(funding.length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it("serves each whole past day as data/futures/um/daily/aggTrades zips with a valid .CHECKSUM, the rows REST answers", async () => {
    const day = new Date(started - 24 * hour).toISOString().slice(0, 10),
      dayStart = Date.parse(`${day}T00:00:00Z`);
    const base = `/data/futures/um/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-${day}.zip`;
    const [zip, checksum] = await Promise.all([get(base), get(`${base}.CHECKSUM`)]);
    expect([zip.status, checksum.status]).toEqual([200, 200]);
    const body = Buffer.from(await zip.arrayBuffer());
    const {sha256, fileName} = parseChecksum(await checksum.text());
    expect(fileName).toBe(`BTCUSDT-aggTrades-${day}.zip`);
    expect(createHash("sha256").update(body).digest("hex")).toBe(sha256);
    await writeFile(join(dir, "day.zip"), body);
    await extractCsv(join(dir, "day.zip"), join(dir, "day.csv"), {sha256});
    const [header, ...lines] = (await readFile(join(dir, "day.csv"), "utf8")).trimEnd().split("\n");
    expect(header).toBe("agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker");
    const expected = (await allAggTrades()).filter((r) => r.T >= dayStart && r.T < dayStart + 24 * hour);
    expect(lines).toEqual(expected.map((r) => `${r.a},${r.p},${r.q},${r.f},${r.l},${r.T},${r.m}`));
    // Spot's trades stay in the spot layout; neither market has the other's kind; today is not in the archive.
    const today = new Date(started).toISOString().slice(0, 10);
    for (const path of [
      `/data/futures/um/daily/trades/BTCUSDT/BTCUSDT-trades-${day}.zip`,
      `/data/spot/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-${day}.zip`,
      `/data/futures/um/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-${today}.zip`,
    ])
      expect((await get(path)).status).toBe(404);
    expect((await get(`/data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-${day}.zip`)).status).toBe(200);
  }, 60_000);
});
