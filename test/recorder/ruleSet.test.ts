import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {RuleSet} from "../../recorder/alerts/ruleSet.js";

let dir: string;
beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), "pairbook-ruleset-"))));
afterEach(() => rm(dir, {recursive: true, force: true}));

const zscore = {name: "z", target: "A/B", metric: "zscore", comparator: "abs>", threshold: 2, interval: "1m", window: 30};

describe("RuleSet", () => {
  it("load() refuses two rules with one id, naming the file", async () => {
    const file = join(dir, "rules.json");
    await writeFile(
      file,
      JSON.stringify({
        rules: [
          {...zscore, id: "x"},
          {...zscore, id: "x"},
        ],
      }),
    );
    await expect(new RuleSet(file, ["A", "B"], 5).load()).rejects.toThrow(`alert rules file ${file}: two rules have id "x"`);
  });

  it("add/pause/delete keep intervalsFor, pairsOn and keep in step with the rules, and write() saves them", async () => {
    const file = join(dir, "rules.json");
    const rules = new RuleSet(file, ["A", "B", "C"], 5);
    const pair = rules.add(zscore);
    const price = rules.add({name: "p", target: "C", metric: "price", comparator: ">", threshold: 1, interval: "1s", window: 90});
    expect([pair.id, price.id]).toEqual(["rule-1", "rule-2"]);
    expect(rules.intervalsFor("A")).toEqual([60_000]);
    expect(rules.pairsOn(60_000)).toEqual([["A", "B"]]);
    expect(rules.keep(1000)).toBe(90 + 5 + 1);
    expect(rules.pause("rule-1", "too slow")).toBe(true);
    expect(rules.pause("rule-1", "again")).toBe(false);
    expect(rules.intervalsFor("A")).toEqual([]);
    expect(rules.pairsOn(60_000)).toEqual([]);
    expect(rules.delete("rule-2")).toBe(true);
    expect(rules.keep(1000)).toBe(5 + 1);
    await rules.write();
    const {rules: saved} = JSON.parse(await readFile(file, "utf8")) as {rules: {id: string; paused: boolean; pauseReason: string}[]};
    expect(saved.map((r) => [r.id, r.paused, r.pauseReason])).toEqual([["rule-1", true, "too slow"]]);
  });
});
