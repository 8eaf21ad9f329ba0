// Shared helpers for tests against the committed statsmodels / scipy / pandas fixtures.
import {readFileSync} from "node:fs";
import {expect} from "vitest";
import {generatePair, type SeriesKind} from "./series.js";

export interface SeriesFixture {
  kind: SeriesKind;
  seed: number;
  n: number;
  first: [number, number];
  last: [number, number];
  a?: number[];
  b?: number[];
}

type Json = number | string | null | boolean | Json[] | {[key: string]: Json};

/** Cases of test/fixtures/reference/<name>.json; "Infinity" strings become numbers. */
export function fixture<T>(name: string): T[] {
  const text = readFileSync(new URL(`../fixtures/reference/${name}.json`, import.meta.url), "utf8");
  return (JSON.parse(text, (_, v: Json) => (v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v)) as {cases: T[]}).cases;
}

const cache = new Map<string, {a: Float64Array; b: Float64Array}>();

/** The pair a fixture was computed on: inline when short, regenerated (and checked) when long. */
export function pairOf(s: SeriesFixture): {a: Float64Array; b: Float64Array} {
  if (s.a && s.b) return {a: Float64Array.from(s.a), b: Float64Array.from(s.b)};
  const key = `${s.kind}/${s.seed}/${s.n}`;
  let pair = cache.get(key);
  if (!pair) {
    pair = generatePair(s);
    // The Python mirror recorded these: a mismatch means the generators drifted apart.
    expect([pair.a[0], pair.b[0], pair.a[s.n - 1], pair.b[s.n - 1]]).toEqual([...s.first, ...s.last]);
    cache.set(key, pair);
  }
  return pair;
}

export const label = (s: SeriesFixture) => `${s.kind} n=${s.n} seed=${s.seed}`;

/** |actual − expected| ≤ rel·max(|expected|, floor); null expected means NaN. */
export function expectClose(actual: number, expected: number | null, rel = 1e-6, floor = 1e-12, what = ""): void {
  if (expected === null) return void expect(actual, what).toBeNaN();
  if (!Number.isFinite(expected)) return void expect(actual, what).toBe(expected);
  const tolerance = rel * Math.max(Math.abs(expected), floor);
  if (!(Math.abs(actual - expected) <= tolerance))
    expect.fail(`${what}: ${actual} differs from ${expected} by ${Math.abs(actual - expected)} (> ${tolerance})`);
}

export function expectAllClose(
  actual: ArrayLike<number>,
  expected: readonly (number | null)[],
  rel = 1e-6,
  floor = 1e-12,
  what = "",
): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; ++i) expectClose(actual[i], expected[i], rel, floor, `${what}[${i}]`);
}
