// Funding events on the live feed (LiveFunding, src/protocol/liveWire.ts): validated from `unknown`,
// merged into what a reader holds, and turned into the backtest's schedule (src/lib/funding.ts). The
// recorder, serve's upstream and the pages use the same rules, so they hold the same events.
import type {FundingRateEvent} from "../lib/funding.js";
import type {LiveFunding} from "./liveWire.js";

const sources: ReadonlySet<unknown> = new Set(["stream", "rest", "archive"]);
// As the lake's mergeFunding: of two events of one time the settled one wins (REST, then an archive, then the stream).
const rank: Record<LiveFunding["source"], number> = {rest: 0, archive: 1, stream: 2};

/** The funding events of a message's `events` or a snapshot's `funding` that have the wire shape; the rest is ignored. */
export function liveFundingOf(value: unknown): LiveFunding[] {
  if (!Array.isArray(value)) return [];
  const out: LiveFunding[] = [];
  for (const x of value as unknown[]) {
    if (typeof x !== "object" || x === null) continue;
    const {time, rate, mark, source} = x as Record<string, unknown>;
    if (typeof time !== "number" || !Number.isSafeInteger(time) || typeof rate !== "number" || !Number.isFinite(rate)) continue;
    if (!(mark === null || (typeof mark === "number" && Number.isFinite(mark))) || !sources.has(source)) continue;
    out.push({time, rate, mark, source: source as LiveFunding["source"]});
  }
  return out;
}

/**
 * `held` (ascending by time, one per time) with `events` merged in as the lake merges its records
 * (lake/funding.ts mergeFunding): a new time is added, a held one replaced by an event of an equal or
 * better source (REST, archive, stream), its mark kept when the new one has none. Returns `held` itself
 * when nothing changed, else a new array (readers key on identity), keeping the latest `max`. O(n + m log m).
 */
export function mergeLiveFunding(held: readonly LiveFunding[], events: readonly LiveFunding[], max = Infinity): readonly LiveFunding[] {
  const byTime = new Map(held.map((e) => [e.time, e]));
  let changed = false;
  for (const e of events) {
    const had = byTime.get(e.time);
    if (had && rank[e.source] > rank[had.source]) continue;
    const next = had && e.mark === null && had.mark !== null ? {...e, mark: had.mark} : e;
    if (had && had.rate === next.rate && had.mark === next.mark && had.source === next.source) continue;
    byTime.set(e.time, next);
    changed = true;
  }
  if (!changed) return held;
  const merged = [...byTime.values()].sort((x, y) => x.time - y.time);
  return merged.length > max ? merged.slice(-max) : merged;
}

/** The backtest's schedule of a leg: `base` (e.g. a build's events) with the live events replacing those of their times. O(n + m). */
export function withLiveFunding(base: readonly FundingRateEvent[] | undefined, live: readonly LiveFunding[]): FundingRateEvent[] {
  const byTime = new Map((base ?? []).map((e) => [e.time, e]));
  for (const e of live) byTime.set(e.time, e.mark === null ? {time: e.time, rate: e.rate} : {time: e.time, rate: e.rate, mark: e.mark});
  return [...byTime.values()].sort((x, y) => x.time - y.time);
}
