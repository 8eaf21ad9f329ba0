// The research pages: every src/research/*.md, found when Framework loads observablehq.config.ts (the
// sidebar's Research section) and when scripts/check-dist.js checks the build, so adding a page is
// dropping a file there. A page is named by its front matter's `title:`, else its first `# heading`,
// else its file name; files starting with _ or . are skipped (drafts, editor files).
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";

/**
 * The pages of `dir` (default src/research of this project) as Framework's sidebar lists them, sorted
 * by file name: [{name: "Hedge-ratio drift", path: "/research/hedge-drift"}].
 * @param {string} [dir] @returns {{name: string, path: string}[]}
 */
export function researchPages(dir = join(import.meta.dirname, "..", "src", "research")) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(".md") && !/^[_.]/.test(file))
    .sort()
    .map((file) => ({name: pageTitle(readFileSync(join(dir, file), "utf8")) ?? file.slice(0, -3), path: `/research/${file.slice(0, -3)}`}));
}

/**
 * A page's title: front matter `title:` (quotes removed), else its first level-1 heading; undefined if none.
 * @param {string} text @returns {string | undefined}
 */
export function pageTitle(text) {
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1];
  const title = front ? /^title:\s*(.+?)\s*$/m.exec(front)?.[1] : undefined;
  if (title) return title.replace(/^(["'])(.*)\1$/, "$2");
  return /^# (.+?)\s*$/m.exec(text)?.[1];
}
