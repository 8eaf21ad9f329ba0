// The research pages the config lists and the dist check requires (scripts/researchPages.js).
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {pageTitle, researchPages} from "../../scripts/researchPages.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pairbook-research-"));
  await writeFile(join(dir, "zeta.md"), '---\ntitle: "Funding carry"\ntoc: false\n---\n\n# Something else\n');
  await writeFile(join(dir, "alpha.md"), "Intro.\n\n# Volume profile\n\ntext\n");
  await writeFile(join(dir, "plain.md"), "no title at all\n");
  await writeFile(join(dir, "_draft.md"), "---\ntitle: Draft\n---\n");
  await writeFile(join(dir, "notes.txt"), "# not a page\n");
});
afterAll(() => rm(dir, {recursive: true, force: true}));

describe("researchPages(dir)", () => {
  it("lists every .md but drafts, sorted by file name, named by title, heading or file name", () => {
    expect(researchPages(dir)).toEqual([
      {name: "Volume profile", path: "/research/alpha"},
      {name: "plain", path: "/research/plain"},
      {name: "Funding carry", path: "/research/zeta"},
    ]);
  });

  it("is empty for a folder that does not exist", () => {
    expect(researchPages(join(dir, "missing"))).toEqual([]);
  });

  it("finds this project's example page", () => {
    expect(researchPages()).toContainEqual({name: "Hedge-ratio drift", path: "/research/hedge-drift"});
  });
});

describe("pageTitle(text)", () => {
  it("prefers the front matter's title, unquoted, over the first heading", () => {
    expect(pageTitle("---\ntitle: 'A: b'\n---\n# C\n")).toBe("A: b");
    expect(pageTitle("---\ntoc: false\n---\n## sub\n# Main\n")).toBe("Main");
    expect(pageTitle("nothing")).toBeUndefined();
  });
});
