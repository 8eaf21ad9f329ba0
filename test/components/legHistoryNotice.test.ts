// legHistoryView: which legs the pair and symbol pages' history notice lists, as built or from a live
// /health, and when it has nothing to say (the DOM part is tested in test/browser/pairHistory.test.ts).
import {describe, expect, it} from "vitest";
import {legHistoryView} from "../../src/components/legHistoryNotice.js";
import type {HistoryHealth, SymbolHistory} from "../../src/protocol/health.js";
import type {HistoryStatus} from "../../src/protocol/historyStatus.js";

const t = Date.parse("2026-12-01T12:00:00Z"),
  hour = 3_600_000;

const built = (eth: "loading" | "done"): HistoryStatus => ({
  checkedAt: t,
  windowMs: 2 * hour,
  loading: eth === "loading",
  symbols: {
    BTCUSDT: {state: "done", windowStart: t - 2 * hour, coveredFrom: t - 2 * hour, coveredTo: t, detail: null},
    ETHUSDT: {state: eth, windowStart: t - 2 * hour, coveredFrom: t - hour / 2, coveredTo: t, detail: null},
  },
});

const live = (state: SymbolHistory["state"]): HistoryHealth => ({
  windowMs: 2 * hour,
  loading: state === "loading",
  symbols: {
    ETHUSDT: {
      state,
      windowStart: t - 2 * hour,
      coveredFrom: t - hour,
      remainingMs: hour,
      etaMs: 45_000,
      trades: 1,
      requests: 1,
      archiveDays: {total: 0, imported: [], fellBack: []},
      detail: "REST",
    },
  },
});

describe("legHistoryView(built, live, legs)", () => {
  it("as built while a leg loads: both legs, no ETA, the build's time", () => {
    const view = legHistoryView(built("loading"), undefined, ["BTCUSDT", "ETHUSDT"]);
    expect(view?.source).toBe("build");
    expect(view?.checkedAt).toBe(t);
    expect(view?.legs.map((l) => [l.symbol, l.state, l.coveredFrom, l.etaMs])).toEqual([
      ["BTCUSDT", "done", t - 2 * hour, null],
      ["ETHUSDT", "loading", t - hour / 2, null],
    ]);
  });

  it("nothing once built with every leg done, or for a page whose legs are done", () => {
    expect(legHistoryView(built("done"), undefined, ["BTCUSDT", "ETHUSDT"])).toBeNull();
    expect(legHistoryView(built("loading"), undefined, ["BTCUSDT"])).toBeNull();
    expect(legHistoryView(null, undefined, ["BTCUSDT"])).toBeNull();
  });

  it("a live answer replaces the build: its covered range and ETA; done or no --history: nothing", () => {
    const view = legHistoryView(built("loading"), live("loading"), ["BTCUSDT", "ETHUSDT"]);
    expect(view?.source).toBe("recorder");
    expect(view?.legs).toEqual([
      {
        symbol: "ETHUSDT",
        state: "loading",
        windowStart: t - 2 * hour,
        coveredFrom: t - hour,
        coveredTo: null,
        etaMs: 45_000,
        detail: "REST",
      },
    ]);
    expect(legHistoryView(built("loading"), live("done"), ["BTCUSDT", "ETHUSDT"])).toBeNull();
    expect(legHistoryView(built("loading"), null, ["BTCUSDT", "ETHUSDT"])).toBeNull();
    // A page built with no history known still shows what a live recorder loads.
    expect(legHistoryView(null, live("waiting"), ["ETHUSDT"])?.legs[0].state).toBe("waiting");
  });

  it("built from the lake's marker (no recorder was loading): kept while a recorder without --history answers; one with --history replaces it", () => {
    const stopped = {...built("loading"), markerAt: t - hour};
    const view = legHistoryView(stopped, undefined, ["BTCUSDT", "ETHUSDT"]);
    expect(view?.markerAt).toBe(t - hour);
    expect(legHistoryView(stopped, null, ["BTCUSDT", "ETHUSDT"])?.markerAt).toBe(t - hour);
    expect(legHistoryView(stopped, live("loading"), ["ETHUSDT"])?.markerAt).toBeNull();
    expect(legHistoryView(stopped, live("done"), ["ETHUSDT"])).toBeNull();
    expect(legHistoryView(built("loading"), undefined, ["ETHUSDT"])?.markerAt).toBeNull();
  });
});
