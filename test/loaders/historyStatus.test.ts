// historyStatus() on a small real lake (test/loaders/smallLake.ts) with a recorder that is a local test
// server answering /health (src/protocol/health.ts) only: history incomplete, complete, absent, another
// lake's, no recorder. The covered ranges are the lake's first and last trades, read off smallLake's rows.
// Without a recorder loading history, the progress the last --history run left in the lake
// (<lake>/history/state.json, written here by hand as lake/historyMarker.ts documents it): stopped
// halfway, finished, torn or foreign.
import {createServer, type Server} from "node:http";
import {mkdir, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
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

describe("historyStatus(config, symbols) from the lake's marker, no recorder loading the history", () => {
  const markerPath = () => join(lake, "history", "state.json");
  const noRecorder = "ws://127.0.0.1:9";
  const writeMarker = async (text: string) => (await mkdir(join(lake, "history"), {recursive: true}), await writeFile(markerPath(), text));
  const marker = (eth: SymbolHistory["state"]) =>
    JSON.stringify({
      format: 1,
      windowMs: 2 * hour,
      startedAt: t0 + 2 * hour,
      windowStart,
      updatedAt: t0 + 2 * hour + 5000,
      symbols: {
        BTCUSDT: {state: "done", windowStart, coveredFrom: windowStart, detail: null},
        ETHUSDT: {state: eth, windowStart, coveredFrom: t0 + 300, detail: "REST"},
      },
    });
  const removeMarker = () => rm(join(lake, "history"), {recursive: true, force: true});

  it("a run stopped halfway: loading, the state as last written (markerAt), the covered range from the lake", async () => {
    await writeMarker(marker("loading"));
    try {
      const status = await historyStatus({lake, liveUrl: noRecorder}, ["BTCUSDT", "ETHUSDT"], {now: () => 42});
      expect(status).toEqual({
        checkedAt: 42,
        windowMs: 2 * hour,
        loading: true,
        markerAt: t0 + 2 * hour + 5000,
        symbols: {
          BTCUSDT: {state: "done", windowStart, coveredFrom: t0 + 100, coveredTo: t0 + 4900, detail: null},
          ETHUSDT: {state: "loading", windowStart, coveredFrom: t0 + 300, coveredTo: t0 + 3100, detail: "REST"},
        },
      });
      // A recorder of this lake without --history, or one of another lake, leaves the window unfinished: the marker still speaks.
      answer = {lake, history: null};
      expect((await historyStatus({lake, liveUrl}, ["ETHUSDT"]))?.markerAt).toBe(t0 + 2 * hour + 5000);
      answer = {lake: `${lake}-other`, history: {windowMs: hour, loading: false, symbols: {ETHUSDT: leg("done", t0)}}};
      expect((await historyStatus({lake, liveUrl}, ["ETHUSDT"]))?.symbols.ETHUSDT.state).toBe("loading");
      // A recorder of this lake loading history is asked, not the marker (which it keeps up to date).
      answer = {lake, history: {windowMs: hour, loading: false, symbols: {ETHUSDT: leg("done", t0)}}};
      const live = await historyStatus({lake, liveUrl}, ["ETHUSDT"]);
      expect(live?.symbols.ETHUSDT.state).toBe("done");
      expect(live?.markerAt).toBeUndefined();
    } finally {
      await removeMarker();
    }
  });

  it("a finished run: not loading; symbols it never loaded: null", async () => {
    await writeMarker(marker("done"));
    try {
      expect((await historyStatus({lake, liveUrl: noRecorder}, ["BTCUSDT", "ETHUSDT"]))?.loading).toBe(false);
      expect(await historyStatus({lake, liveUrl: noRecorder}, ["SOLUSDT"])).toBeNull();
    } finally {
      await removeMarker();
    }
  });

  it("a torn, foreign or later-format marker is ignored with one log line: null, no throw", async () => {
    const torn = marker("loading").slice(0, 60);
    const foreign = JSON.stringify({format: 1, windowMs: 2 * hour, symbols: {ETHUSDT: {state: "busy"}}});
    const later = marker("loading").replace('"format":1', '"format":2');
    try {
      for (const text of [torn, "\u0000\u0000garbage", foreign, later, ""]) {
        await writeMarker(text);
        const lines: string[] = [];
        expect(await historyStatus({lake, liveUrl: noRecorder}, ["ETHUSDT"], {log: (line) => lines.push(line)})).toBeNull();
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(markerPath());
      }
    } finally {
      await removeMarker();
    }
  });

  it("no marker and no recorder: null, nothing logged", async () => {
    const lines: string[] = [];
    expect(await historyStatus({lake, liveUrl: noRecorder}, ["BTCUSDT"], {log: (line) => lines.push(line)})).toBeNull();
    expect(lines).toEqual([]);
  });
});
