import {mkdtemp, readFile, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {walLine, WalSegment} from "../../lake/wal.js";

let dir: string;
beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), "pairbook-wal-"))));
afterEach(async () => rm(dir, {recursive: true, force: true}));

const trade = (id: number) => ({
  id,
  time: 1_763_683_200_000 + id,
  price: 91_234.56 + id / 100,
  qty: 0.00012 * id,
  isBuyerMaker: id % 3 === 0,
});
/** Appends trade `id`, keeping its line as walLine writes it. */
const append = (segment: WalSegment, expected: string[], id: number) => {
  const line = walLine(trade(id));
  expected.push(line);
  expect(segment.append(trade(id))).toBe(line.length);
  return line.length;
};

describe("WalSegment", () => {
  it("writes every appended line, in order, across buffer growth and syncs that overlap new appends", async () => {
    const segment = await WalSegment.create(dir, 1);
    const expected: string[] = [];
    for (let id = 1; id <= 5000; ++id) append(segment, expected, id); // ~250 KB: the 64 KiB buffer grows
    expect(segment.unsynced).toBe(5000);
    const syncing = segment.sync();
    // Lines arriving while the sync writes go to the other buffer and count as unsynced until the next sync.
    for (let id = 5001; id <= 5100; ++id) append(segment, expected, id);
    expect(segment.unsynced).toBe(5100);
    await syncing;
    expect(segment.unsynced).toBe(100);
    await segment.sync();
    expect(segment.unsynced).toBe(0);
    for (let id = 5101; id <= 5200; ++id) append(segment, expected, id);
    await segment.close();
    expect(await readFile(segment.path, "utf8")).toBe(expected.join(""));
    expect(segment.rows).toBe(5200);
  });

  it("keeps a buffer grown to 1 MiB for reuse, lets go of one a burst grew past 4 MiB, and frees a sealed segment's after its last sync", async () => {
    const segment = await WalSegment.create(dir, 1);
    const expected: string[] = [];
    const fill = (bytes: number) => {
      for (let n = 0; n < bytes;) n += append(segment, expected, expected.length + 1);
    };
    expect(segment.heldBytes).toBe(2 * 65_536); // two 64 KiB buffers
    fill(600_000); // the buffer doubles 64 KiB → 1 MiB
    await segment.sync();
    expect(segment.heldBytes).toBe(65_536 + 1_048_576); // kept: appends go to the 64 KiB one, the 1 MiB one waits
    fill(5_000_000); // a burst: the 64 KiB buffer doubles to 8 MiB
    await segment.sync();
    expect(segment.heldBytes).toBe(1_048_576 + 65_536); // the 8 MiB one is replaced by a new 64 KiB one
    fill(1000);
    segment.seal();
    await segment.sync();
    expect(segment.heldBytes).toBe(0);
    expect(segment.unsynced).toBe(0);
    await segment.close();
    expect(await readFile(segment.path, "utf8")).toBe(expected.join(""));
  });
});
