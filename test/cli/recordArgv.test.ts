import {describe, expect, it} from "vitest";
import {recordArgv} from "../../cli/recordArgv.js";

const endpoints = {symbols: ["BTCUSDT", "ETHUSDT"], lake: "/tmp/lake", wsUrl: "ws://127.0.0.1:1", restUrl: "http://127.0.0.1:2"};
const base = [
  "record",
  "--symbols",
  "BTCUSDT,ETHUSDT",
  "--lake",
  "/tmp/lake",
  "--ws-url",
  "ws://127.0.0.1:1",
  "--rest-url",
  "http://127.0.0.1:2",
];

describe("recordArgv", () => {
  it("defaults to a free live port and the recorder's own publish interval and alerts", () => {
    expect(recordArgv(endpoints)).toEqual([...base, "--live-port", "0"]);
  });

  it("adds the live port, publish interval, alerts and extra flags in that order", () => {
    expect(recordArgv({...endpoints, livePort: 8787, publishInterval: 0.5, alerts: "rules.json", args: ["--x"]})).toEqual([
      ...base,
      "--live-port",
      "8787",
      "--publish-interval",
      "0.5",
      "--alerts",
      "rules.json",
      "--x",
    ]);
    expect(recordArgv({...endpoints, alerts: false})).toEqual([...base, "--live-port", "0", "--no-alerts"]);
  });
});
