// `pairbook status` with no recorder answering: with a lake whose last --history run stopped halfway
// (its <lake>/history/state.json, written here by hand), the error says how far it got; without a marker
// it says only that no recorder answers.
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {status} from "../../cli/commands/status.js";

let lake: string;
beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-cli-status-"));
});
afterAll(async () => {
  await rm(lake, {recursive: true, force: true});
});

// Nothing listens on port 9 of 127.0.0.1 (discard): refused at once.
const noRecorder = ["--port", "9"];

describe("pairbook status --lake DIR with no recorder answering", () => {
  it("no marker: only that no recorder answers", async () => {
    await expect(status.run([...noRecorder, "--lake", lake])).rejects.toThrow(
      /^no recorder answers at http:\/\/127\.0\.0\.1:9\/health \([^\n]*\)$/,
    );
  });

  it("a run stopped halfway: not finished, when it last wrote, each symbol's state", async () => {
    const hour = 3_600_000,
      updatedAt = Date.UTC(2026, 11, 1, 10, 5);
    await mkdir(join(lake, "history"));
    await writeFile(
      join(lake, "history", "state.json"),
      JSON.stringify({
        format: 1,
        windowMs: 6 * hour,
        startedAt: updatedAt - 60_000,
        windowStart: updatedAt - 6 * hour,
        updatedAt,
        symbols: {
          BTCUSDT: {state: "done", windowStart: 0, coveredFrom: 0, detail: null},
          ETHUSDT: {state: "loading", windowStart: 0, coveredFrom: 1, detail: "archive 2026-11-30"},
        },
      }),
    );
    const error = (await status.run([...noRecorder, "--lake", lake]).catch((e: Error) => e)) as Error;
    expect(error.message.split("\n").slice(1)).toEqual([
      `history of ${lake}: the last 6.0 h, not finished: the last run with --history stopped before it was done (as last written 2026-12-01 10:05 UTC; \`pairbook record --history\` continues it)`,
      "BTCUSDT    done",
      "ETHUSDT    loading (archive 2026-11-30)",
    ]);
  });
});
