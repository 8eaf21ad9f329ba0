// The layout's rules, checked over the tracked tree: imports follow the data's path and never go back
// up it (README, "Which folder may import which"), no production file grows past 300 lines, and no
// exported type name is declared in two files.
import {execFileSync} from "node:child_process";
import {readFileSync} from "node:fs";
import {dirname, join, normalize} from "node:path";
import {describe, expect, it} from "vitest";

const root = join(import.meta.dirname, "..");
const tracked = execFileSync("git", ["ls-files", "recorder", "simulator", "lake", "loaders", "serve", "src", "cli"], {
  cwd: root,
  encoding: "utf8",
})
  .split("\n")
  .filter((path) => /\.(ts|js|md)$/.test(path));

/** The folder a path belongs to, as the rules name them. */
function area(path: string): string {
  const [top, second] = path.split("/");
  if (top !== "src") return top;
  return ["lib", "protocol", "client", "components", "notebook"].includes(second) ? `src/${second}` : "src/pages";
}

/** What each folder may import besides itself; cli/ sits on top and may import anything. */
const allowed: Record<string, readonly string[]> = {
  "src/lib": [],
  "src/protocol": ["src/lib"],
  "src/client": ["src/lib", "src/protocol"],
  "src/components": ["src/lib", "src/protocol", "src/client"],
  lake: ["src/lib", "src/protocol"],
  loaders: ["lake", "src/lib", "src/protocol"],
  recorder: ["lake", "src/lib", "src/protocol"],
  simulator: ["lake", "src/lib", "src/protocol"],
  // `pairbook serve`'s HTTP API reads the lake as the loaders do; the CLI hands it the recorder's access policy.
  serve: ["lake", "loaders", "src/lib", "src/protocol"],
  // The research pages' toolkit: loads the build's bars (FileAttachment) and hands out lib views and charts.
  "src/notebook": ["src/lib", "src/protocol", "src/client", "src/components"],
  "src/pages": ["src/lib", "src/protocol", "src/client", "src/components", "src/notebook"],
};

/** Relative and node: imports of a source file (static, dynamic and type-only). */
function importsOf(path: string): {relative: string[]; node: string[]} {
  const text = readFileSync(join(root, path), "utf8");
  const specs = [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);
  return {
    relative: specs.filter((s) => s.startsWith(".")).map((s) => normalize(join(dirname(path), s))),
    node: specs.filter((s) => s.startsWith("node:")),
  };
}

describe("the layout", () => {
  it("has sources to check (the rules below would pass vacuously otherwise)", () => {
    expect(tracked.length).toBeGreaterThan(150);
    expect(new Set(tracked.map(area))).toEqual(new Set([...Object.keys(allowed), "cli"]));
  });

  it("imports go down the data's path; only the loader entries under src/data, src/pairs and src/symbols import loaders/", () => {
    const wrong: string[] = [];
    for (const path of tracked) {
      const from = area(path);
      if (from === "cli") continue;
      for (const target of importsOf(path).relative) {
        const to = area(target);
        if (to === from || allowed[from].includes(to)) continue;
        const loaderEntry = from === "src/pages" && to === "loaders" && /^src\/(data|pairs|symbols)\/[^/]+\.(ts|js)$/.test(path);
        if (!loaderEntry) wrong.push(`${path} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("what runs in the browser imports no Node module", () => {
    const wrong = tracked
      .filter((path) => ["src/lib", "src/protocol", "src/client", "src/components", "src/notebook"].includes(area(path)))
      .flatMap((path) => importsOf(path).node.map((spec) => `${path} → ${spec}`));
    expect(wrong).toEqual([]);
  });

  it("no production source file is over 300 lines", () => {
    const long = tracked
      .map((path) => ({path, lines: readFileSync(join(root, path), "utf8").split("\n").length - 1}))
      .filter(({lines}) => lines > 300)
      .map(({path, lines}) => `${path}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it("no exported type name is declared in two files", () => {
    const declared = new Map<string, string[]>();
    for (const path of tracked.filter((p) => /\.(ts|js)$/.test(p))) {
      const text = readFileSync(join(root, path), "utf8");
      for (const m of text.matchAll(/^export (?:declare )?(?:interface|type|class|enum) ([A-Za-z0-9_]+)/gm)) {
        declared.set(m[1], [...(declared.get(m[1]) ?? []), path]);
      }
    }
    const twice = [...declared].filter(([, paths]) => paths.length > 1).map(([name, paths]) => `${name}: ${paths.join(", ")}`);
    expect(twice).toEqual([]);
  });
});
