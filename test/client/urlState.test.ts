// The pure half of the URL state: query string → values (with problems), values → query string.
import {describe, expect, it} from "vitest";
import {formatNumber, formatUrlState, parseUrlState, type UrlSchema} from "../../src/client/urlState.js";

const schema = {
  interval: {kind: "choice", choices: ["1s", "5s", "1m"], default: "1s"},
  window: {kind: "number", min: 5, max: 2000, integer: true, default: 60},
  exit: {kind: "number", min: -1, max: 2, default: 0},
  lookback: {kind: "number", min: 0.25, max: 0.7512345, default: 0.7512345},
  method: {kind: "choice", choices: ["ols", "tls"], default: "ols"},
  log: {kind: "boolean", default: false},
  grid: {kind: "choice", choices: [20, 60, 120], default: 60},
} satisfies UrlSchema;

describe("parseUrlState", () => {
  it("parseUrlState('', schema) gives every default and no problem", () => {
    expect(parseUrlState("", schema)).toEqual({
      values: {interval: "1s", window: 60, exit: 0, lookback: 0.7512345, method: "ols", log: false, grid: 60},
      problems: [],
    });
  });

  it("parseUrlState reads numbers, choices (numeric ones as numbers) and toggles, ignoring other parameters", () => {
    const {values, problems} = parseUrlState("?static&window=90&exit=-0.5&method=tls&log=1&grid=120&zoom=1,2&interval=1m", schema);
    expect(problems).toEqual([]);
    expect(values).toEqual({interval: "1m", window: 90, exit: -0.5, lookback: 0.7512345, method: "tls", log: true, grid: 120});
  });

  it.each([
    ["window=abc", "window", /^window=abc is not a number \(60 used\)$/],
    ["window=", "window", /window= is not a number/],
    ["window=60.5", "window", /window=60.5 is not a whole number/],
    ["window=3", "window", /^window=3 is outside 5 to 2000 \(60 used\)$/],
    ["exit=2.1", "exit", /^exit=2.1 is outside -1 to 2 \(0 used\)$/],
    ["method=foo", "method", /^method=foo is unknown \(ols used\)$/],
    ["log=yes", "log", /^log=yes is not 1 or 0 \(0 used\)$/],
    ["grid=61", "grid", /grid=61 is unknown/],
  ])("parseUrlState('?%s') falls back to the default and names the parameter", (query, name, message) => {
    const {values, problems} = parseUrlState(`?${query}`, schema);
    expect(values[name as keyof typeof values]).toBe(schema[name as keyof typeof schema].default);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it("parseUrlState quotes at most 40 characters of a bad value", () => {
    expect(parseUrlState(`?method=${"x".repeat(100)}`, schema).problems).toEqual([`method=${"x".repeat(40)}… is unknown (ols used)`]);
  });

  it("parseUrlState accepts a fractional maximum written to 12 digits", () => {
    expect(parseUrlState("?lookback=0.7512345", schema).values.lookback).toBe(0.7512345);
    expect(parseUrlState("?lookback=0.5", schema).values.lookback).toBe(0.5);
  });
});

describe("formatUrlState", () => {
  it("formatUrlState leaves defaults out and keeps ?static, ?live= and zoom= exactly as written", () => {
    expect(formatUrlState("?static", schema, {window: 60, method: "ols", log: false})).toBe("?static");
    expect(formatUrlState("", schema, {window: 60})).toBe("");
    expect(formatUrlState("?live=ws%3A%2F%2F127.0.0.1%3A8787&zoom=1,2", schema, {window: 90, log: true})).toBe(
      "?live=ws%3A%2F%2F127.0.0.1%3A8787&zoom=1,2&window=90&log=1",
    );
  });

  it("formatUrlState replaces a parameter where it stands, drops it at its default, and leaves parameters without a value alone", () => {
    expect(formatUrlState("?window=90&static&method=tls", schema, {window: 120, method: "ols"})).toBe("?window=120&static");
    expect(formatUrlState("?window=90&window=30", schema, {window: 45})).toBe("?window=45");
    // method is not among the values written: kept as it is.
    expect(formatUrlState("?method=tls", schema, {window: 61})).toBe("?method=tls&window=61");
  });

  it("formatUrlState writes numbers without float noise and round-trips through parseUrlState", () => {
    const values = {interval: "5s", window: 61, exit: 0.1 + 0.2, lookback: 0.5, method: "tls", log: true, grid: 20};
    const search = formatUrlState("?static", schema, values);
    expect(search).toBe("?static&interval=5s&window=61&exit=0.3&lookback=0.5&method=tls&log=1&grid=20");
    expect(parseUrlState(search, schema)).toEqual({values: {...values, exit: 0.3}, problems: []});
  });

  it("formatNumber(2.1000000000000005) is 2.1", () => {
    expect(formatNumber(2.1000000000000005)).toBe("2.1");
    expect(formatNumber(-0.5)).toBe("-0.5");
  });
});
