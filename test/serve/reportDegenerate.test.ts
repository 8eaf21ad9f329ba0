// The report route refuses a degenerate pair as `pairbook analyze` does (a constant leg, a leg varying by
// rounding noise only, two exactly collinear legs), with analyze's reason and a 422, on a lake written by
// the lake's own writer: AAAUSDT a random walk, FLATUSDT always 7, NEARUSDT 50 ± 1e-12, LINUSDT = 2·AAA + 3.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {LakeWriter} from "../../lake/writer.js";
import {mulberry32} from "../../src/lib/mulberry32.js";
import {AccessPolicy} from "../../recorder/access.js";
import {startServer, type RunningServer} from "../../serve/server.js";

const t0 = Date.UTC(2026, 0, 5, 10);
const symbols = ["AAAUSDT", "FLATUSDT", "NEARUSDT", "LINUSDT"] as const;
let lake: string, server: RunningServer;

beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-serve-degenerate-"));
  const writer = await LakeWriter.open(lake, [...symbols], {publishMs: 0});
  const random = mulberry32(3);
  let p = 100;
  for (let s = 0; s < 60 * 60; ++s) {
    p = Math.max(1, p + Math.round((random() - 0.5) * 8) / 4); // quarters: 2p + 3 is exact
    const price = {AAAUSDT: p, FLATUSDT: 7, NEARUSDT: 50 + (Math.floor(s / 60) % 3) * 1e-12, LINUSDT: 2 * p + 3};
    symbols.forEach((symbol, k) =>
      writer.add(symbol, {id: s + 1, time: t0 + s * 1000 + k, price: price[symbol], qty: 1, isBuyerMaker: s % 2 === 0}),
    );
  }
  await writer.close();
  server = await startServer({lake, host: "127.0.0.1", port: 0, gate: new AccessPolicy({host: "127.0.0.1"})});
}, 60_000);
afterAll(async () => {
  await server?.close();
  await rm(lake, {recursive: true, force: true});
});

const report = async (a: string, b: string, query = "") => {
  const res = await fetch(`${server.url}api/v1/pairs/${a}/${b}/report?interval=1m&lookback=1d${query}`);
  return {status: res.status, doc: (await res.json()) as {error?: string; hedge?: unknown}};
};

describe("GET /api/v1/pairs/{a}/{b}/report on a degenerate pair", () => {
  it.each([
    ["a constant leg", "AAAUSDT", "FLATUSDT", "", /column "FLATUSDT" is constant \(7 on every row\)/],
    [
      "a near-constant leg",
      "NEARUSDT",
      "AAAUSDT",
      "",
      /column "NEARUSDT" is near-constant \(it varies by [0-9.e-]+ at magnitude 50, a relative [0-9.e-]+ ≤ 1e-12\)/,
    ],
    ["exactly collinear legs", "LINUSDT", "AAAUSDT", "", /columns "LINUSDT" and "AAAUSDT" are exactly collinear \(their OLS spread/],
    ["collinear legs under kalman too", "LINUSDT", "AAAUSDT", "&method=kalman", /exactly collinear/],
  ])("refuses %s with 422 and analyze's reason", async (_, a, b, query, reason) => {
    const {status, doc} = await report(a, b, query);
    expect(status).toBe(422);
    expect(doc.error).toMatch(reason);
  });

  it("still reports a pair that is not degenerate (the refusal is not a blanket one)", async () => {
    const {status, doc} = await report("AAAUSDT", "LINUSDT", "&log=true");
    // LIN = 2·AAA + 3 is collinear in prices but not in logs.
    expect(status).toBe(200);
    expect(doc.hedge).toBeDefined();
  });
});
