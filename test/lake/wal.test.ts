import {mkdtemp, readFile, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {walLine, WalSegment} from "../../lake/wal.js";

let dir: string;
beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), "pairbook-wal-"))));
afterEach(async () => rm(dir, {recursive: true, force: true}));

const line = (id: number) =>
  walLine({id, time: 1_763_683_200_000 + id, price: 91_234.56 + id / 100, qty: 0.00012 * id, isBuyerMaker: id % 3 === 0});

describe("WalSegment", () => {
  it("writes every appended line, in order, across buffer growth and syncs that overlap new appends", async () => {
    const segment = await WalSegment.create(dir, 1);
    const expected: string[] = [];
    for (let id = 1; id <= 5000; ++id) segment.append((expected[expected.length] = line(id))); // ~250 KB: the 64 KiB buffer grows
    expect(segment.unsynced).toBe(5000);
    const syncing = segment.sync();
    // Lines arriving while the sync writes go to the other buffer and count as unsynced until the next sync.
    for (let id = 5001; id <= 5100; ++id) segment.append((expected[expected.length] = line(id)));
    expect(segment.unsynced).toBe(5100);
    await syncing;
    expect(segment.unsynced).toBe(100);
    await segment.sync();
    expect(segment.unsynced).toBe(0);
    for (let id = 5101; id <= 5200; ++id) segment.append((expected[expected.length] = line(id)));
    await segment.close();
    expect(await readFile(segment.path, "utf8")).toBe(expected.join(""));
    expect(segment.rows).toBe(5200);
  });
});
