// The pair's close series as the page sees it: the build-time snapshot plus bars from the live feed,
// aligned on the snapshot's grid with the last close carried forward.
import type {PairSnapshot} from "./snapshot.js";
import type {LiveBar} from "./liveFeed.js";

export interface PairSeries {
  time: Float64Array;
  a: Float64Array;
  b: Float64Array;
  /** Number of bars that came from the live feed. */
  live: number;
}

export class LivePair {
  private readonly closes = [new Map<number, number>(), new Map<number, number>()];

  constructor(private readonly snapshot: PairSnapshot, private readonly intervalMs: number) {}

  /** Records bars of leg 0 (a) or 1 (b); a later update of the same bucket replaces it. */
  add(leg: 0 | 1, bars: readonly LiveBar[]): void {
    for (const bar of bars) if (bar.count > 0) this.closes[leg].set(bar.start, bar.close);
  }

  /** Snapshot bars followed by every live bucket after the snapshot's end where both legs have a price. */
  series(): PairSeries {
    const {time, a, b} = this.snapshot;
    const end = time.length ? time[time.length - 1] : -Infinity;
    const starts = [...new Set([...this.closes[0].keys(), ...this.closes[1].keys()])].filter((t) => t > end).sort((x, y) => x - y);
    if (starts.length === 0) return {time, a, b, live: 0};
    let lastA = a.length ? a[a.length - 1] : NaN, lastB = b.length ? b[b.length - 1] : NaN;
    const t2: number[] = [], a2: number[] = [], b2: number[] = [];
    // Walk bucket by bucket so quiet buckets in the live feed carry the last close forward, as in the
    // snapshot — but never across the hole between the snapshot's end and the first live bar.
    for (let t = Math.max(end + this.intervalMs, starts[0]); t <= starts[starts.length - 1]; t += this.intervalMs) {
      lastA = this.closes[0].get(t) ?? lastA;
      lastB = this.closes[1].get(t) ?? lastB;
      if (Number.isNaN(lastA) || Number.isNaN(lastB)) continue;
      t2.push(t), a2.push(lastA), b2.push(lastB);
    }
    const concat = (x: Float64Array, y: number[]) => {
      const out = new Float64Array(x.length + y.length);
      out.set(x), out.set(y, x.length);
      return out;
    };
    return {time: concat(time, t2), a: concat(a, a2), b: concat(b, b2), live: t2.length};
  }
}
