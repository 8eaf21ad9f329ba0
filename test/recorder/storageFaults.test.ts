// `pairbook record` (its own process) under storage faults injected for real, through the scenarios
// of bench/faults/storage.ts: a full tmpfs, a read-only lake (chmod, the recorder without root's
// capabilities), the lake deleted (rm -rf), and a full disk past the memory bound. Each ends with every
// id the simulator sent exactly once in the lake (or in a stored gap record), lakeError set while the
// fault lasts and null after, and the recorder still recording.
import {execFile} from "node:child_process";
import {promisify} from "node:util";
import {describe, expect, it} from "vitest";
import {runStorageFault, type StorageFaultResult, storageFaultsUnavailable} from "../../bench/faults/storage.js";

const unavailable = await storageFaultsUnavailable();
if (unavailable) console.warn(`test/recorder/storageFaults.test.ts skipped: ${unavailable}`);

/** Every id once, lakeError shown during the fault and gone after, still recording, a clean exit. */
function expectRecovered(result: StorageFaultResult, error: RegExp) {
  expect({lost: result.lost, lostRanges: result.lostRanges, duplicates: result.duplicates}).toEqual({
    lost: 0,
    lostRanges: {BTCUSDT: [], ETHUSDT: []},
    duplicates: 0,
  });
  expect(result.lakeErrorDuringFault).toMatch(error);
  expect(result.lakeErrorBeforeRemoval).not.toBeNull(); // still set while the fault lasts
  expect(result.lakeErrorAfter).toBeNull();
  expect(result.tradesAfterRecovery).toBeGreaterThanOrEqual(200);
  expect(result.exitCode).toBe(0);
  const lines = result.output.join("\n");
  expect(lines).toMatch(/lake: storage recovered after \d+\.\d s \(/);
  expect(lines).not.toMatch(/nothing is dropped/);
  // One line when a stage starts failing, not one per retry.
  for (const stage of ["writing the write-ahead log", "publishing the log as Parquet", "storing gap records"]) {
    expect(result.output.filter((l) => l.includes(`lake: ${stage} failed:`)).length).toBeLessThanOrEqual(1);
  }
}

describe.skipIf(unavailable !== null)("pairbook record under storage faults", () => {
  it("disk full (a ballast file fills the lake's tmpfs): nothing lost, `pairbook status` shows the error meanwhile", async () => {
    let status = "";
    const result = await runStorageFault("disk full", {
      duringFault: async (recorder) =>
        void ({stdout: status} = await promisify(execFile)(process.execPath, [
          "cli/pairbook.js",
          "status",
          "--port",
          String(recorder.port),
        ])),
    });
    expectRecovered(result, /^log: ENOSPC/);
    expect(status).toMatch(/LAKE ERROR: log: ENOSPC/);
    expect(
      result.output.filter((l) =>
        /lake: writing the write-ahead log failed: ENOSPC: no space left on device, write \(retrying with backoff; accepted trades are kept in memory until the log takes them\)$/.test(
          l,
        ),
      ),
    ).toHaveLength(1);
  }, 120_000);

  it("read-only lake (chmod -R a-w, the recorder without CAP_DAC_OVERRIDE): publishing waits, nothing lost", async () => {
    const result = await runStorageFault("read-only lake");
    expectRecovered(result, /^publish: .*(EACCES|Permission denied)/);
    expect(
      result.output.some((l) =>
        /lake: publishing the log as Parquet failed: .*(EACCES|Permission denied).*\(retrying with backoff; the trades stay in the write-ahead log\)$/.test(
          l,
        ),
      ),
    ).toBe(true);
  }, 120_000);

  it("lake deleted (rm -rf, then its path blocked for 3 s): every trade of the run survives in the rewritten log", async () => {
    const result = await runStorageFault("lake deleted");
    expectRecovered(result, /^log: .*the file was deleted or moved/);
    expect(result.lakeErrorBeforeRemoval).toMatch(/ENOTDIR|EEXIST/);
  }, 120_000);

  it("disk full past the memory bound: the recorder stops reading the exchange and backfills the hole afterwards", async () => {
    const result = await runStorageFault("disk full past the memory bound");
    expectRecovered(result, /ENOSPC|No space left/);
    expect(result.pausedReading).toBe(true);
    expect(result.output.some((l) => /stream reconnecting: the lake cannot keep up \(storage failing\)/.test(l))).toBe(true);
    // The hole the closed connection left is a gap record, filled from REST.
    expect(result.gaps.some((g) => g.cause === "reconnect" && g.filled)).toBe(true);
  }, 120_000);
});
