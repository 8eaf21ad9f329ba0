// historyStatus() on a small real lake (test/loaders/smallLake.ts) with a recorder that is a local test
// server answering /health (src/protocol/health.ts) only: history incomplete, complete, absent, another
// lake's, no recorder. The covered ranges are the lake's first and last trades, read off smallLake's rows.
import {createServer, type Server} from "node:http";
import {rm} from "node:fs/promises";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {historyStatus} from "../../loaders/historyStatus.js";
import type {HistoryHealth, SymbolHistory} from "../../src/protocol/health.js";
import {smallLake, t0} from "./smallLake.js";

const hour = 3_600_000;
const windowStart = t0 - 2 * hour;

function leg(state: SymbolHistory["state"], coveredFrom: number | null, detail: string | null = null): SymbolHistory {
  return {
    state,
    windowStart,
    coveredFrom,
    remainingMs: coveredFrom === null ? 0 : coveredFrom - windowStart,
    etaMs: state === "done" ? 0 : null,
    trades: 0,
    requests: 0,
    archiveDays: {total: 0, imported: [], fellBack: []},
    detail,
  };
}

let lake: string, recorder: Server, liveUrl: string;
let answer: {lake: string; history: HistoryHealth | null} | null = null;
const authorizations: (string | undefined)[] = [];

beforeAll(async () => {
  lake = await smallLake();
  recorder = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    if (req.url === "/health" && answer) res.writeHead(200, {"content-type": "application/json"}).end(JSON.stringify(answer));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
  const address = recorder.address();
  liveUrl = `ws://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/?token=s3cr3t`;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => (recorder?.closeAllConnections(), recorder?.close(resolve)));
  if (lake) await rm(lake, {recursive: true, force: true});
});

describe("historyStatus(config, symbols)", () => {
  it("while the recorder of this lake loads ETHUSDT: loading, each leg's state and the lake's covered range", async () => {
    answer = {
      lake,
      history: {
        windowMs: 2 * hour,
        loading: true,
        symbols: {BTCUSDT: leg("done", windowStart), ETHUSDT: leg("loading", t0 + 300, "REST"), SOLUSDT: leg("waiting", null)},
      },
    };
    const status = await historyStatus({lake, liveUrl}, ["BTCUSDT", "ETHUSDT"], {now: () => 42});
    // BTCUSDT's trades run from t0 + 100 to t0 + 4900, ETHUSDT's from t0 + 300 to t0 + 3100 (two UTC days each).
    expect(status).toEqual({
      checkedAt: 42,
      windowMs: 2 * hour,
      loading: true,
      symbols: {
        BTCUSDT: {state: "done", windowStart, coveredFrom: t0 + 100, coveredTo: t0 + 4900, detail: null},
        ETHUSDT: {state: "loading", windowStart, coveredFrom: t0 + 300, coveredTo: t0 + 3100, detail: "REST"},
      },
    });
    // The live URL's token goes as a Bearer header (src/protocol/recorderEndpoint.ts).
    expect(authorizations.at(-1)).toBe("Bearer s3cr3t");
  });

  it("only the symbols asked for count: a page of BTCUSDT alone is not loading while SOLUSDT waits", async () => {
    const status = await historyStatus({lake, liveUrl}, ["BTCUSDT"]);
    expect(status?.loading).toBe(false);
    expect(Object.keys(status?.symbols ?? {})).toEqual(["BTCUSDT"]);
  });

  it("once every symbol is done: not loading", async () => {
    answer = {
      lake,
      history: {windowMs: 2 * hour, loading: false, symbols: {BTCUSDT: leg("done", windowStart), ETHUSDT: leg("done", windowStart)}},
    };
    const status = await historyStatus({lake, liveUrl}, ["BTCUSDT", "ETHUSDT"]);
    expect(status?.loading).toBe(false);
    expect(Object.values(status?.symbols ?? {}).map((s) => s.state)).toEqual(["done", "done"]);
  });

  it("null without --history, for a recorder of another lake, for symbols it does not load, and with no recorder", async () => {
    answer = {lake, history: null};
    expect(await historyStatus({lake, liveUrl}, ["BTCUSDT"])).toBeNull();
    answer = {lake: `${lake}-other`, history: {windowMs: hour, loading: true, symbols: {BTCUSDT: leg("loading", t0)}}};
    expect(await historyStatus({lake, liveUrl}, ["BTCUSDT"])).toBeNull();
    answer = {lake, history: {windowMs: hour, loading: true, symbols: {BTCUSDT: leg("loading", t0)}}};
    expect(await historyStatus({lake, liveUrl}, ["ETHUSDT"])).toBeNull();
    answer = null; // 404
    expect(await historyStatus({lake, liveUrl}, ["BTCUSDT"])).toBeNull();
    // Nothing listens on port 9 of 127.0.0.1 (discard): refused at once.
    expect(await historyStatus({lake, liveUrl: "ws://127.0.0.1:9"}, ["BTCUSDT"])).toBeNull();
  });

  it("a /health of another shape (an older recorder, another service) is ignored", async () => {
    answer = {lake, history: {windowMs: hour, loading: true, symbols: {BTCUSDT: {state: "busy"} as unknown as SymbolHistory}}};
    expect(await historyStatus({lake, liveUrl}, ["BTCUSDT"])).toBeNull();
  });
});
