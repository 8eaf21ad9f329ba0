import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {openDemoLog, plain, previewFilter, type Stream} from "../../cli/demoLog.js";

/** The lines of `lines` that previewFilter() lets through, in order (stdout unless marked). */
function shown(lines: (string | [string, Stream])[]): string[] {
  const show = previewFilter();
  const pairs = lines.map((l): [string, Stream] => (typeof l === "string" ? [l, "stdout"] : l));
  return pairs.filter(([line, stream]) => show(plain(line), stream)).map(([line]) => plain(line));
}

describe("previewFilter()", () => {
  it("keeps Framework's banner and URL, drops request lines and blank lines", () => {
    // As Framework 1.13 prints them (it colours its output even with FORCE_COLOR=0).
    expect(
      shown([
        "\x1b[32m\x1b[1mObservable Framework\x1b[22m\x1b[39m \x1b[90mv1.13.4\x1b[39m",
        "\x1b[90m↳\x1b[39m \x1b[4mhttp://127.0.0.1:3091/\x1b[24m",
        "",
        "\x1b[90mGET\x1b[39m /",
        "\x1b[90mGET\x1b[39m /_import/components/liveFeed.js?sha=bcead6cd",
      ]),
    ).toEqual(["Observable Framework v1.13.4", "↳ http://127.0.0.1:3091/"]);
  });

  it("drops the first run's bundling line of each npm import, keeps other arrows", () => {
    // As the demo's terminal showed them on a fresh clone (coloured as Framework colours its output).
    expect(
      shown([
        "d3-array \x1b[90m→\x1b[39m src/.observablehq/cache/_node/d3-array@3.2.4/index.js",
        "@observablehq/plot → src/.observablehq/cache/_node/@observablehq/plot@0.6.17/index.js",
        "load src/data/overview.json.ts → error in 12ms",
      ]),
    ).toEqual(["load src/data/overview.json.ts → error in 12ms"]);
  });

  it("drops socket lines and the multi-line dumps of page messages, then shows what follows", () => {
    const lines = [
      "socket open /_observablehq",
      "↑ {",
      "  type: 'hello',",
      "  path: '/',",
      "}",
      "↓ { type: 'welcome' }",
      "↓ {",
      "  type: 'update',",
      "  code: {",
      "    added: [",
      '      \'define({id: "22f62bd0", inputs: ["FileAttachment"], body: async (FileAttachment) => {',
      "    ]",
      "  },",
      "}",
      "socket close /_observablehq",
      "load src/data/overview.json.ts → success 2 kB in 310ms",
      "load src/data/bars.arrow.ts → error in 1.2s: loader exited with code 1",
      "(!) something Framework warns about",
    ];
    expect(shown(lines)).toEqual([
      "load src/data/bars.arrow.ts → error in 1.2s: loader exited with code 1",
      "(!) something Framework warns about",
    ]);
  });

  it("shows everything on stderr, stack traces included", () => {
    expect(
      shown([
        ["Error: ENOENT: no such file", "stderr"],
        ["    at loadPage (file:///x.js:1:1)", "stderr"],
        ["", "stderr"],
      ]),
    ).toEqual(["Error: ENOENT: no such file", "    at loadPage (file:///x.js:1:1)"]);
  });

  it("ends a dump at a line that is not part of it", () => {
    expect(shown(["↓ {", "  type: 'update',", "Error: not part of the dump", "  indented again"])).toEqual([
      "Error: not part of the dump",
      "  indented again",
    ]);
  });
});

describe("openDemoLog(lake, command)", () => {
  const base = mkdtempSync(join(tmpdir(), "pairbook-demolog-"));
  afterAll(() => rmSync(base, {recursive: true, force: true}));

  it("writes every line, timed and named, to <lake>/logs/<command>-<time>.log", async () => {
    const log = openDemoLog(join(base, "lake"), "demo", new Date("2026-03-04T05:06:07.890Z"));
    expect(log.path).toBe(join(base, "lake", "logs", "demo-2026-03-04T05-06-07Z.log"));
    log.write("preview", "\x1b[90mGET\x1b[39m /");
    log.write("record", "stream open");
    await log.close();
    expect(readFileSync(log.path, "utf8")).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z \[preview\] GET \/\n\d{4}-\d\d-\d\dT[\d:.]+Z \[record\] stream open\n$/,
    );
  });

  it("falls back to the temp folder when the lake's logs folder cannot be made", async () => {
    const notADir = join(base, "file");
    writeFileSync(notADir, "");
    const log = openDemoLog(join(notADir, "lake"), "start");
    expect(dirname(log.path)).toBe(join(tmpdir(), "pairbook-logs"));
    log.write("pairbook", "hello");
    await log.close();
    expect(readFileSync(log.path, "utf8")).toContain("[pairbook] hello\n");
    rmSync(log.path);
  });
});
